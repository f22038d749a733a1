"""Tests of `ews evse config show|set KEY VALUE` and `ews evse station ID
[priority|normal]` (issue 6, item 5; the other station settings and the
live loop are in test_cli_evse_live.py): the site's Green'Up setup and the
stations' default priority, through the real binary."""
from clitest import SDM630, EwsTestCase

LOCAL = 1  # the Local gateway of every site

KEYS = ["enabled", "meter", "max_current_a", "max_charging_current_a",
        "hysteresis_pct", "step1_pct", "step2_pct", "min_charge_ah",
        "failsafe_current_a", "period_s"]

DEFAULTS = {"enabled": False, "meter": None, "max_current_a": 0,
            "max_charging_current_a": 0, "hysteresis_pct": 0,
            "step1_pct": 75, "step2_pct": 50, "min_charge_ah": 32,
            "failsafe_current_a": 6, "period_s": 1}

# A three-phase EV station with a register map (family ev_station).
STATION = "heidelberg_energy_control"


class EvseConfigCase(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def show(self):
        """config show --json, checked for its keys in order."""
        got = self.json("evse", "config", "show")
        self.assertEqual(list(got), KEYS)
        return got

    def show_text(self):
        """config show as {key: text}."""
        out = self.ok("evse", "config", "show")
        rows = [line.split(None, 1) for line in out.splitlines()]
        self.assertEqual([r[0] for r in rows], KEYS, out)
        return {k: v.strip() for k, v in rows}

    def set(self, key, value):
        out = self.ok("evse", "config", "set", key, value)
        self.assertEqual(out, "")

    def device(self, model, address, name, *extra):
        return self.add("device", "add", "--gateway", LOCAL, "--model",
                        model, "--address", address, "--name", name,
                        *extra)

    def meter_on(self):
        """An SDM630 as the meter, with both currents, switched on."""
        meter = self.meter(LOCAL, 5, "Main")
        self.set("meter", meter)
        self.set("max_charging_current_a", 230)
        self.set("max_current_a", 250)
        self.set("enabled", "on")
        return meter


# ----------------------------------------------------------------------
# show and set


class TestEvseConfigShowSet(EvseConfigCase):
    def test_show_defaults(self):
        self.assertEqual(self.show(), DEFAULTS)
        got = self.show()
        self.assertIs(got["enabled"], False)
        self.assertIsNone(got["meter"])
        self.assertEqual(self.show_text(), {
            "enabled": "off", "meter": "none", "max_current_a": "0",
            "max_charging_current_a": "0", "hysteresis_pct": "0",
            "step1_pct": "75", "step2_pct": "50", "min_charge_ah": "32",
            "failsafe_current_a": "6", "period_s": "1"})

    def test_set_each_key_and_show_it(self):
        meter = self.meter(LOCAL, 5, "Main")
        want = dict(DEFAULTS)
        # While off the currents may stay 0; once both are given they
        # are checked together.
        for key, value, shown in (
                ("meter", meter, meter),
                ("max_charging_current_a", "230", 230),
                ("max_current_a", "250.5", 250.5),
                ("enabled", "on", True),
                ("hysteresis_pct", "2.5", 2.5),
                ("step1_pct", "80", 80),
                ("step2_pct", "60", 60),
                ("min_charge_ah", "20", 20),
                ("failsafe_current_a", "10", 10),
                ("period_s", "0.5", 0.5)):
            self.set(key, value)
            want[key] = shown
            self.assertEqual(self.show(), want, key)
        self.assertEqual(self.show_text(), {
            "enabled": "on", "meter": str(meter), "max_current_a": "250.5",
            "max_charging_current_a": "230", "hysteresis_pct": "2.5",
            "step1_pct": "80", "step2_pct": "60", "min_charge_ah": "20",
            "failsafe_current_a": "10", "period_s": "0.5"})
        self.set("enabled", "off")
        self.set("period_s", "2")
        self.set("meter", "none")
        want.update(enabled=False, period_s=2, meter=None)
        self.assertEqual(self.show(), want)

    def test_meter_0_is_none(self):
        meter = self.meter(LOCAL, 5, "Main")
        self.set("meter", meter)
        self.set("meter", "0")
        self.assertIsNone(self.show()["meter"])

    def test_a_refused_setup_is_not_stored(self):
        before = self.show()
        self.assert_refused(r"^ews: max_current_a: ", "evse", "config",
                            "set", "enabled", "on")
        self.assertEqual(self.show(), before)

    def test_help(self):
        out = self.ok("evse", "config", "--help", site=None)
        self.assertIn("Usage: ews evse config show [--json] | set KEY VALUE",
                      out)
        for key in KEYS:
            self.assertIn(key, out)
        self.assertIn("--json", out)
        out = self.ok("evse", "--help", site=None)
        for verb in ("simulate", "config", "station"):
            self.assertIn("ews evse %s" % verb, out)

    def test_no_site(self):
        r = self.run_ews("evse", "config", "show", site=self.tmp + "/none")
        self.assertEqual(r.returncode, 3, self.describe(("show",), r))
        self.assertRegex(r.stderr.decode(), r"^ews: no site")


# ----------------------------------------------------------------------
# Refusals (exit 2, the field first, nothing changed)


class TestEvseConfigRefused(EvseConfigCase):
    def test_a_meter_must_measure_every_phase_current(self):
        main = self.meter(LOCAL, 4, "Main")
        sdm120 = self.device("eastron_sdm120", 5, "L1 only")
        no_map = self.device("btdin_f3n300", 6, "No map")
        self.set("meter", main)
        err = self.assert_refused(r"^ews: meter_device_id: ", "evse",
                                  "config", "set", "meter", sdm120)
        self.assertIn("L2", err)
        self.assert_refused(r"^ews: meter_device_id: ", "evse", "config",
                            "set", "meter", no_map)
        self.assert_refused(r"^ews: meter_device_id: .*99", "evse",
                            "config", "set", "meter", 99)
        self.assertEqual(self.show()["meter"], main)

    def test_on_the_currents_are_required(self):
        self.assert_refused(r"^ews: max_current_a: ", "evse", "config",
                            "set", "enabled", "on")
        self.set("max_charging_current_a", 230)
        self.set("max_current_a", 250)
        self.set("enabled", "on")
        self.assert_refused(r"^ews: max_charging_current_a: ", "evse",
                            "config", "set", "max_charging_current_a",
                            260)
        self.assert_refused(r"^ews: max_current_a: ", "evse", "config",
                            "set", "max_current_a", 0)
        self.assertEqual(self.show()["max_current_a"], 250)

    def test_configuration_errors_name_their_field(self):
        self.meter_on()
        for field, key, value in (
                ("step2_pct", "step2_pct", "80"),
                ("step1_pct", "step1_pct", "101"),
                ("step2_pct", "step1_pct", "40"),
                ("hysteresis_pct", "hysteresis_pct", "60"),
                ("min_charge_ah", "min_charge_ah", "-1"),
                ("failsafe_current_a", "failsafe_current_a", "251"),
                ("period_ms", "period_s", "0.05"),
                ("period_ms", "period_s", "61")):
            self.assert_refused(r"^ews: %s: " % field, "evse", "config",
                                "set", key, value)
        got = self.show()
        self.assertEqual((got["step1_pct"], got["step2_pct"],
                          got["period_s"]), (75, 50, 1))


# ----------------------------------------------------------------------
# Usage errors (exit 1, nothing changed)


class TestEvseConfigUsage(EvseConfigCase):
    def test_unknown_key_lists_the_keys(self):
        before = self.snapshot()
        err = self.assert_usage("evse", "config", "set", "max_current", 10)
        self.assertIn("max_current", err)
        for key in KEYS:
            self.assertIn(key, err)
        self.assertEqual(self.snapshot(), before)

    def test_bad_values(self):
        before = self.snapshot()
        for key, value in (
                ("enabled", "yes"), ("enabled", "1"), ("enabled", "ON"),
                ("meter", "abc"), ("meter", "-1"), ("meter", "1.5"),
                ("meter", ""), ("max_current_a", "12A"),
                ("max_current_a", ""), ("max_current_a", " 5"),
                ("max_current_a", "nan"), ("max_current_a", "inf"),
                ("step1_pct", "75%"), ("period_s", "1s"),
                ("period_s", "0.0005")):
            err = self.assert_usage("evse", "config", "set", key, value)
            self.assertIn(key, err)
        self.assertEqual(self.snapshot(), before)

    def test_bad_arguments(self):
        for args in (["evse", "config"],
                     ["evse", "config", "frob"],
                     ["evse", "config", "show", "enabled"],
                     ["evse", "config", "set"],
                     ["evse", "config", "set", "enabled"],
                     ["evse", "config", "set", "enabled", "on", "x"],
                     ["evse", "config", "set", "enabled", "on", "--json"],
                     ["evse", "config", "show", "--bogus"]):
            self.assert_usage(*args)


# ----------------------------------------------------------------------
# The total meter cannot be deleted


class TestEvseMeterInUse(EvseConfigCase):
    def test_the_meter_cannot_be_deleted(self):
        meter = self.meter_on()
        other = self.meter(LOCAL, 6, "Other")
        err = self.assert_refused(r"^ews: id: ", "device", "delete", meter)
        self.assertIn("meter", err)
        self.assertEqual(self.json("device", "show", meter)["id"], meter)
        # Another device deletes fine.
        self.ok("device", "delete", other)
        # Off, it is still the meter.
        self.set("enabled", "off")
        self.assert_refused(r"^ews: id: ", "device", "delete", meter)
        # No longer the meter: it deletes.
        self.set("meter", "none")
        self.ok("device", "delete", meter)
        self.assertEqual(self.json("device", "list"), [])


# ----------------------------------------------------------------------
# Stations' default priority


class TestEvseStation(EvseConfigCase):
    def test_priority_and_normal(self):
        st = self.device(STATION, 7, "EV1")
        self.assertEqual(self.json("evse", "station", st),
                         {"id": st, "priority": False, "rated_a": 32,
                          "plug_enabled": True})
        self.assertRegex(self.ok("evse", "station", st),
                         r"(?m)^priority +normal$")
        self.assertEqual(self.ok("evse", "station", st, "priority"), "")
        self.assertEqual(self.json("evse", "station", st),
                         {"id": st, "priority": True, "rated_a": 32,
                          "plug_enabled": True})
        self.assertRegex(self.ok("evse", "station", st),
                         r"(?m)^priority +priority$")
        self.ok("evse", "station", st, "normal")
        self.assertIs(self.json("evse", "station", st)["priority"], False)

    def test_greenup_stations(self):
        premium = self.device("greenup_premium_0590_30", 8, "EV2",
                              "--phase", "L2")
        old = self.device("greenup_0590_32", 9, "EV3", "--side", 1,
                          "--phase", "L1")
        for st in (premium, old):
            self.ok("evse", "station", st, "priority")
            self.assertIs(self.json("evse", "station", st)["priority"],
                          True)

    def test_a_meter_is_not_a_station(self):
        meter = self.meter(LOCAL, 5, "Main")
        self.assert_refused(r"^ews: device: ", "evse", "station", meter,
                            "priority")
        self.assert_refused(r"^ews: device: ", "evse", "station", meter)
        self.assert_refused(r"^ews: device: .*99", "evse", "station", 99,
                            "priority")
        self.assert_refused(r"^ews: device: .*99", "evse", "station", 99)

    def test_priority_goes_with_its_station(self):
        st = self.device(STATION, 7, "EV1")
        self.ok("evse", "station", st, "priority")
        self.ok("device", "delete", st)
        self.assert_refused(r"^ews: device: ", "evse", "station", st)
        again = self.device(STATION, 7, "EV1")
        self.assertIs(self.json("evse", "station", again)["priority"],
                      False)

    def test_usage(self):
        st = self.device(STATION, 7, "EV1")
        for args in (["evse", "station"],
                     ["evse", "station", "x"],
                     ["evse", "station", st, "rated"],
                     ["evse", "station", st, "start", "now"],
                     ["evse", "station", st, "Priority"],
                     ["evse", "station", st, "priority", "now"],
                     ["evse", "station", st, "priority", "--json"]):
            self.assert_usage(*args)
        self.assertIs(self.json("evse", "station", st)["priority"], False)

    def test_rated_current_and_plug(self):
        st = self.device(STATION, 7, "EV1")
        self.assertEqual(self.ok("evse", "station", st, "rated", "16"), "")
        self.assertEqual(self.ok("evse", "station", st, "disable"), "")
        self.assertEqual(self.json("evse", "station", st),
                         {"id": st, "priority": False, "rated_a": 16,
                          "plug_enabled": False})
        self.assertRegex(self.ok("evse", "station", st),
                         r"(?m)^rated +16 A$\n^plug +disabled$")
        self.ok("evse", "station", st, "enable")
        self.ok("evse", "station", st, "priority")
        self.assertEqual(self.json("evse", "station", st),
                         {"id": st, "priority": True, "rated_a": 16,
                          "plug_enabled": True})
        for bad in ("5.9", "80.5", "nan"):
            self.assert_refused(r"^ews: rated_a: ", "evse", "station", st,
                                "rated", bad)
        self.assert_refused(r"^ews: rated_a: 'x' is not a number",
                            "evse", "station", st, "rated", "x")

    def test_charge_commands_need_a_vehicle(self):
        # No loop has run: no charge is known on the station.
        st = self.device(STATION, 7, "EV1")
        for args in (["station", st, "start"], ["station", st, "wait"],
                     ["station", st, "none"], ["charge", st, "priority"],
                     ["charge", st, "default"]):
            self.assert_refused(r"^ews: device: no vehicle is connected",
                                "evse", *args)
        meter = self.meter(LOCAL, 5, "Main")
        self.assert_refused(r"^ews: device: .*not a charging station",
                            "evse", "charge", meter, "normal")
        for args in (["evse", "charge", st], ["evse", "charge", st, "x"],
                     ["evse", "charge", st, "priority", "now"]):
            self.assert_usage(*args)

    def test_status_before_any_loop(self):
        self.assertEqual(self.json("evse", "status"), {
            "enabled": False, "t_ms": 0, "age_s": None, "zone": "green",
            "phase_a": [0, 0, 0], "meter_ok": False, "failsafe": False,
            "stations": []})
        self.assertIn("the loop has not run yet", self.ok("evse", "status"))

    def test_help(self):
        out = self.ok("evse", "station", "--help", site=None)
        self.assertIn("Usage: ews evse station ID [priority|normal|enable|"
                      "disable|rated A|start|wait|none]", out)
        self.assertIn("--json", out)
