"""A site meter upstream of EV stations (`feeds`), a meter's fixed load
(`load_a`) and its steps (`load_steps`), single-phase stations on L2, and
devices on ports of their own (`port`)."""
import math
import socket
import time

import simtest
from simtest import decode, model_map, quantity

# The site meter: 100 A of its own on each phase, and the two stations.
METER = {"unit": 1, "model": "eastron_sdm630", "load_a": 100,
         "feeds": [7, 2]}
# 3-phase, 95 % of 16 A on each phase
HEIDELBERG = {"unit": 7, "model": "heidelberg_energy_control",
              "vehicle": "present", "setpoint_a": 16, "response_s": 0}
# No single-phase station of the catalogue has a register map: a Bender
# wired single-phase (phases 1) stands for one, on L2: 95 % of 10 A.
BENDER_L2 = {"unit": 2, "model": "bender_cc612", "vehicle": "present",
             "setpoint_a": 10, "vehicle_max_a": 32, "response_s": 0,
             "phases": 1, "phase": "L2"}
SITE = [METER, HEIDELBERG, BENDER_L2]

PER_PHASE = ["current_l%d", "active_power_l%d", "reactive_power_l%d",
             "apparent_power_l%d"]
TOTALS = ["active_power", "reactive_power", "apparent_power"]


def value(dev, name):
    return quantity(dev, name)["value"]


class Reader:
    """Reads quantities of the catalogue map of one unit over Modbus."""

    def __init__(self, client, unit, model):
        self.c, self.unit = client, unit
        self.regs = {r["quantity"]: r for r in model_map(model)}

    def __call__(self, name):
        r = self.regs[name]
        return decode(r, self.c.read(self.unit, r["function"], r["address"],
                                     r["words"]))


class TestFeeds(simtest.SimTestCase):
    def test_meter_adds_what_the_stations_draw(self):
        got = self.values(SITE)
        alone = self.values([dict(METER, feeds=[])])[1]
        meter, h, b = got[1], got[7], got[2]
        for k in (1, 2, 3):
            self.assertTrue(math.isclose(value(alone, "current_l%d" % k),
                                         100, rel_tol=1e-12))
            for q in (n % k for n in PER_PHASE):
                want = value(alone, q) + self.station(h, q, k) + \
                    self.station(b, q, k)
                self.assertTrue(math.isclose(value(meter, q), want,
                                             rel_tol=1e-12), q)
            pf = value(meter, "active_power_l%d" % k) / \
                value(meter, "apparent_power_l%d" % k)
            self.assertTrue(math.isclose(
                value(meter, "power_factor_l%d" % k), pf, rel_tol=1e-12))
        currents = [value(meter, "current_l%d" % k) for k in (1, 2, 3)]
        want = [100 + 15.2, 100 + 15.2 + 9.5, 100 + 15.2]
        for i, w in zip(currents, want):
            self.assertTrue(math.isclose(i, w, rel_tol=1e-12), currents)
        for q in TOTALS:
            parts = sum(value(meter, q + "_l%d" % k) for k in (1, 2, 3))
            self.assertTrue(math.isclose(value(meter, q), parts,
                                         rel_tol=1e-12), q)
        # counters integrate the meter's own load only
        for q in ("active_energy_import", "active_energy_import_l2",
                  "reactive_energy_import"):
            self.assertEqual(value(meter, q), value(alone, q), q)

    def station(self, dev, q, k):
        """What a station draws (q of phase k), from its own values: the
        Heidelberg and the Bender serve currents, and the model's power
        per phase is V x I x 0.99 (pf), S = V x I."""
        i = value(dev, "current_l%d" % k)
        u = value(dev, "voltage_ln_l%d" % k)
        if q.startswith("current"):
            return i
        if q.startswith("active"):
            return u * i * 0.99
        if q.startswith("apparent"):
            return u * i
        return math.sqrt(max(0, (u * i) ** 2 - (u * i * 0.99) ** 2))

    def test_single_phase_station_on_l2(self):
        b = self.values([BENDER_L2])[2]
        self.assertEqual([value(b, "current_l%d" % k) for k in (1, 2, 3)],
                         [0, 0.95 * 10, 0])
        self.assertEqual(value(b, "active_energy_import_l1"), 0)
        self.assertEqual(value(b, "active_energy_import_l3"), 0)
        self.assertEqual(value(b, "active_energy_import_l2"),
                         value(b, "active_energy_import"))
        u2 = value(b, "voltage_ln_l2")
        self.assertTrue(math.isclose(value(b, "active_power"),
                                     u2 * 9.5 * 0.99, rel_tol=1e-12))

    def test_served_currents_follow_a_setpoint_write(self):
        s = self.sim(SITE)
        c = self.raw(s)
        meter = Reader(c, 1, "eastron_sdm630")
        h = Reader(c, 7, "heidelberg_energy_control")
        b = Reader(c, 2, "bender_cc612")

        def check(want):
            for k in (1, 2, 3):
                i = meter("current_l%d" % k)
                self.assertTrue(math.isclose(i, want[k - 1], rel_tol=1e-6),
                                (k, i, want))
                # within the stations' register resolution (0.1 A)
                self.assertAlmostEqual(
                    i, 100 + h("current_l%d" % k) + b("current_l%d" % k),
                    delta=0.05)

        check([115.2, 124.7, 115.2])
        c.write(7, 6, 0x105, [100])  # Heidelberg to 10 A
        check([109.5, 119.0, 109.5])
        c.write(2, 16, 0x3E8, [0])  # the Bender stops: state B
        check([109.5, 109.5, 109.5])
        self.assertEqual(b("cp_state"), 2)

    def test_meter_energy_leaves_the_stations_out(self):
        # 1 s is 1 h: 100 A on 3 phases is about 65 kWh an hour, the
        # stations would add about 17 kWh
        site = [METER, HEIDELBERG, BENDER_L2,
                {"unit": 3, "model": "eastron_sdm630", "load_a": 100}]
        s = self.sim(site, scale="3600")
        c = self.raw(s)
        fed, alone = Reader(c, 1, "eastron_sdm630"), \
            Reader(c, 3, "eastron_sdm630")
        e0 = fed("active_energy_import"), alone("active_energy_import")
        time.sleep(0.5)
        e1 = fed("active_energy_import"), alone("active_energy_import")
        d_fed, d_alone = e1[0] - e0[0], e1[1] - e0[1]
        self.assertGreater(d_alone, 10000)
        # both integrate 100 A at their own (seeded) voltage and pf
        self.assertTrue(math.isclose(d_fed, d_alone, rel_tol=0.05),
                        (d_fed, d_alone))


def free_ports(n):
    """n distinct loopback ports free a moment ago."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class TestPorts(simtest.SimTestCase):
    def test_devices_answer_on_their_own_port_and_feed_across(self):
        a, b = free_ports(2)
        site = [dict(METER, port=a, feeds=[7]), dict(HEIDELBERG, port=b),
                {"unit": 3, "model": "eastron_sdm630", "load_a": 10},
                {"unit": 4, "model": "eastron_sdm630", "load_a": 20,
                 "port": b}]
        s = self.sim(site)
        self.assertEqual(len(s.ports), 3, s.ports)
        self.assertEqual(s.ports[1:], [a, b])
        on = {p: simtest.Raw(p) for p in s.ports}
        self._clients.extend(on.values())
        here = {s.ports[0]: [3], a: [1], b: [7, 4]}
        for port, units in here.items():
            for unit in (1, 3, 4, 7):
                if unit in units:
                    on[port].read(unit, 4 if unit != 7 else 3,
                                  0 if unit != 7 else 0x105, 1)
                    continue
                with self.assertRaises(simtest.ModbusException) as e:
                    on[port].read(unit, 4, 0, 1)
                self.assertEqual(e.exception.code, 0x0B, (port, unit))
        # the meter on port a measures the station on port b
        meter = Reader(on[a], 1, "eastron_sdm630")
        self.assertTrue(math.isclose(meter("current_l1"), 100 + 15.2,
                                     rel_tol=1e-6))
        self.assertAlmostEqual(Reader(on[b], 4, "eastron_sdm630")(
            "current_l2"), 20, delta=1e-3)

    def test_a_device_on_the_default_port_joins_it(self):
        a, = free_ports(1)
        s = self.sim([dict(GOOD_METER, port=a),
                      dict(GOOD_METER, unit=2)], port=str(a))
        self.assertEqual(s.ports, [a])
        c = self.raw(s)
        for unit in (1, 2):
            c.read(unit, 4, 0, 2)


GOOD_METER = {"unit": 1, "model": "eastron_sdm630", "load_a": 5}


class TestLoad(simtest.SimTestCase):
    def test_fixed_load(self):
        d = self.values([{"unit": 1, "model": "eastron_sdm630",
                          "load_a": 42.5},
                         {"unit": 3, "model": "eastron_sdm120",
                          "load_a": 12}])
        m, one = d[1], d[3]
        for k in (1, 2, 3):
            i = value(m, "current_l%d" % k)
            self.assertEqual(i, 42.5)
            p = value(m, "voltage_ln_l%d" % k) * i * \
                value(m, "power_factor_l%d" % k)
            self.assertTrue(math.isclose(value(m, "active_power_l%d" % k),
                                         p, rel_tol=1e-12))
        self.assertEqual(value(one, "current_l1"), 12)
        u, pf = value(one, "voltage_ln_l1"), value(one, "power_factor")
        self.assertTrue(math.isclose(value(one, "active_power"),
                                     u * 12 * pf, rel_tol=1e-12))

    def test_load_step(self):
        # the steps count wall-clock seconds, even with frozen time
        launched = time.monotonic()
        s = self.sim([{"unit": 1, "model": "eastron_sdm630", "load_a": 150,
                       "load_steps": [{"at_s": 1, "load_a": 260},
                                      {"at_s": 1.5, "load_a": 0}]}])
        meter = Reader(self.raw(s), 1, "eastron_sdm630")
        seen = []
        # a loaded machine may take seconds to start the server, whose
        # clock the steps count from: wait for the last step generously
        while time.monotonic() < launched + 20:
            seen.append((meter("current_l2"), time.monotonic()))
            if seen[-1][0] == 0:
                break
            time.sleep(0.05)
        # The server started after `launched`: a reply before
        # launched + 1 is still 150 A, a step comes with a reply after.
        for i, at in seen:
            if at < launched + 1:
                self.assertEqual(i, 150, seen)
            if i != 150:
                self.assertGreaterEqual(at, launched + 1, seen)
        values = [i for i, at in seen]
        self.assertIn(260, values)
        self.assertEqual(values[-1], 0)
        self.assertEqual(values, sorted(values, key=[150, 260, 0].index))

    def test_print_values_apply_a_step_at_0(self):
        d = self.values([{"unit": 1, "model": "eastron_sdm630", "load_a": 5,
                          "load_steps": [{"at_s": 0, "load_a": 7},
                                         {"at_s": 1000, "load_a": 9}]}])
        self.assertEqual(value(d[1], "current_l1"), 7)
