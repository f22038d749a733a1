"""What ews-sim serves: every model's map, plausible and consistent values,
counters that integrate the power, daily profiles, seeds, volumes."""
import json
import math
import os
import shutil
import time

from pymodbus.client import ModbusTcpClient

import simtest
from simtest import MAPPED, quantity

GENERICS = [
    {"unit": 20, "model": "generic_modbus_meter", "read_code": 4,
     "register": "0x0048", "words": 2, "type": "f32", "multiplier": 1},
    {"unit": 21, "model": "generic_modbus_meter", "read_code": 3,
     "register": "0x5000", "words": 4, "multiplier": 0.01},
    {"unit": 22, "model": "generic_modbus_meter", "read_code": 4,
     "register": "0x003E", "words": 2, "type": "s32", "word_order": "lsw",
     "multiplier": 0.1},
    {"unit": 23, "model": "generic_modbus_meter", "read_code": 3,
     "register": 16, "words": 1, "multiplier": 10},
    {"unit": 24, "model": "generic_modbus_meter", "read_code": 3,
     "register": "0x0C83", "words": 4, "type": "s64", "multiplier": 0.001},
    {"unit": 25, "model": "generic_modbus_meter", "read_code": 4,
     "register": "0x0000", "words": 4, "type": "f64", "word_order": "lsw",
     "multiplier": 0.001},
]

# Plausible canonical values, by quantity name prefix.
RANGES = [
    ("voltage_ln", 215, 245), ("voltage_ll", 375, 425),
    ("current_n", 0, 60), ("current", 0, 80), ("frequency", 49.9, 50.1),
    ("power_factor", 0.9, 1.0), ("thd_voltage", 0.5, 5),
    ("thd_current", 0, 30), ("temperature", 10, 60),
    ("active_energy_export", 0, 0), ("reactive_energy_export", 0, 0),
    ("active_energy", 1e5, 1e8), ("reactive_energy", 1e3, 1e8),
    ("apparent_energy", 1e5, 1e8), ("active_power", 0, 25000),
    ("reactive_power", 0, 10000), ("apparent_power", 0, 25000),
    ("cp_state", 1, 6), ("setpoint_current", 0, 80),
    ("charge_enable", 0, 1),
]


def device_list():
    devs = []
    for i, key in enumerate(MAPPED):
        d = {"unit": i + 1, "model": key}
        if key in ("heidelberg_energy_control", "phoenix_contact_ev_cc_eth",
                   "abl_emh1", "schneider_evlink_pro_ac", "bender_cc612"):
            d["vehicle"] = "present"
        devs.append(d)
    return devs + GENERICS


def plausible(name, value):
    for prefix, lo, hi in RANGES:
        if name.startswith(prefix):
            return lo <= value <= hi
    raise AssertionError("no range for %s" % name)


def pm_read(client, fc, addr, count, unit):
    fn = {1: client.read_coils, 2: client.read_discrete_inputs,
          3: client.read_holding_registers,
          4: client.read_input_registers}[fc]
    rsp = fn(addr, count, slave=unit)
    assert not rsp.isError(), "unit %d fc %d @%d: %r" % (unit, fc, addr, rsp)
    return [int(b) for b in rsp.bits[:count]] if fc <= 2 else rsp.registers


class TestServedValues(simtest.SimTestCase):
    def check_register(self, reg, printed, words):
        name = reg["quantity"]
        self.assertEqual(words, printed["words"], name)
        served = simtest.decode(reg, words)
        self.assertTrue(math.isclose(served, printed["served"],
                                     rel_tol=1e-9, abs_tol=1e-9),
                        "%s: %r != %r" % (name, served, printed["served"]))
        self.assertTrue(plausible(name, served), "%s = %r" % (name, served))
        if "values" in reg:
            return
        step = reg.get("scale", 1) * simtest.UNIT_FACTOR.get(reg["unit"], 1)
        tol = (abs(step) / 2 if reg["type"][0] in "su" else 0) + \
            1e-6 * abs(printed["value"]) + 1e-9
        self.assertLessEqual(abs(printed["value"] - served), tol, name)

    def test_every_model_serves_what_print_values_prints(self):
        devs = device_list()
        printed = self.values(devs)
        s = self.sim(devs)
        client = ModbusTcpClient("127.0.0.1", port=s.port, timeout=3)
        self.assertTrue(client.connect())
        try:
            for d in devs:
                regs = (simtest.generic_map(d) if "read_code" in d
                        else simtest.model_map(d["model"]))
                got = printed[d["unit"]]["registers"]
                self.assertEqual(len(got), len(regs), d["model"])
                for reg, p in zip(regs, got):
                    self.assertEqual(p["quantity"], reg["quantity"])
                    words = pm_read(client, reg["function"], reg["address"],
                                    reg["words"], d["unit"])
                    self.check_register(reg, p, words)
        finally:
            client.close()

    def test_frozen_time_serves_the_same_twice_and_gaps_read_zero(self):
        s = self.sim([{"unit": 1, "model": "eastron_sdm630"}])
        c = self.raw(s)
        first = c.read(1, 4, 0, 80)
        time.sleep(0.3)
        self.assertEqual(c.read(1, 4, 0, 80), first)
        self.assertEqual(c.read(1, 4, 0x24, 2), [0, 0])  # inside the span
        self.assertNotEqual(first[0:2], [0, 0])


class TestConsistency(simtest.SimTestCase):
    def value(self, dev, name):
        return quantity(dev, name)["value"]

    def test_phases_powers_and_totals_agree(self):
        for key in ("eastron_sdm630", "janitza_umg96rm"):
            d = self.values([{"unit": 1, "model": key}])[1]
            v = lambda n: self.value(d, n)  # noqa: E731
            close = lambda a, b: math.isclose(a, b, rel_tol=1e-9)  # noqa
            for k in "123":
                p, s = v("active_power_l" + k), v("apparent_power_l" + k)
                q, pf = v("reactive_power_l" + k), v("power_factor_l" + k)
                u, i = v("voltage_ln_l" + k), v("current_l" + k)
                self.assertTrue(close(p, u * i * pf), key)
                self.assertTrue(close(s, u * i), key)
                self.assertTrue(math.isclose(p * p + q * q, s * s,
                                             rel_tol=1e-9), key)
            total = sum(v("active_power_l" + k) for k in "123")
            self.assertTrue(close(v("active_power"), total))
            e = sum(v("active_energy_import_l" + k) for k in "123")
            self.assertTrue(close(v("active_energy_import"), e))
            u1, u2 = v("voltage_ln_l1"), v("voltage_ln_l2")
            self.assertTrue(close(v("voltage_ll_l12"),
                                  math.sqrt(u1 * u1 + u2 * u2 + u1 * u2)))

    def test_ev_power_follows_the_charging_current(self):
        d = self.values([{"unit": 2, "model": "bender_cc612",
                          "vehicle": "present", "setpoint_a": 13,
                          "vehicle_max_a": 32}])[2]
        p = sum(self.value(d, "voltage_ln_l" + k) *
                self.value(d, "current_l" + k) * 0.99 for k in "123")
        self.assertEqual(self.value(d, "current_l1"), 0.95 * 13)
        self.assertTrue(math.isclose(self.value(d, "active_power"), p,
                                     rel_tol=1e-9))

    def test_single_phase_meter_carries_everything_on_l1(self):
        d = self.values([{"unit": 3, "model": "eastron_sdm120",
                          "peak_w": 2300, "profile": "flat"}])[3]
        p, u, i = (self.value(d, n) for n in ("active_power",
                                              "voltage_ln_l1", "current_l1"))
        self.assertTrue(math.isclose(p, 2300, rel_tol=1e-9))
        self.assertTrue(math.isclose(p, u * i * self.value(d, "power_factor"),
                                     rel_tol=1e-9))


class TestTime(simtest.SimTestCase):
    def power(self, model, start, profile):
        d = self.values([{"unit": 1, "model": model, "profile": profile,
                          "peak_w": 10000}], start=start)[1]
        return quantity(d, "active_power")["value"]

    def test_daily_profiles(self):
        night = self.power("eastron_sdm630", "2024-03-05T03:00Z", "office")
        day = self.power("eastron_sdm630", "2024-03-05T10:00Z", "office")
        sunday = self.power("eastron_sdm630", "2024-03-03T10:00Z", "office")
        self.assertGreater(day, 3 * night)
        self.assertGreater(day, 3 * sunday)
        evening = self.power("eastron_sdm630", "2024-03-05T19:00Z", "home")
        noon = self.power("eastron_sdm630", "2024-03-05T11:00Z", "home")
        self.assertGreater(evening, 2 * noon)
        self.assertEqual(self.power("eastron_sdm630", "2024-03-05T03:00Z",
                                    "flat"), 10000)

    def test_seed_decides_every_figure(self):
        devs = [{"unit": 1, "model": "eastron_sdm630"}]
        a = self.values(devs, ["--seed", "7"])
        self.assertEqual(a, self.values(devs, ["--seed", "7"]))
        self.assertNotEqual(a, self.values(devs, ["--seed", "8"]))

    def test_start_offsets_are_honoured(self):
        a = self.values([{"unit": 1, "model": "eastron_sdm630"}],
                        start="2024-03-05T12:00:00+02:00")
        b = self.values([{"unit": 1, "model": "eastron_sdm630"}],
                        start="2024-03-05T10:00Z")
        self.assertEqual(a, b)

    def test_energy_integrates_the_power(self):
        s = self.sim([{"unit": 1, "model": "eastron_sdm630",
                       "profile": "flat", "peak_w": 36000,
                       "energy_kwh": 1000}], scale="3600")
        c = self.raw(s)

        def energy():
            t0 = time.monotonic()
            w = c.read(1, 4, 0x48, 2)
            t = (t0 + time.monotonic()) / 2
            return t, simtest.raw_value({"type": "f32"}, w)

        p = simtest.raw_value({"type": "f32"}, c.read(1, 4, 0x34, 2))
        self.assertAlmostEqual(p, 36000, delta=1)
        t1, e1 = energy()
        self.assertGreaterEqual(e1, 1000)
        series = []
        for _ in range(5):
            time.sleep(0.2)
            series.append(energy()[1])
        t2, e2 = energy()
        self.assertEqual(series, sorted(set(series)))  # strictly growing
        expected = 36 * (t2 - t1) * 3600 / 3600  # kW x simulated hours
        self.assertTrue(0.85 < (e2 - e1) / expected < 1.15,
                        "%r kWh in %r s" % (e2 - e1, t2 - t1))


class TestCustomModels(simtest.SimTestCase):
    """Volumes and breaker states, from models added to a catalogue copy."""

    def catalog(self):
        cat = os.path.join(self.tmp, "catalog")
        shutil.copytree(simtest.CATALOG, cat)
        models = {
            "test_water": {"commodity": "water", "capabilities": ["measure"],
                           "map": [{"quantity": "volume", "function": 3,
                                    "address": 10, "words": 2,
                                    "type": "u32", "scale": 0.001,
                                    "unit": "m3"}]},
            "test_breaker": {"capabilities": ["state", "measure"],
                             "map": [{"quantity": "state", "function": 2,
                                      "address": 0, "words": 1,
                                      "type": "bit", "unit": "",
                                      "values": {"0": "open",
                                                 "1": "closed"}},
                                     {"quantity": "state", "function": 4,
                                      "address": 5, "words": 1,
                                      "type": "u16", "unit": "",
                                      "values": {"3": "open",
                                                 "4": "closed",
                                                 "5": "tripped"}},
                                     {"quantity": "current_l1",
                                      "function": 4, "address": 6,
                                      "words": 1, "type": "u16",
                                      "scale": 0.01, "unit": "A"}]},
        }
        for key, m in models.items():
            m.update({"key": key, "name": key, "family": "other",
                      "catalog_numbers": [], "confidence": "D",
                      "source": "ews-sim tests"})
            with open(os.path.join(cat, key + ".json"), "w") as f:
                json.dump(m, f)
        return cat

    def test_water_volume_grows_with_the_flow(self):
        cat = self.catalog()
        s = self.sim([{"unit": 4, "model": "test_water", "profile": "flat",
                       "peak_dm3_h": 1000}], ["--catalog", cat], scale="3600")
        c = self.raw(s)
        t1, v1 = time.monotonic(), c.read(4, 3, 10, 2)
        time.sleep(0.5)
        t2, v2 = time.monotonic(), c.read(4, 3, 10, 2)
        litres = (v2[0] << 16 | v2[1]) - (v1[0] << 16 | v1[1])
        expected = 1000 * (t2 - t1)  # dm3 per simulated hour = per second
        self.assertTrue(0.7 < litres / expected < 1.3, litres)

    def test_breaker_state_is_served_through_its_value_table(self):
        cat = self.catalog()
        d = self.values([{"unit": 9, "model": "test_breaker"}],
                        ["--catalog", cat])[9]
        bit, coded, current = d["registers"]
        self.assertEqual((bit["value"], bit["words"]), (1, [1]))
        self.assertEqual((coded["value"], coded["words"]), (1, [4]))
        self.assertGreater(current["value"], 0)
        s = self.sim([{"unit": 9, "model": "test_breaker"}],
                     ["--catalog", cat])
        c = self.raw(s)
        self.assertEqual(c.read(9, 2, 0, 1), [1])
        self.assertEqual(c.read(9, 4, 5, 2), [4, current["words"][0]])
