"""EV stations: IEC 61851 states, setpoint writes, charging energy.

A charging vehicle draws 95 % of min(setpoint, vehicle limit, 32 A) and
follows a write `response_s` (default 5) simulated seconds after it; the
tests that want the effect at once give response_s 0.
"""
import time

import simtest
from simtest import ModbusException, quantity

HEIDELBERG = {"unit": 7, "model": "heidelberg_energy_control",
              "vehicle": "present", "vehicle_max_a": 32, "response_s": 0}

# Heidelberg: cp_state @5, currents @6-8 (0.1 A), setpoint @0x105 (0.1 A)
CP, I1, SETPOINT = 5, 6, 0x105


class TestSetpoint(simtest.SimTestCase):
    def test_setpoint_write_changes_the_served_current(self):
        s = self.sim([HEIDELBERG])
        c = self.raw(s)
        # C at 95 % of 16 A
        self.assertEqual(c.read(7, 4, CP, 4), [6, 152, 152, 152])
        c.write(7, 6, SETPOINT, [100])
        self.assertEqual(c.read(7, 3, SETPOINT, 1), [100])
        self.assertEqual(c.read(7, 4, CP, 4), [6, 95, 95, 95])
        c.write(7, 6, SETPOINT, [50])  # 5 A: below IEC 61851's 6 A
        self.assertEqual(c.read(7, 4, CP, 4), [4, 0, 0, 0])  # B
        c.write(7, 6, SETPOINT, [0])
        self.assertEqual(c.read(7, 4, CP, 4), [4, 0, 0, 0])
        c.write(7, 6, SETPOINT, [400])  # 40 A: the station gives 32
        self.assertEqual(c.read(7, 4, CP, 2), [6, 304])
        # a second connection sees the same device
        self.assertEqual(self.raw(s).read(7, 4, I1, 1), [304])
        c.write(7, 6, SETPOINT, [60])  # 6 A still charges, at 5.7 A
        self.assertEqual(c.read(7, 4, CP, 2), [6, 57])

    def test_vehicle_limit_caps_the_current(self):
        s = self.sim([dict(HEIDELBERG, vehicle_max_a=10)])
        self.assertEqual(self.raw(s).read(7, 4, I1, 3), [95, 95, 95])

    def test_bender_takes_function_16_and_phoenix_a_coil(self):
        s = self.sim([{"unit": 2, "model": "bender_cc612",
                       "vehicle": "present", "response_s": 0},
                      {"unit": 3, "model": "phoenix_contact_ev_cc_eth",
                       "vehicle": "present", "response_s": 0},
                      {"unit": 4, "model": "schneider_evlink_pro_ac",
                       "vehicle": "present", "response_s": 0}])
        c = self.raw(s)
        c.write(2, 16, 0x3E8, [10])
        self.assertEqual(c.read(2, 3, 0xD4, 2), [0, 9500])  # 9.500 A
        self.assertEqual(c.read(2, 3, 0x7A, 1), [3])  # C
        self.assertEqual(c.read(3, 4, 0x64, 1), [67])  # 'C'
        c.write(3, 5, 0x190, [0])
        self.assertEqual(c.read(3, 1, 0x190, 1), [0])
        self.assertEqual(c.read(3, 4, 0x64, 1), [66])  # 'B'
        self.assertEqual(c.read(3, 4, 0x72, 2), [0, 0])
        c.write(3, 5, 0x190, [1])
        self.assertEqual(c.read(3, 4, 0x72, 2), [15, 0])  # s32 lsw, 15.2
        c.write(4, 6, 0xFA4, [8])
        self.assertEqual(c.read(4, 3, 0xFA4, 1), [8])
        self.assertEqual(c.read(4, 3, 0x1, 1), [8])  # C (first row)

    def test_writes_need_the_maps_write_function(self):
        s = self.sim([HEIDELBERG, {"unit": 2, "model": "bender_cc612"}])
        c = self.raw(s)
        cases = [(7, 16, SETPOINT, [100]),   # Heidelberg writes with 6
                 (2, 6, 0x3E8, [10]),        # Bender writes with 16
                 (7, 6, 0x106, [10]),        # not in the map
                 (7, 6, I1, [10]),           # an input register
                 (2, 16, 0x3E7, [1, 2])]     # starts outside
        for unit, fc, addr, values in cases:
            with self.assertRaises(ModbusException) as e:
                c.write(unit, fc, addr, values)
            self.assertEqual(e.exception.code, 2, (unit, fc, addr))
        self.assertEqual(c.read(7, 3, SETPOINT, 1), [160])


class TestResponse(simtest.SimTestCase):
    """The vehicle follows a write response_s later; the registers read
    back at once."""

    def poll(self, c, until):
        """(reply time, [cp, I1]) of reads until `until` (monotonic)."""
        seen = []
        while time.monotonic() < until:
            got = c.read(7, 4, CP, 2)
            seen.append((time.monotonic(), got))
            time.sleep(0.05)
        return seen

    def test_a_write_takes_effect_response_s_later(self):
        s = self.sim([dict(HEIDELBERG, response_s=2)], scale="1")
        c = self.raw(s)
        self.assertEqual(c.read(7, 4, CP, 2), [6, 152])
        before = time.monotonic()
        c.write(7, 6, SETPOINT, [100])
        self.assertEqual(c.read(7, 3, SETPOINT, 1), [100])
        seen = self.poll(c, before + 2 + 1.5)
        # The write was served after `before`, and a reply arrives after
        # the server read: a reply before before + 2 is still the old
        # current, and the new one comes with a reply after it.
        old = [got for at, got in seen if at < before + 2]
        new = [(at, got) for at, got in seen if got != [6, 152]]
        self.assertTrue(old, seen)
        self.assertEqual(set(map(tuple, old)), {(6, 152)})
        self.assertTrue(new, "the setpoint was never followed")
        self.assertGreaterEqual(new[0][0], before + 2)
        self.assertEqual(new[-1][1], [6, 95])  # 95 % of 10 A
        self.assertEqual(set(tuple(got) for at, got in new), {(6, 95)})

    def test_frozen_time_never_follows_a_write(self):
        s = self.sim([dict(HEIDELBERG, response_s=2)], scale="0")
        c = self.raw(s)
        c.write(7, 6, SETPOINT, [0])
        self.assertEqual(c.read(7, 3, SETPOINT, 1), [0])
        time.sleep(0.3)
        self.assertEqual(c.read(7, 4, CP, 2), [6, 152])

    def test_default_response_is_5_s(self):
        # 1 wall-clock second is 100 simulated ones: the vehicle has
        # followed within a few hundredths of a second
        dev = {k: v for k, v in HEIDELBERG.items() if k != "response_s"}
        s = self.sim([dict(dev, vehicle_max_a=16)], scale="100")
        c = self.raw(s)
        before = time.monotonic()
        c.write(7, 6, SETPOINT, [0])
        seen = self.poll(c, before + 1)
        b = [at for at, got in seen if got == [4, 0]]
        self.assertTrue(b, seen)
        self.assertGreaterEqual(b[0], before + 5 / 100)


class TestStates(simtest.SimTestCase):
    def cp(self, start, **fields):
        dev = dict({"unit": 7, "model": "heidelberg_energy_control"},
                   **fields)
        d = self.values([dev], start=start)[7]
        return (quantity(d, "cp_state")["value"],
                quantity(d, "current_l1")["value"])

    def test_office_schedule_runs_a_b_c(self):
        self.assertEqual(self.cp("2024-03-05T03:00Z"), (1, 0))  # A
        self.assertEqual(self.cp("2024-03-05T12:00Z"), (3, 0.95 * 16))  # C
        self.assertEqual(self.cp("2024-03-05T12:00Z", setpoint_a=0),
                         (2, 0))  # B: not allowed to charge
        self.assertEqual(self.cp("2024-03-05T21:00Z"), (1, 0))  # left
        self.assertEqual(self.cp("2024-03-03T12:00Z"), (1, 0))  # Sunday
        self.assertEqual(self.cp("2024-03-05T12:00Z", vehicle="absent"),
                         (1, 0))

    def test_home_schedule_charges_overnight(self):
        self.assertEqual(self.cp("2024-03-05T22:00Z", profile="home"),
                         (3, 0.95 * 16))
        self.assertEqual(self.cp("2024-03-05T13:00Z", profile="home"),
                         (1, 0))

    def test_full_battery_ends_charging_and_energy_integrates(self):
        # 10-40 kWh at 11 kW: full within 4 simulated hours, here 0.4 s
        s = self.sim([HEIDELBERG], scale="36000")
        c = self.raw(s)
        e0 = c.read(7, 4, 0x11, 2)
        time.sleep(0.6)
        self.assertEqual(c.read(7, 4, CP, 2), [4, 0])  # B, 0 A
        e1 = c.read(7, 4, 0x11, 2)
        vah = (e1[0] << 16 | e1[1]) - (e0[0] << 16 | e0[1])
        self.assertTrue(3000 < vah < 42000, vah)  # what the car took
