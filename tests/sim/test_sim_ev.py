"""EV stations: IEC 61851 states, setpoint writes, charging energy."""
import time

import simtest
from simtest import ModbusException, quantity

HEIDELBERG = {"unit": 7, "model": "heidelberg_energy_control",
              "vehicle": "present", "vehicle_max_a": 32}

# Heidelberg: cp_state @5, currents @6-8 (0.1 A), setpoint @0x105 (0.1 A)
CP, I1, SETPOINT = 5, 6, 0x105


class TestSetpoint(simtest.SimTestCase):
    def test_setpoint_write_changes_the_served_current(self):
        s = self.sim([HEIDELBERG])
        c = self.raw(s)
        self.assertEqual(c.read(7, 4, CP, 4), [6, 160, 160, 160])  # C, 16 A
        c.write(7, 6, SETPOINT, [100])
        self.assertEqual(c.read(7, 3, SETPOINT, 1), [100])
        self.assertEqual(c.read(7, 4, CP, 4), [6, 100, 100, 100])
        c.write(7, 6, SETPOINT, [50])  # 5 A: below IEC 61851's 6 A
        self.assertEqual(c.read(7, 4, CP, 4), [4, 0, 0, 0])  # B
        c.write(7, 6, SETPOINT, [0])
        self.assertEqual(c.read(7, 4, CP, 4), [4, 0, 0, 0])
        c.write(7, 6, SETPOINT, [400])  # 40 A: the station gives 32
        self.assertEqual(c.read(7, 4, CP, 2), [6, 320])
        # a second connection sees the same device
        self.assertEqual(self.raw(s).read(7, 4, I1, 1), [320])

    def test_vehicle_limit_caps_the_current(self):
        s = self.sim([dict(HEIDELBERG, vehicle_max_a=10)])
        self.assertEqual(self.raw(s).read(7, 4, I1, 3), [100, 100, 100])

    def test_bender_takes_function_16_and_phoenix_a_coil(self):
        s = self.sim([{"unit": 2, "model": "bender_cc612",
                       "vehicle": "present"},
                      {"unit": 3, "model": "phoenix_contact_ev_cc_eth",
                       "vehicle": "present"},
                      {"unit": 4, "model": "schneider_evlink_pro_ac",
                       "vehicle": "present"}])
        c = self.raw(s)
        c.write(2, 16, 0x3E8, [10])
        self.assertEqual(c.read(2, 3, 0xD4, 2), [0, 10000])  # 10.000 A
        self.assertEqual(c.read(2, 3, 0x7A, 1), [3])  # C
        self.assertEqual(c.read(3, 4, 0x64, 1), [67])  # 'C'
        c.write(3, 5, 0x190, [0])
        self.assertEqual(c.read(3, 1, 0x190, 1), [0])
        self.assertEqual(c.read(3, 4, 0x64, 1), [66])  # 'B'
        self.assertEqual(c.read(3, 4, 0x72, 2), [0, 0])
        c.write(3, 5, 0x190, [1])
        self.assertEqual(c.read(3, 4, 0x72, 2), [16, 0])  # s32 lsw
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


class TestStates(simtest.SimTestCase):
    def cp(self, start, **fields):
        dev = dict({"unit": 7, "model": "heidelberg_energy_control"},
                   **fields)
        d = self.values([dev], start=start)[7]
        return (quantity(d, "cp_state")["value"],
                quantity(d, "current_l1")["value"])

    def test_office_schedule_runs_a_b_c(self):
        self.assertEqual(self.cp("2024-03-05T03:00Z"), (1, 0))  # A
        self.assertEqual(self.cp("2024-03-05T12:00Z"), (3, 16))  # C
        self.assertEqual(self.cp("2024-03-05T12:00Z", setpoint_a=0),
                         (2, 0))  # B: not allowed to charge
        self.assertEqual(self.cp("2024-03-05T21:00Z"), (1, 0))  # left
        self.assertEqual(self.cp("2024-03-03T12:00Z"), (1, 0))  # Sunday
        self.assertEqual(self.cp("2024-03-05T12:00Z", vehicle="absent"),
                         (1, 0))

    def test_home_schedule_charges_overnight(self):
        self.assertEqual(self.cp("2024-03-05T22:00Z", profile="home"),
                         (3, 16))
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
