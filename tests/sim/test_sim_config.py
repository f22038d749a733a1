"""Options and configuration files of ews-sim: refusals name the field."""
import json
import os

import simtest

GOOD = {"unit": 1, "model": "eastron_sdm630"}
GENERIC = {"unit": 5, "model": "generic_modbus_meter", "read_code": 4,
           "register": "0x0048", "words": 2, "type": "f32", "multiplier": 1}
STATION = {"unit": 7, "model": "heidelberg_energy_control"}
METER = dict(GOOD, load_a=100)

# (devices or raw text, text the error must contain)
REFUSED = [
    ("{not json", "not valid JSON"),
    ('{"devices": [], "x": 1}', "x: unknown field"),
    ("[]", "must be an object"),
    ([], "devices: must be an array of 1-247 devices"),
    ([{"model": "eastron_sdm630"}], "devices[0].unit: required"),
    ([dict(GOOD, unit=0)], "devices[0].unit: 0 is outside 1-247"),
    ([dict(GOOD, unit=300)], "devices[0].unit: 300 is outside 1-247"),
    ([dict(GOOD, unit="1")], "devices[0].unit: must be an integer"),
    ([GOOD, GOOD], "devices[1].unit: 1 is already used by devices[0]"),
    ([{"unit": 1}], "devices[0].model: required"),
    ([dict(GOOD, model="nope")], 'devices[0].model: unknown model "nope"'),
    ([dict(GOOD, port=0)], "devices[0].port: 0 is outside 1-65535"),
    ([dict(GOOD, port=65536)], "devices[0].port: 65536 is outside 1-65535"),
    ([dict(GOOD, port="502")], "devices[0].port: must be an integer"),
    ([dict(GOOD, model="megatiker_measure")],
     "devices[0].model: register map unknown for megatiker_measure: "
     "cannot simulate"),
    ([dict(GOOD, colour="red")], "devices[0].colour: unknown field"),
    ([dict(GOOD, profile="weekend")], "devices[0].profile: must be one of"),
    ([dict(GOOD, peak_w=-5)], "devices[0].peak_w"),
    ([dict(GOOD, phases=2)], "devices[0].phases: must be 1 or 3"),
    ([{"unit": 2, "model": "eastron_sdm120", "phases": 3}],
     "devices[0].phases: eastron_sdm120 is single-phase"),
    ([dict(GOOD, energy_kwh="many")], "devices[0].energy_kwh: must be a "
     "number"),
    ([dict(GOOD, faults={"exception": 12})],
     "devices[0].faults.exception: 12 is outside 0-11"),
    ([dict(GOOD, faults={"latency_ms": "x"})],
     "devices[0].faults.latency_ms: must be an integer"),
    ([dict(GOOD, faults={"timeout": 1})],
     "devices[0].faults.timeout: must be true or false"),
    ([dict(GOOD, faults={"bogus": 1})],
     "devices[0].faults.bogus: unknown field"),
    ([dict(GOOD, faults=[])], "devices[0].faults: must be an object"),
    ([{k: v for k, v in GENERIC.items() if k != "multiplier"}],
     "devices[0].multiplier: required for generic_modbus_meter"),
    ([dict(GENERIC, words=1)], "devices[0].type: f32 takes 2 words, not 1"),
    ([dict(GENERIC, register="0x1FFFF")], "devices[0].register"),
    ([dict(GENERIC, register=65535)],
     "devices[0].register: 2 words from 0xFFFF pass 0xFFFF"),
    ([dict(GENERIC, read_code=2)], "devices[0].read_code: 2 is outside 3-4"),
    ([dict(GENERIC, type="bit")], "devices[0].type: must be one of"),
    ([dict(GENERIC, word_order="le")], "devices[0].word_order"),
    ([dict(GOOD, read_code=4)], "devices[0].read_code: only "
     "generic_modbus_meter takes a register; eastron_sdm630 has its own "
     "map"),
    ([dict(GOOD, setpoint_a=10)], "devices[0].setpoint_a: only EV stations "
     "take it"),
    ([dict(GOOD, peak_dm3_h=10)], "devices[0].peak_dm3_h: only gas and "
     "water meters take it"),
    ([{"unit": 7, "model": "abl_emh1", "vehicle": "sometimes"}],
     "devices[0].vehicle: must be one of"),
    ('{"devices": [{"unit": 1, "unit": 2, "model": "eastron_sdm630"}]}',
     "devices[0].unit: given twice"),
    ([dict(GENERIC, setpoint_a=10)], "devices[0].setpoint_a: only EV "
     "stations take it; generic_modbus_meter is not one"),
    # the vehicle's response time
    ([dict(GOOD, response_s=1)], "devices[0].response_s: only EV stations "
     "take it; eastron_sdm630 is not one"),
    ([dict(STATION, response_s=601)],
     "devices[0].response_s: 601 is outside 0-600"),
    ([dict(STATION, response_s=-1)],
     "devices[0].response_s: -1 is outside 0-600"),
    ([dict(STATION, response_s="5")],
     "devices[0].response_s: must be a number"),
    # the phase of a single-phase station
    ([dict(GOOD, phase="L2")], "devices[0].phase: only EV stations take "
     "it"),
    ([dict(STATION, phases=1, phase="L4")],
     'devices[0].phase: must be one of "L1", "L2", "L3"'),
    ([dict(STATION, phase="L2")], "devices[0].phase: only a single-phase "
     "station takes it (heidelberg_energy_control runs on 3 phases"),
    ([dict(STATION, phases=3, phase="L1")], "devices[0].phase: only a "
     "single-phase station takes it"),
    # a meter's fixed load and its steps
    ([dict(STATION, load_a=10)], "devices[0].load_a: only meters take it; "
     "heidelberg_energy_control is an EV station"),
    ([dict(GOOD, load_a=5001)], "devices[0].load_a: 5001 is outside "
     "0-5000"),
    ([dict(GOOD, load_a="lots")], "devices[0].load_a: must be a number"),
    ([dict(GOOD, load_steps=[{"at_s": 1, "load_a": 2}])],
     "devices[0].load_steps: needs load_a"),
    ([dict(METER, load_steps={"at_s": 1})],
     "devices[0].load_steps: must be an array of at most 16 steps"),
    ([dict(METER, load_steps=[{"at_s": s, "load_a": 1}
                              for s in range(17)])],
     "devices[0].load_steps: must be an array of at most 16 steps"),
    ([dict(METER, load_steps=[5])],
     "devices[0].load_steps[0]: must be an object"),
    ([dict(METER, load_steps=[{"at_s": 10, "load_a": 1},
                              {"at_s": 10, "load_a": 2}])],
     "devices[0].load_steps[1].at_s: 10 is not after the step before "
     "(10)"),
    ([dict(METER, load_steps=[{"at_s": 2e6, "load_a": 1}])],
     "devices[0].load_steps[0].at_s: 2e+06 is outside 0-1e+06"),
    ([dict(METER, load_steps=[{"at_s": 1, "load_a": -1}])],
     "devices[0].load_steps[0].load_a: -1 is outside 0-5000"),
    ([dict(METER, load_steps=[{"at_s": 1}])],
     "devices[0].load_steps[0].load_a: required"),
    ([dict(METER, load_steps=[{"load_a": 1}])],
     "devices[0].load_steps[0].at_s: required"),
    ([dict(METER, load_steps=[{"at_s": 1, "load_a": 1, "x": 0}])],
     "devices[0].load_steps[0].x: unknown field"),
    # a meter upstream of stations
    ([dict(GOOD, feeds=[7]), STATION, dict(STATION, unit=8, feeds=[7])],
     "devices[2].feeds: only meters take it; heidelberg_energy_control is "
     "an EV station"),
    ([dict(GENERIC, feeds=[7]), STATION],
     "devices[0].feeds: a generic meter serves no current"),
    ([dict(GOOD, feeds=7), STATION],
     "devices[0].feeds: must be an array of unit ids"),
    ([dict(GOOD, feeds=[0]), STATION],
     "devices[0].feeds[0]: 0 is outside 1-247"),
    ([dict(GOOD, feeds=[7, 7]), STATION],
     "devices[0].feeds[1]: unit 7 is listed twice"),
    ([dict(GOOD, feeds=[9]), STATION],
     "devices[0].feeds[0]: unit 9 is not in the file"),
    ([dict(GOOD, feeds=[2]), {"unit": 2, "model": "eastron_sdm120"}],
     "devices[0].feeds[0]: unit 2 (eastron_sdm120) is not an EV station"),
    ([dict(GOOD, feeds=[1])],
     "devices[0].feeds[0]: unit 1 (eastron_sdm630) is not an EV station"),
    ([dict(GOOD, feeds=[7]), STATION, dict(GOOD, unit=2, feeds=[8, 7]),
      dict(STATION, unit=8)],
     "devices[2].feeds[1]: unit 7 is already fed by devices[0]"),
]


class TestConfig(simtest.SimTestCase):
    def write(self, content):
        path = os.path.join(self.tmp, "bad.json")
        with open(path, "w") as f:
            if isinstance(content, str):
                f.write(content)
            else:
                json.dump({"devices": content}, f)
        return path

    def test_refusals_exit_2_and_name_the_field(self):
        for content, text in REFUSED:
            path = self.write(content)
            rc, out, err = self.run_sim(["--print-values", "--catalog",
                                         simtest.CATALOG, "--config", path])
            self.assertEqual(rc, 2, (content, err))
            self.assertIn("ews-sim: %s: " % path, err)
            self.assertIn(text, err, content)
            self.assertEqual(out, "")

    def test_server_refuses_the_same_way(self):
        path = self.write([dict(GOOD, model="megatiker_measure")])
        rc, out, err = self.run_sim(["--port", "0", "--catalog",
                                     simtest.CATALOG, "--config", path])
        self.assertEqual(rc, 2)
        self.assertIn("register map unknown for megatiker_measure", err)

    def test_catalogue_numbers_name_models_too(self):
        d = self.values([{"unit": 3, "model": "F3N200"}])
        self.assertEqual(d[3]["model"], "btdin_f3n200")

    def test_missing_file_is_an_io_error(self):
        rc, out, err = self.run_sim(["--print-values", "--catalog",
                                     simtest.CATALOG, "--config",
                                     os.path.join(self.tmp, "none.json")])
        self.assertEqual(rc, 3)
        self.assertIn("cannot read", err)

    def test_usage_errors_exit_1(self):
        cfg = self.config([GOOD])
        cases = [
            [],
            ["--config", cfg, "--site", self.tmp, "--gateway", "1"],
            ["--site", self.tmp],
            ["--config", cfg, "--gateway", "2"],
            ["--config", cfg, "--rtu", "/dev/null", "--port", "5020"],
            ["--config", cfg, "--baud", "9600"],
            ["--config", cfg, "--start", "yesterday"],
            ["--config", cfg, "--start", "2024-02-30T10:00Z"],
            ["--config", cfg, "--time-scale", "-1"],
            ["--config", cfg, "--seed", "x"],
            ["--config", cfg, "--port", "70000"],
            ["--config", cfg, "--parity", "X", "--rtu", "/dev/null"],
            ["--config", cfg, "--unknown-unit", "maybe"],
            ["--config", cfg, "--frobnicate"],
            ["--config", cfg, "extra"],
        ]
        for args in cases:
            rc, out, err = self.run_sim(args)
            self.assertEqual(rc, 1, (args, err))
            self.assertIn("Try 'ews-sim --help'", err)

    def test_a_device_port_is_refused_on_a_serial_line(self):
        cfg = self.config([dict(GOOD, port=5020)])
        rc, out, err = self.run_sim(["--catalog", simtest.CATALOG,
                                     "--config", cfg, "--rtu", "/dev/null"])
        self.assertEqual(rc, 1, err)
        self.assertIn("unit 1 has a TCP port", err)

    def test_help_and_version(self):
        rc, out, err = self.run_sim(["--help"])
        self.assertEqual(rc, 0)
        self.assertIn("--print-values", out)
        rc, out, err = self.run_sim(["--version"])
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("ews-sim "))

    def test_port_in_use_is_an_io_error(self):
        s = self.sim([GOOD])
        rc, out, err = self.run_sim(self.base_args([GOOD]) +
                                    ["--port", str(s.port)])
        self.assertEqual(rc, 3, err)
        self.assertIn("listen on 127.0.0.1 port %d" % s.port, err)
