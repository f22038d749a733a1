"""Tests of ews: samples list, events list (ACQ-2, ACQ-4) and the status
of devices in device list/show."""
import os
import sqlite3

from clitest import EwsTestCase

# 2026-11-26T10:00:00Z in milliseconds since the epoch.
T0 = 1795687200000

BAD_TIMES = [
    "yesterday", "", "-5", "1.5", "1e12", "0x10", " 5",
    "2026-11-26T10:00:00",        # no Z
    "2026-11-26T10:00:00+00:00",  # only Z
    "2026-11-26T10:00:00z",
    "2026-11-26 10:00:00Z",
    "2026-11-26T10:00Z",
    "2026-11-26T10:00:00.1Z",     # milliseconds are three digits
    "2026-11-26T10:00:00.1234Z",
    "2026-13-01T00:00:00Z",
    "2026-00-01T00:00:00Z",
    "2026-11-31T00:00:00Z",
    "2026-02-29T00:00:00Z",       # not a leap year
    "1900-02-29T00:00:00Z",
    "2026-11-26T24:00:00Z",
    "2026-11-26T10:60:00Z",
    "2026-11-26T10:00:60Z",
    "+2026-11-26T10:00:00Z",
    "2026-11-26T10:00:00ZZ",
    "99999999999999999999999",
]

GOOD_TIMES = [
    "2026-11-26T10:00:00Z", "2026-11-26T10:00:00.123Z",
    "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z",
    "1970-01-01T00:00:00Z", "1700000000000", "0",
]


class TestSamplesEmpty(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def test_empty_store_lists_nothing(self):
        self.assertEqual(self.json("samples", "list"), [])
        self.assertEqual(self.json("events", "list"), [])
        self.assertEqual(self.ok("samples", "list"), "")
        self.assertEqual(self.ok("events", "list"), "")

    def test_every_filter_is_accepted_on_an_empty_store(self):
        self.assertEqual(self.json(
            "samples", "list", "--device", 5, "--quantity",
            "active_energy_import", "--from", "2026-11-26T10:00:00Z",
            "--to", T0 + 3600000, "--limit", 3), [])
        self.assertEqual(self.json(
            "events", "list", "--from", T0, "--to",
            "2026-11-27T00:00:00.500Z"), [])
        # Also as --name=value.
        self.assertEqual(self.json(
            "samples", "list", "--from=2026-11-26T10:00:00Z",
            "--quantity=voltage_ln_l1"), [])

    def test_times_are_parsed_strictly(self):
        for verb in (["samples", "list"], ["events", "list"]):
            for opt in ("--from", "--to"):
                for t in BAD_TIMES:
                    err = self.assert_usage(*verb, opt, t)
                    self.assertIn(opt, err)
                for t in GOOD_TIMES:
                    self.assertEqual(self.json(*verb, opt, t), [],
                                     (verb, opt, t))

    def test_bad_filters_are_usage_errors(self):
        for args in (["--limit", "0"], ["--limit", "-1"], ["--limit", "x"],
                     ["--limit", "1.5"], ["--device", "abc"],
                     ["--device", "-1"], ["--quantity", "bogus"],
                     ["--quantity", ""], ["--quantity", "ACTIVE_POWER"],
                     ["--gateway", "1"], ["--bogus"], ["extra"],
                     ["--from"]):
            self.assert_usage("samples", "list", *args)
        for args in (["--device", "1"], ["--limit", "1"], ["--bogus"],
                     ["extra"], ["--to"]):
            self.assert_usage("events", "list", *args)
        self.assert_usage("samples")
        self.assert_usage("samples", "add")
        self.assert_usage("events", "delete")

    def test_missing_site_exits_3(self):
        missing = os.path.join(self.tmp, "nowhere")
        for noun in ("samples", "events"):
            r = self.run_ews(noun, "list", site=missing)
            self.assertEqual(r.returncode, 3, self.describe([noun], r))
            self.assertFalse(os.path.exists(missing))

    def test_help(self):
        out = self.ok("--help", site=None)
        self.assertRegex(out, r"(?m)^  samples +list\|import$")
        self.assertRegex(out, r"(?m)^  events +list$")
        for noun in ("samples", "events"):
            self.assertIn("ews %s list" % noun,
                          self.ok(noun, "--help", site=None))
            out = self.ok(noun, "list", "--help", site=None)
            self.assertIn("Usage: ews %s list" % noun, out)
            for opt in ("--from", "--to", "--json", "--site", "--help"):
                self.assertIn(opt, out)
        out = self.ok("samples", "list", "--help", site=None)
        for opt in ("--device", "--quantity", "--limit"):
            self.assertIn(opt, out)
        self.assertIn("2026-11-26T10:00:00Z", out)


class TestDeviceStatus(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.gw = self.gateway()

    def test_new_device_is_unknown_and_off_follows_the_switches(self):
        dev = self.meter(self.gw, 1, "m1")
        local = self.meter(1, 1, "m2")
        self.assertEqual(self.json("device", "show", dev)["status"],
                         "unknown")
        self.assertEqual([d["status"] for d in self.json("device", "list")],
                         ["unknown", "unknown"])
        self.ok("device", "off", dev)
        self.assertEqual(self.json("device", "show", dev)["status"], "off")
        self.ok("device", "on", dev)
        self.assertEqual(self.json("device", "show", dev)["status"],
                         "unknown")
        self.ok("gateway", "off", self.gw)
        devs = {d["id"]: d["status"] for d in self.json("device", "list")}
        self.assertEqual(devs, {dev: "off", local: "unknown"})
        self.ok("gateway", "on", self.gw)
        self.assertEqual(self.json("device", "show", dev)["status"],
                         "unknown")
        # Switching is not a status change: no event.
        self.assertEqual(self.json("events", "list"), [])

    def test_status_in_tables(self):
        dev = self.meter(self.gw, 1, "m1")
        self.ok("device", "off", dev)
        lines = self.ok("device", "list").splitlines()
        col = lines[0].index("STATUS")
        self.assertEqual(lines[1][col:col + 3], "off")
        self.assertRegex(self.ok("device", "show", dev),
                         r"(?m)^status +off$")


class TestSamplesStored(EwsTestCase):
    """Output of stored samples and events. Samples are imported (CSV);
    events are written into site.db directly, as no command records them
    without hardware."""

    def setUp(self):
        super().setUp()
        self.init()
        self.gw = self.gateway()
        self.d1 = self.meter(self.gw, 1, "m1")
        self.d2 = self.meter(self.gw, 2, "m2")
        gone = self.meter(self.gw, 3, "m3")
        csv = os.path.join(self.tmp, "samples.csv")
        with open(csv, "w", encoding="utf-8") as f:
            f.write("device,timestamp,quantity,value\n")
            for dev, q, t, v in [
                    (self.d2, "active_power", "2026-11-26T10:00:00Z", -20.5),
                    (self.d1, "active_energy_import", "2026-11-26T10:01:00Z",
                     1234.5),
                    (self.d1, "active_energy_import", "2026-11-26T10:00:00Z",
                     1000.0),
                    (self.d1, "harmonic_voltage_l1:5",
                     "2026-11-26T10:00:00.001Z", 1.25),
                    (self.d1, "harmonic_voltage_l1:3",
                     "2026-11-26T10:00:00.001Z", 2.5),
                    (gone, "active_energy_import", "2026-11-26T10:00:00Z",
                     7.0)]:
                f.write("%d,%s,%s,%r\n" % (dev, t, q, v))
        self.ok("samples", "import", csv)
        # Samples outlive their device.
        self.ok("device", "delete", str(gone))
        self.gone = gone
        db = sqlite3.connect(os.path.join(self.site, "site.db"))
        with db:
            db.executemany(
                "INSERT INTO event (t_ms, device_id, gateway_id,"
                " old_status, new_status, reason) VALUES (?, ?, ?, ?, ?, ?)",
                [(T0 + 5000, self.d1, self.gw, 1, 3, "timeout after 1000 ms"),
                 (T0, self.d1, self.gw, 0, 1, ""),
                 (T0 + 5000, self.d2, self.gw, 0, 4, "fault \"E3\""),
                 (T0 + 9000, gone, self.gw + 1, 1, 3, "")])
        db.close()

    def test_samples_json(self):
        s = self.json("samples", "list")
        self.assertEqual([(x["device_id"], x["quantity"], x["order"],
                           x["t_ms"]) for x in s], [
            (self.d1, "active_energy_import", 0, T0),
            (self.d1, "active_energy_import", 0, T0 + 60000),
            (self.d1, "harmonic_voltage_l1", 3, T0 + 1),
            (self.d1, "harmonic_voltage_l1", 5, T0 + 1),
            (self.d2, "active_power", 0, T0),
            (self.gone, "active_energy_import", 0, T0)])
        self.assertEqual(s[1], {
            "device_id": self.d1, "quantity": "active_energy_import",
            "order": 0, "t_ms": T0 + 60000, "time": "2026-11-26T10:01:00Z",
            "value": 1234.5, "unit": "Wh"})
        self.assertEqual(s[2]["time"], "2026-11-26T10:00:00.001Z")
        self.assertEqual(s[2]["unit"], "V")
        self.assertEqual(s[4]["value"], -20.5)
        self.assertEqual(s[4]["unit"], "W")

    def test_samples_filters(self):
        def keys(*args):
            return [(x["device_id"], x["quantity"], x["order"], x["t_ms"])
                    for x in self.json("samples", "list", *args)]
        self.assertEqual(len(keys("--device", self.d1)), 4)
        self.assertEqual(keys("--device", self.gone),
                         [(self.gone, "active_energy_import", 0, T0)])
        self.assertEqual(keys("--quantity", "active_power"),
                         [(self.d2, "active_power", 0, T0)])
        self.assertEqual(keys("--from", "2026-11-26T10:00:00.001Z"), [
            (self.d1, "active_energy_import", 0, T0 + 60000),
            (self.d1, "harmonic_voltage_l1", 3, T0 + 1),
            (self.d1, "harmonic_voltage_l1", 5, T0 + 1)])
        self.assertEqual(len(keys("--to", "2026-11-26T10:00:00.001Z")), 3)
        self.assertEqual(len(keys("--from", T0, "--to", T0 + 1)), 3)
        self.assertEqual(keys("--device", self.d1, "--limit", 2), [
            (self.d1, "active_energy_import", 0, T0),
            (self.d1, "active_energy_import", 0, T0 + 60000)])
        self.assertEqual(keys("--to", "0"), [])
        self.assertEqual(keys("--to", "1970-01-01T00:00:00Z"), [])
        self.assertEqual(keys("--device", 0), keys())

    def test_samples_table(self):
        lines = self.ok("samples", "list", "--device", self.d1).splitlines()
        self.assertEqual(len(lines), 5)
        self.assertRegex(lines[0],
                         r"^DEVICE_ID +QUANTITY +ORDER +TIME +VALUE +UNIT$")
        self.assertRegex(lines[1], r"^%d +active_energy_import +- +"
                         r"2026-11-26T10:00:00Z +1000 +Wh$" % self.d1)
        self.assertRegex(lines[3], r" 3 +2026-11-26T10:00:00.001Z +2.5 +V$")

    def test_events(self):
        e = self.json("events", "list")
        self.assertEqual([x["reason"] for x in e],
                         ["", "timeout after 1000 ms", "fault \"E3\"", ""])
        # Oldest first; the same time in the order recorded.
        self.assertTrue(e[1]["id"] < e[2]["id"])
        self.assertEqual(e[1], {
            "id": e[1]["id"], "t_ms": T0 + 5000,
            "time": "2026-11-26T10:00:05Z", "device_id": self.d1,
            "device_name": "m1", "device_address": 1,
            "gateway_id": self.gw, "gateway_name": "gw1",
            "old_status": "on", "new_status": "comm_error",
            "reason": "timeout after 1000 ms"})
        self.assertEqual(e[0]["old_status"], "unknown")
        self.assertEqual(e[2]["new_status"], "station_failure")
        self.assertEqual((e[2]["device_name"], e[2]["device_address"]),
                         ("m2", 2))
        # Events outlive their device and gateway: no names then.
        self.assertEqual(
            [e[3][k] for k in ("device_id", "device_name", "device_address",
                               "gateway_id", "gateway_name")],
            [self.gone, None, None, self.gw + 1, None])
        self.assertEqual(
            [x["t_ms"] for x in self.json("events", "list", "--from",
                                          T0 + 1)], [T0 + 5000] * 2 +
            [T0 + 9000])
        self.assertEqual(
            [x["t_ms"] for x in self.json("events", "list", "--to",
                                          "2026-11-26T10:00:05Z")], [T0])
        self.assertEqual(self.json("events", "list", "--to", 0), [])
        lines = self.ok("events", "list").splitlines()
        self.assertEqual(len(lines), 5)
        self.assertRegex(lines[0], r"^ID +TIME +DEVICE_ID +GATEWAY_ID +"
                         r"OLD_STATUS +NEW_STATUS +REASON$")
        self.assertRegex(lines[2], r"2026-11-26T10:00:05Z +%d +%d +on +"
                         r"comm_error +timeout after 1000 ms$" % (
                             self.d1, self.gw))
        self.assertRegex(lines[1], r" unknown +on +-$")

    def test_device_status_is_the_stored_one_unless_off(self):
        db = sqlite3.connect(os.path.join(self.site, "site.db"))
        with db:
            db.execute("UPDATE device SET status = 3 WHERE id = ?",
                       (self.d1,))
        db.close()
        self.assertEqual(self.json("device", "show", self.d1)["status"],
                         "comm_error")
        self.ok("gateway", "off", self.gw)
        self.assertEqual(self.json("device", "show", self.d1)["status"],
                         "off")
        self.ok("gateway", "on", self.gw)
        self.assertEqual(self.json("device", "show", self.d1)["status"],
                         "comm_error")
