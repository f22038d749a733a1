"""Tests of `ews evse simulate SCENARIO.json [--every-step]` (issue 6,
item 4): the Green'Up controller against simulated stations and vehicles,
run through the real binary. No site is needed."""
import copy
import json
import os

from clitest import EwsTestCase

ZONES = ("green", "yellow", "red")
STATES = ("idle", "charging", "waiting", "paused", "stopped")
STEP_KEYS = {"t", "zone", "phase_a", "failsafe", "stations"}
STATION_KEYS = {"id", "state", "setpoint_a", "current_a", "charged_ah",
                "reason"}
SUMMARY_KEYS = {"overload_s", "max_phase_a", "setpoint_changes",
                "delivered_ah", "t_comply_s"}

# The scenario of issue 6, item 4, exactly as written there.
EXAMPLE = json.loads("""
{"config":{"meter":true,"max_current_a":250,"max_charging_current_a":230,
   "hysteresis_pct":0,"step1_pct":75,"step2_pct":50,"min_charge_ah":32,"period_s":1,
   "ev_response_s":5,"failsafe_current_a":6},"stations":[{"id":1,"phases":3,
   "rated_a":32,"priority":false},{"id":2,"phases":1,"phase":"L2","rated_a":16,
   "priority":true}],"events":[{"t":0,"other_load_a":[150,150,150]},{"t":10,
   "connect":1,"demand_a":32},{"t":900,"disconnect":1},{"t":60,"override":2,
   "wait":true},{"t":300,"meter_lost":true},{"t":360,"meter_back":true}],
   "duration_s":7200}
""")

# A vehicle draws 95 % of the signalled current (evse.h).
DRAW = 0.95


def overload_scenario(other_after_a):
    """max_current_a 100, max_charging_current_a 90, three 3-phase 32 A
    stations plugged in one after the other with no other load, so that
    they settle (32 + 32 + 24 A, about 84 A drawn); at t 100 the other
    load steps to other_after_a on every phase."""
    return {
        "config": {"meter": True, "max_current_a": 100,
                   "max_charging_current_a": 90, "hysteresis_pct": 0,
                   "step1_pct": 75, "step2_pct": 50, "min_charge_ah": 32,
                   "period_s": 1, "ev_response_s": 5,
                   "failsafe_current_a": 6},
        "stations": [{"id": i, "phases": 3, "rated_a": 32,
                      "priority": False} for i in (1, 2, 3)],
        "events": [{"t": 0, "other_load_a": [0, 0, 0]},
                   {"t": 0, "connect": 1, "demand_a": 32},
                   {"t": 20, "connect": 2, "demand_a": 32},
                   {"t": 40, "connect": 3, "demand_a": 32},
                   {"t": 100, "other_load_a": [other_after_a] * 3}],
        "duration_s": 300,
    }


def station(line, sid):
    for s in line["stations"]:
        if s["id"] == sid:
            return s
    raise AssertionError("station %d missing from %r" % (sid, line))


class EvseCase(EwsTestCase):
    def write(self, scenario, name="scenario.json"):
        """scenario: a dict (written as JSON) or text/bytes as is."""
        path = os.path.join(self.tmp, name)
        if isinstance(scenario, dict):
            scenario = json.dumps(scenario)
        if isinstance(scenario, str):
            scenario = scenario.encode()
        with open(path, "wb") as f:
            f.write(scenario)
        return path

    def simulate(self, scenario, *extra):
        """Run the scenario; every line must be JSON. Returns the step
        lines and the summary."""
        args = ("evse", "simulate", self.write(scenario)) + extra
        out = self.ok(*args, site=None)
        self.assertTrue(out.endswith("\n"), out[-200:])
        lines = []
        for n, text in enumerate(out.split("\n")[:-1]):
            try:
                lines.append(json.loads(text))
            except ValueError as e:
                self.fail("line %d is not JSON (%s): %r" % (n + 1, e, text))
        self.assertGreaterEqual(len(lines), 2)
        last = lines[-1]
        self.assertEqual(list(last), ["summary"], last)
        self.assertEqual(set(last["summary"]), SUMMARY_KEYS, last)
        for line in lines[:-1]:
            self.assertNotIn("summary", line)
        return lines[:-1], last["summary"]

    def every_step(self, scenario):
        """{t: line} of a run with --every-step."""
        steps, summary = self.simulate(scenario, "--every-step")
        return {line["t"]: line for line in steps}, summary

    def refused(self, field, scenario):
        """Exit 2, one line "ews: <field>…" on stderr, nothing on stdout.
        field: a regular expression that must follow "ews: "."""
        path = self.write(scenario)
        args = ("evse", "simulate", path)
        r = self.run_ews(*args, site=None)
        self.assertEqual(r.returncode, 2, self.describe(args, r))
        err = r.stderr.decode()
        self.assertRegex(err, r"^ews: " + field, self.describe(args, r))
        self.assertEqual(err.count("\n"), 1, "one line: %r" % err)
        self.assertEqual(r.stdout, b"", self.describe(args, r))
        return err


# ----------------------------------------------------------------------
# The example scenario of the issue


class TestEvseExample(EvseCase):
    def test_example_runs(self):
        steps, summary = self.simulate(EXAMPLE)
        self.assertEqual(steps[0]["t"], 0)
        ts = [line["t"] for line in steps]
        self.assertEqual(ts, sorted(set(ts)), "t strictly increasing")
        self.assertLessEqual(ts[-1], 7200)
        for line in steps:
            self.assertEqual(set(line), STEP_KEYS, line)
            self.assertIn(line["zone"], ZONES, line)
            self.assertEqual(len(line["phase_a"]), 3, line)
            self.assertIsInstance(line["failsafe"], bool, line)
            self.assertEqual([s["id"] for s in line["stations"]], [1, 2])
            for s in line["stations"]:
                self.assertEqual(set(s), STATION_KEYS, s)
                self.assertIn(s["state"], STATES, s)
                self.assertIsInstance(s["reason"], str, s)
        # Never above the limit: 150 A + 32 A < 230 A.
        self.assertEqual(summary["overload_s"], 0)
        self.assertEqual(summary["t_comply_s"], [])
        self.assertGreaterEqual(summary["max_phase_a"], 150)
        self.assertLessEqual(summary["max_phase_a"], 230)
        self.assertTrue(set(summary["setpoint_changes"]) <= {"1", "2"},
                        summary)
        self.assertTrue(set(summary["delivered_ah"]) <= {"1", "2"},
                        summary)
        self.assertGreaterEqual(summary["setpoint_changes"]["1"], 2)
        # Station 1 charged from t 10 to t 900 at no more than 32 A.
        self.assertGreater(summary["delivered_ah"]["1"], 0)
        self.assertLessEqual(summary["delivered_ah"]["1"], 32 * 890 / 3600)
        self.assertEqual(summary["delivered_ah"].get("2", 0), 0)

    def test_every_step_prints_every_period(self):
        steps, summary = self.simulate(EXAMPLE, "--every-step")
        self.assertEqual(len(steps), 7200 // 1 + 1)
        self.assertEqual([line["t"] for line in steps], list(range(7201)))
        # The same run: the same summary, and each line of the changes
        # is the line of its step.
        changes, summary2 = self.simulate(EXAMPLE)
        self.assertEqual(summary2, summary)
        by_t = {line["t"]: line for line in steps}
        for line in changes:
            self.assertEqual(line, by_t[line["t"]])
        # A step where a zone, the fail-safe, a state or a setpoint
        # changed is printed without --every-step.
        printed = {line["t"] for line in changes}

        def decisions(line):
            return (line["zone"], line["failsafe"],
                    [(s["state"], s["setpoint_a"])
                     for s in line["stations"]])

        for t in range(1, 7201):
            if decisions(by_t[t]) != decisions(by_t[t - 1]):
                self.assertIn(t, printed, "change at t %d not printed" % t)

    def test_every_step_with_a_period_of_2_s(self):
        sc = copy.deepcopy(EXAMPLE)
        sc["config"]["period_s"] = 2
        sc["duration_s"] = 20
        sc["events"] = [e for e in sc["events"] if e["t"] <= 20]
        steps, _ = self.simulate(sc, "--every-step")
        self.assertEqual(len(steps), 20 // 2 + 1)
        self.assertEqual([line["t"] for line in steps], list(range(0, 21, 2)))

    def test_station_1_charges_at_32_a_when_green(self):
        by_t, _ = self.every_step(EXAMPLE)
        for t in range(0, 10):
            s = station(by_t[t], 1)
            self.assertEqual(s["state"], "idle", by_t[t])
            self.assertEqual(s["setpoint_a"], 0, by_t[t])
        start = next((t for t in range(10, 16)
                      if station(by_t[t], 1)["state"] == "charging"), None)
        self.assertIsNotNone(start, "station 1 not charging by t 15: %r"
                             % [station(by_t[t], 1) for t in range(10, 16)])
        charged = 0
        for t in range(start, 300):
            line = by_t[t]
            s = station(line, 1)
            self.assertEqual(line["zone"], "green", line)
            self.assertEqual(s["state"], "charging", line)
            self.assertEqual(s["setpoint_a"], 32, line)
            self.assertGreaterEqual(s["charged_ah"], charged, line)
            charged = s["charged_ah"]
        # The vehicle follows 5 s later at 95 %.
        for t in range(start + 6, 300):
            self.assertAlmostEqual(station(by_t[t], 1)["current_a"],
                                   DRAW * 32, places=3, msg=by_t[t])
            for ph in by_t[t]["phase_a"]:
                self.assertAlmostEqual(ph, 150 + DRAW * 32, places=3,
                                       msg=by_t[t])
        self.assertGreater(charged, 0)

    def test_station_2_does_not_charge_after_wait(self):
        """Station 2 has no vehicle in the example: it never charges.
        (evse.h: idle = "no vehicle, or it wants no current"; a vehicle
        that waits is tested in test_wait_holds_this_charge_only.)"""
        by_t, _ = self.every_step(EXAMPLE)
        for t in range(60, 7201):
            s = station(by_t[t], 2)
            self.assertIn(s["state"], ("idle", "waiting"), by_t[t])
            self.assertEqual(s["setpoint_a"], 0, by_t[t])
            self.assertEqual(s["current_a"], 0, by_t[t])

    def test_meter_lost_drops_to_failsafe(self):
        by_t, _ = self.every_step(EXAMPLE)
        for t in range(0, 300):
            self.assertIs(by_t[t]["failsafe"], False, by_t[t])
        # Lost after 3 missed periods, fail-safe within one more.
        for t in range(304, 360):
            line = by_t[t]
            self.assertIs(line["failsafe"], True, line)
            self.assertEqual(station(line, 1)["state"], "charging", line)
            for s in line["stations"]:
                if s["state"] == "charging":
                    self.assertEqual(s["setpoint_a"], 6, line)
        for t in range(310, 360):
            self.assertAlmostEqual(station(by_t[t], 1)["current_a"],
                                   DRAW * 6, places=3, msg=by_t[t])
        for t in range(361, 7201):
            self.assertIs(by_t[t]["failsafe"], False, by_t[t])

    def test_charges_rise_after_meter_back(self):
        by_t, _ = self.every_step(EXAMPLE)
        after = [station(by_t[t], 1)["setpoint_a"] for t in range(360, 900)]
        self.assertGreater(max(after), 6, after[:60])
        self.assertIn(32, after, after[:60])
        self.assertEqual(after[-1], 32, after[-60:])

    def test_station_1_idle_after_disconnect(self):
        by_t, summary = self.every_step(EXAMPLE)
        self.assertEqual(station(by_t[899], 1)["state"], "charging")
        for t in range(900, 7201):
            s = station(by_t[t], 1)
            self.assertEqual(s["state"], "idle", by_t[t])
            self.assertEqual(s["setpoint_a"], 0, by_t[t])
            self.assertEqual(s["current_a"], 0, by_t[t])
            for ph in by_t[t]["phase_a"]:
                self.assertAlmostEqual(ph, 150, places=3, msg=by_t[t])


class TestEvseOverrides(EvseCase):
    def test_wait_holds_this_charge_only(self):
        """EVS-4: Wait stops a charge that is authorised; it ends when the
        vehicle leaves, so the next vehicle charges."""
        sc = copy.deepcopy(EXAMPLE)
        sc["events"] = [{"t": 0, "other_load_a": [150, 150, 150]},
                        {"t": 20, "connect": 2, "demand_a": 16},
                        {"t": 60, "override": 2, "wait": True},
                        {"t": 200, "disconnect": 2},
                        {"t": 250, "connect": 2, "demand_a": 16}]
        sc["duration_s"] = 400
        by_t, _ = self.every_step(sc)
        self.assertIn("charging",
                      [station(by_t[t], 2)["state"] for t in range(20, 60)])
        for t in range(61, 200):
            s = station(by_t[t], 2)
            self.assertEqual(s["state"], "waiting", by_t[t])
            self.assertEqual(s["setpoint_a"], 0, by_t[t])
        for t in range(200, 250):
            self.assertEqual(station(by_t[t], 2)["state"], "idle", by_t[t])
        self.assertIn("charging",
                      [station(by_t[t], 2)["state"]
                       for t in range(250, 400)])


# ----------------------------------------------------------------------
# Overloads: back under the limit within 7 s with a 5 s vehicle response


class TestEvseOverload(EvseCase):
    def check_cleared(self, other_after_a, min_peak_a, max_peak_a):
        by_t, summary = self.every_step(overload_scenario(other_after_a))
        before = by_t[99]
        for sid in (1, 2, 3):
            self.assertEqual(station(before, sid)["state"], "charging",
                             before)
        self.assertLessEqual(max(before["phase_a"]), 90, before)
        line = by_t[100]
        peak = max(line["phase_a"])
        # The setup: the step overload has the size asked for.
        self.assertGreaterEqual(peak, min_peak_a, line)
        self.assertLessEqual(peak, max_peak_a, line)
        self.assertEqual(line["zone"], "red", line)
        self.assertGreaterEqual(summary["max_phase_a"], peak)
        # One overload, cleared within 7 s, and no other.
        self.assertEqual(len(summary["t_comply_s"]), 1, summary)
        self.assertLessEqual(summary["t_comply_s"][0], 7, summary)
        self.assertGreater(summary["overload_s"], 0, summary)
        self.assertLessEqual(summary["overload_s"], 7, summary)
        for t in range(107, 301):
            self.assertLessEqual(max(by_t[t]["phase_a"]), 100, by_t[t])
        return by_t, summary

    def test_overload_about_2x_cleared_within_7_s(self):
        # 95 A other load + about 84 A of charges: >= 176 A against 100 A;
        # the other load alone stays under the limit, so stopping the
        # charges clears it.
        by_t, _ = self.check_cleared(95, 176, 200)
        for t in range(107, 301):
            for s in by_t[t]["stations"]:
                self.assertEqual(s["current_a"], 0, by_t[t])

    def test_overload_about_1_3x_cleared_within_7_s(self):
        # 46 A other load + about 84 A of charges: about 130 A; reduced
        # charges (50 % steps: 3 x 16 A) fit.
        by_t, _ = self.check_cleared(46, 120, 140)
        self.assertIn("charging",
                      [s["state"] for s in by_t[120]["stations"]],
                      by_t[120])


# ----------------------------------------------------------------------
# Refusals and errors


class TestEvseRefused(EvseCase):
    def test_missing_max_current(self):
        sc = copy.deepcopy(EXAMPLE)
        del sc["config"]["max_current_a"]
        self.refused(r"(config\.)?max_current_a\b", sc)

    def test_max_charging_above_max_current(self):
        sc = copy.deepcopy(EXAMPLE)
        sc["config"]["max_charging_current_a"] = 260
        self.refused(r"(config\.)?max_charging_current_a\b", sc)

    def test_two_phase_station(self):
        sc = copy.deepcopy(EXAMPLE)
        sc["stations"][0]["phases"] = 2
        self.refused(r"stations\[0\]\.phases\b", sc)

    def test_single_phase_station_on_l4(self):
        sc = copy.deepcopy(EXAMPLE)
        sc["stations"][1]["phase"] = "L4"
        self.refused(r"stations\[1\]\.phase\b", sc)

    def test_event_for_an_unknown_station(self):
        sc = copy.deepcopy(EXAMPLE)
        sc["events"][1]["connect"] = 7
        self.refused(r"events\[1\]\.connect\b", sc)

    def test_unknown_key(self):
        sc = copy.deepcopy(EXAMPLE)
        sc["stations"][0]["colour"] = "blue"
        err = self.refused(r"stations\[0\]", sc)
        self.assertIn("colour", err)
        sc = copy.deepcopy(EXAMPLE)
        sc["config"]["max_curent_a"] = 250
        self.refused(r"(config\.)?max_curent_a\b", sc)

    def test_not_json(self):
        self.refused(r"\S", "this is not JSON at all\n")

    def test_duration_zero(self):
        sc = copy.deepcopy(EXAMPLE)
        sc["duration_s"] = 0
        self.refused(r"duration_s\b", sc)

    def test_file_over_1_mib(self):
        path = self.write(json.dumps(EXAMPLE) + " " * (1 << 20))
        args = ("evse", "simulate", path)
        r = self.run_ews(*args, site=None)
        self.assertEqual(r.returncode, 2, self.describe(args, r))
        self.assertIn(path, r.stderr.decode())
        self.assertEqual(r.stdout, b"")

    def test_missing_file_exits_3(self):
        path = os.path.join(self.tmp, "nowhere.json")
        args = ("evse", "simulate", path)
        r = self.run_ews(*args, site=None)
        self.assertEqual(r.returncode, 3, self.describe(args, r))
        self.assertEqual(r.stderr.decode(),
                         "ews: %s: No such file or directory\n" % path)
        self.assertEqual(r.stdout, b"")

    def test_directory_exits_3(self):
        args = ("evse", "simulate", self.tmp)
        r = self.run_ews(*args, site=None)
        self.assertEqual(r.returncode, 3, self.describe(args, r))
        self.assertIn(self.tmp, r.stderr.decode())

    def test_usage(self):
        self.assert_usage("evse", "simulate", site=None)
        path = self.write(EXAMPLE)
        self.assert_usage("evse", "simulate", path, path, site=None)
        self.assert_usage("evse", "simulate", path, "--every", site=None)
        self.assert_usage("evse", "frobnicate", site=None)

    def test_help_needs_no_site(self):
        out = self.ok("evse", "simulate", "--help", site=None)
        self.assertIn("Usage: ews evse simulate SCENARIO.json", out)
        self.assertIn("--every-step", out)
        out = self.ok("evse", "--help", site=None)
        self.assertIn("ews evse simulate", out)
