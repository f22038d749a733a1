"""Tests of ews: samples import (CSV, all or nothing, idempotent) and the
consumption verbs (issue 4: CLI and import)."""
import json
import os

from clitest import EwsTestCase

HEADER = "device,timestamp,quantity,value"

# 2024-03-31T10:00:00Z in seconds and milliseconds since the epoch.
T10_S = 1711879200
T10_MS = T10_S * 1000
HOUR_MS = 3600000


class ImportCase(EwsTestCase):
    """A site (UTC unless `zone`) with one electricity meter, self.d1."""

    zone = "UTC"

    def setUp(self):
        super().setUp()
        self.init("--timezone", self.zone)
        self.gw = self.gateway()
        self.d1 = self.meter(self.gw, 1, "m1")
        self._n = 0

    def csv(self, *lines, header=HEADER, raw=None, end="\n"):
        """Write an import file; returns its path."""
        self._n += 1
        path = os.path.join(self.tmp, "import-%d.csv" % self._n)
        if raw is None:
            text = "".join(line + end for line in
                           ([header] if header is not None else []) +
                           list(lines))
            raw = text.encode()
        with open(path, "wb") as f:
            f.write(raw)
        return path

    def import_ok(self, *lines, **kw):
        out = self.json("samples", "import", self.csv(*lines, **kw))
        return out

    def samples(self):
        r = self.run_ews("samples", "list", "--json")
        self.assertEqual(r.returncode, 0, self.describe(["samples"], r))
        return r.stdout

    def counters(self, *rows, device=None):
        """Import active_energy_import counters [(t_ms, Wh)]."""
        dev = device or self.d1
        return self.import_ok(*["%d,%d,active_energy_import,%s" % (
            dev, t // 1000, v) for t, v in rows])

    def day(self, date, *extra, scope=None):
        return self.json("consumption", "--scope",
                         scope or "device:%d" % self.d1, "--period", "day",
                         "--date", date, *extra)


class TestImport(ImportCase):
    def test_import_then_list(self):
        out = self.import_ok(
            "%d,2024-03-31T10:00:00Z,active_energy_import,1000" % self.d1,
            "%d,2024-03-31T11:00:00Z,active_energy_import,1500.25" % self.d1,
            "%d,2024-03-31T10:00:00Z,voltage_ln_l1,231.5" % self.d1,
            "%d,2024-03-31T10:00:00Z,harmonic_voltage_l1:3,1.25" % self.d1)
        self.assertEqual(out["lines"], 5)
        self.assertEqual(out["samples"], 4)
        self.assertTrue(out["path"].endswith(".csv"))
        s = self.json("samples", "list")
        self.assertEqual([(x["device_id"], x["quantity"], x["order"],
                           x["t_ms"], x["value"]) for x in s], [
            (self.d1, "active_energy_import", 0, T10_MS, 1000),
            (self.d1, "active_energy_import", 0, T10_MS + HOUR_MS, 1500.25),
            (self.d1, "voltage_ln_l1", 0, T10_MS, 231.5),
            (self.d1, "harmonic_voltage_l1", 3, T10_MS, 1.25)])

    def test_human_output_counts_the_samples(self):
        out = self.ok("samples", "import", self.csv(
            "%d,%d,active_power,1" % (self.d1, T10_S),
            "%d,%d,active_power,2" % (self.d1, T10_S + 60)))
        self.assertEqual(out, "imported 2 samples (3 lines)\n")

    def test_header_only_imports_nothing(self):
        self.assertEqual(self.import_ok()["samples"], 0)
        self.assertEqual(self.json("samples", "list"), [])

    def test_bom_crlf_and_blank_final_lines(self):
        path = self.csv(raw=(
            "\ufeff" + HEADER + "\r\n" +
            "%d,%d,active_power,-5.5\r\n" % (self.d1, T10_S) +
            "%d,%d,active_power,7\r\n" % (self.d1, T10_S + 1) +
            "\r\n\n").encode())
        self.assertEqual(self.json("samples", "import", path)["samples"], 2)
        # No final line end at all.
        path = self.csv(raw=(HEADER + "\n%d,%d,active_power,8" % (
            self.d1, T10_S + 2)).encode())
        self.assertEqual(self.json("samples", "import", path)["samples"], 1)
        self.assertEqual([x["value"] for x in self.json("samples", "list")],
                         [-5.5, 7, 8])

    def test_value_forms(self):
        vals = ["0", "-0", "12", "+12", "0.5", "-1234.125", "1e3", "1.5E-3",
                "2e+2", "007", "123456789012.5"]
        self.import_ok(*["%d,%d,active_power,%s" % (self.d1, T10_S + i, v)
                         for i, v in enumerate(vals)])
        got = [x["value"] for x in self.json("samples", "list")]
        self.assertEqual(got, [float(v) for v in vals])

    def test_importing_twice_changes_nothing(self):
        path = self.csv(*["%d,%d,active_energy_import,%d" % (
            self.d1, T10_S + i * 3600, 1000 + 100 * i * i)
            for i in range(6)])
        self.ok("samples", "import", path)
        before = self.samples()
        cons = self.run_ews("consumption", "--scope", "device:%d" % self.d1,
                            "--period", "day", "--date", "2024-03-31",
                            "--json").stdout
        site = self.run_ews("consumption", "--scope", "site", "--period",
                            "month", "--date", "2024-03-31", "--json").stdout
        self.ok("samples", "import", path)
        self.assertEqual(self.samples(), before)
        self.assertEqual(self.run_ews(
            "consumption", "--scope", "device:%d" % self.d1, "--period",
            "day", "--date", "2024-03-31", "--json").stdout, cons)
        self.assertEqual(self.run_ews(
            "consumption", "--scope", "site", "--period", "month", "--date",
            "2024-03-31", "--json").stdout, site)
        self.assertEqual(json.loads(cons)["total"], 2500)

    def test_timestamp_forms_give_the_same_time(self):
        for ts in ("2024-03-31T10:00:00Z", "2024-03-31T12:00:00+02:00",
                   "2024-03-31T12:00+0200", "2024-03-31T05:00:00-05:00",
                   "2024-03-31T15:45:00.000+05:45", str(T10_S)):
            self.import_ok("%d,%s,active_power,5" % (self.d1, ts))
            s = self.json("samples", "list")
            self.assertEqual([(x["t_ms"], x["time"]) for x in s],
                             [(T10_MS, "2024-03-31T10:00:00Z")], ts)

    def test_milliseconds_and_old_times(self):
        self.import_ok(
            "%d,2024-03-31T10:00:00.250Z,active_power,1" % self.d1,
            "%d,0,active_power,2" % self.d1,
            "%d,-86400,active_power,3" % self.d1)
        # (samples list starts at 1970 unless --from says otherwise)
        self.assertEqual([x["t_ms"] for x in self.json(
            "samples", "list", "--from", "1969-12-31T00:00:00Z")],
            [-86400000, 0, T10_MS + 250])

    def test_missing_file_is_an_io_error(self):
        r = self.run_ews("samples", "import",
                         os.path.join(self.tmp, "nowhere.csv"))
        self.assertEqual(r.returncode, 3, self.describe(["import"], r))
        self.assertIn(b"nowhere.csv", r.stderr)
        r = self.run_ews("samples", "import", self.tmp)  # a directory
        self.assertEqual(r.returncode, 3, self.describe(["import"], r))

    def test_usage(self):
        self.assert_usage("samples", "import")
        self.assert_usage("samples", "import", "a.csv", "b.csv")
        self.assert_usage("samples", "import", "a.csv", "--bogus")
        out = self.ok("samples", "import", "--help", site=None)
        self.assertIn("Usage: ews samples import FILE", out)
        self.assertIn(HEADER, out)
        self.assertIn("--json", out)


class TestImportRefused(ImportCase):
    """Every bad line: exit 2, "line N:" and the column named, nothing of
    the file stored."""

    def setUp(self):
        super().setUp()
        self.import_ok("%d,%d,active_energy_import,1000" % (self.d1, T10_S),
                       "%d,%d,active_power,12.5" % (self.d1, T10_S))
        self.good = "%d,%d,active_energy_import,1500" % (self.d1,
                                                         T10_S + 3600)

    def refused(self, path, line, field):
        before = self.samples()
        r = self.run_ews("samples", "import", path)
        self.assertEqual(r.returncode, 2, self.describe([path], r))
        err = r.stderr.decode()
        self.assertRegex(err, r"^ews: line %d: %s: " % (line, field),
                         self.describe([path], r))
        self.assertEqual(err.count("\n"), 1, err)
        self.assertEqual(r.stdout, b"")
        self.assertEqual(self.samples(), before, err)
        return err

    def bad_row(self, row, field):
        """The good line, then `row` as line 3, then the good line again."""
        return self.refused(self.csv(self.good, row, self.good), 3, field)

    def test_bad_header(self):
        for header in ("device,timestamp,quantity", "Device,timestamp,"
                       "quantity,value", HEADER + ",unit", "",
                       " " + HEADER, "device;timestamp;quantity;value"):
            err = self.refused(self.csv(self.good, header=header), 1,
                               "header")
            self.assertIn(HEADER, err)
        self.refused(self.csv(raw=b""), 1, "header")
        self.refused(self.csv(raw=b"\xef\xbb\xbf"), 1, "header")

    def test_unknown_device(self):
        err = self.bad_row("999,%d,active_power,1" % T10_S, "device")
        self.assertIn("999", err)
        for dev in ("0", "-1", "abc", "", "1.0", " 1", "d1",
                    "99999999999999999999999"):
            self.bad_row("%s,%d,active_power,1" % (dev, T10_S), "device")

    def test_bad_timestamp(self):
        for ts in ("2024-02-30T10:00:00Z", "2024-03-31T10:00:00",
                   "2024-03-31 10:00:00Z", "2024-03-31", "yesterday", "",
                   "1.5", "1e9", "2024-03-31T25:00:00Z",
                   "2024-03-31T10:00:00+25:00", "99999999999999999",
                   "2024-03-31T10:00:00ZZ", "-"):
            self.bad_row("%d,%s,active_power,1" % (self.d1, ts),
                         "timestamp")
        err = self.bad_row("%d,2024-02-30T10:00:00Z,active_power,1" %
                           self.d1, "timestamp")
        self.assertIn("day 30", err)

    def test_unknown_quantity(self):
        for q in ("bogus", "", "ACTIVE_POWER", "active_power:3",
                  "harmonic_voltage_l1", "harmonic_voltage_l1:1",
                  "harmonic_voltage_l1:64", "harmonic_voltage_l1:x",
                  "harmonic_voltage_l1:", "x" * 200):
            self.bad_row("%d,%d,%s,1" % (self.d1, T10_S, q), "quantity")

    def test_bad_value(self):
        for v in ("abc", "", "nan", "inf", "-inf", "0x10", " 5", "5 ",
                  "1.", ".5", "1e", "1e999", "1.2.3", "--1", "1e5.5"):
            self.bad_row("%d,%d,active_power,%s" % (self.d1, T10_S, v),
                         "value")
        # A decimal comma is an extra column.
        self.bad_row("%d,%d,active_power,1,5" % (self.d1, T10_S), "value")

    def test_missing_columns(self):
        self.bad_row("%d" % self.d1, "timestamp")
        self.bad_row("%d,%d" % (self.d1, T10_S), "quantity")
        self.bad_row("%d,%d,active_power" % (self.d1, T10_S), "value")

    def test_over_long_line(self):
        row = "%d,%d,active_power,1%s" % (self.d1, T10_S, "0" * 1100)
        err = self.bad_row(row, "line")
        self.assertIn("1024", err)
        # 1024 bytes is the limit; CRLF does not count.
        row = "%d,%d,active_power," % (self.d1, T10_S)
        row += "1." + "0" * (1024 - len(row) - 2)
        self.assertEqual(len(row), 1024)
        self.assertEqual(self.import_ok(row, end="\r\n")["samples"], 1)
        self.refused(self.csv(row + "0"), 2, "line")

    def test_nul_byte_and_blank_line_inside(self):
        path = self.csv(raw=(HEADER + "\n" + self.good + "\n").encode() +
                        b"1,2,active_power,\x001\n")
        self.refused(path, 3, "line")
        self.refused(self.csv(self.good, "", self.good), 3, "line")

    def test_bad_line_at_the_end_of_a_long_file(self):
        rows = ["%d,%d,active_power,%d" % (self.d1, T10_S + i, i)
                for i in range(2000)]
        self.refused(self.csv(*rows, "%d,%d,bogus,1" % (self.d1, T10_S)),
                     2002, "quantity")


class TestConsumptionUTC(ImportCase):
    def test_counter_differences_per_hour(self):
        self.counters((T10_MS, 1000), (T10_MS + HOUR_MS, 1500),
                      (T10_MS + 2 * HOUR_MS, 1700))
        h = self.day("2024-03-31")
        self.assertEqual(list(h), ["scope", "commodity", "period", "unit",
                                   "buckets", "total", "previous_total"])
        self.assertEqual((h["scope"], h["commodity"], h["period"],
                          h["unit"]),
                         ("device:%d" % self.d1, "electricity", "day", "Wh"))
        b = h["buckets"]
        self.assertEqual(len(b), 24)
        self.assertEqual([x["start"] for x in b],
                         ["2024-03-31T%02d:00:00Z" % i for i in range(24)])
        self.assertEqual(b[10], {"start": "2024-03-31T10:00:00Z",
                                 "value": 500, "recorded": True,
                                 "estimated": False})
        self.assertEqual(b[11]["value"], 200)
        self.assertEqual(sum(x["value"] for x in b), 700)
        self.assertEqual([i for i, x in enumerate(b) if x["value"]],
                         [10, 11])
        self.assertFalse(any(x["estimated"] for x in b))
        self.assertEqual(h["total"], 700)
        self.assertIsNone(h["previous_total"])
        # The site has only this meter.
        s = self.day("2024-03-31", scope="site")
        self.assertEqual((s["scope"], s["total"]), ("site", 700))
        # The next day has this one as its previous period.
        n = self.day("2024-04-01")
        self.assertEqual((n["total"], n["previous_total"]), (0, 700))

    def test_values_are_exact_decimals(self):
        self.counters((T10_MS, "1000.5"), (T10_MS + HOUR_MS, "1500.25"),
                      (T10_MS + 2 * HOUR_MS, "1500.256"))
        r = self.run_ews("consumption", "--scope", "device:%d" % self.d1,
                         "--period", "day", "--date", "2024-03-31",
                         "--json")
        text = r.stdout.decode()
        self.assertRegex(text, r'"value": 499\.75,')
        self.assertRegex(text, r'"value": 0\.006,')
        self.assertRegex(text, r'"total": 499\.756,')
        self.assertNotRegex(text, r"[0-9]e[-+]?[0-9]")

    def test_periods_have_their_buckets(self):
        self.counters((T10_MS, 1000), (T10_MS + HOUR_MS, 1500))
        for period, date, n, first in (
                ("month", "2024-03-31", 31, "2024-03-01T00:00:00Z"),
                ("month", "2024-02-10", 29, "2024-02-01T00:00:00Z"),
                ("year", "2024-03-31", 12, "2024-01-01T00:00:00Z"),
                ("decade", "2024-03-31", 10, "2020-01-01T00:00:00Z")):
            h = self.json("consumption", "--scope", "device:%d" % self.d1,
                          "--period", period, "--date", date)
            self.assertEqual(len(h["buckets"]), n, (period, date))
            self.assertEqual(h["buckets"][0]["start"], first)
            self.assertEqual(h["period"], period)
            if date.startswith("2024-03") or period in ("year", "decade"):
                self.assertEqual(h["total"], 500, (period, date))

    def test_human_output(self):
        self.counters((T10_MS, 1000), (T10_MS + HOUR_MS, 1500))
        out = self.ok("consumption", "--scope", "device:%d" % self.d1,
                      "--period", "day", "--date", "2024-03-31")
        self.assertRegex(out, r"(?m)^2024-03-31T10:00:00Z +500 Wh$")
        self.assertRegex(out, r"(?m)^2024-03-31T11:00:00Z +-$")
        self.assertRegex(out, r"(?m)^total +500 Wh")

    def test_split_per_load(self):
        self.counters((T10_MS, 1000), (T10_MS + HOUR_MS, 1500))
        h = self.json("consumption", "--scope", "site", "--period", "day",
                      "--date", "2024-03-31", "--split", "load")
        self.assertIn("split", h)
        for s in h["split"]:
            self.assertEqual(list(s), ["id", "name", "total",
                                       "previous_total", "estimated"])
        self.assertEqual(sum(s["total"] for s in h["split"]), h["total"])
        self.ok("consumption", "--scope", "site", "--period", "day",
                "--date", "2024-03-31", "--split", "group")

    def test_overall(self):
        self.counters((T10_MS, 1000), (T10_MS + HOUR_MS, 1500))
        o = self.json("consumption", "overall", "--period", "day", "--date",
                      "2024-03-31")
        self.assertEqual(o, {"period": "day",
                             "start": "2024-03-31T00:00:00Z",
                             "electricity_wh": 500, "gas_dm3": 0,
                             "gas_kwh_equiv": 0, "water_dm3": 0,
                             "estimated": False,
                             "previous_electricity_wh": None,
                             "previous_gas_dm3": None,
                             "previous_gas_kwh_equiv": None,
                             "previous_water_dm3": None})
        out = self.ok("consumption", "overall", "--period", "day", "--date",
                      "2024-03-31")
        self.assertRegex(out, r"(?m)^electricity +500 Wh$")
        self.assertRegex(out, r"(?m)^previous_electricity +-$")
        # The next day: this one is its previous.
        o = self.json("consumption", "overall", "--period", "day", "--date",
                      "2024-04-01")
        self.assertEqual((o["electricity_wh"], o["previous_electricity_wh"],
                          o["previous_water_dm3"]), (0, 500, None))

    def test_compare_two_meters(self):
        d2 = self.meter(self.gw, 2, "m2")
        self.counters((T10_MS, 1000), (T10_MS + HOUR_MS, 1500))
        self.counters((T10_MS, 10), (T10_MS + 2 * HOUR_MS, 30), device=d2)
        c = self.json("consumption", "compare", "--scope",
                      "device:%d" % self.d1, "--with", "device:%d" % d2,
                      "--period", "day", "--date", "2024-03-31")
        self.assertEqual(list(c), ["a", "b"])
        self.assertEqual((c["a"]["scope"], c["a"]["total"]),
                         ("device:%d" % self.d1, 500))
        self.assertEqual((c["b"]["scope"], c["b"]["total"]),
                         ("device:%d" % d2, 20))
        self.assertEqual(len(c["b"]["buckets"]), 24)
        self.ok("consumption", "compare", "--scope", "device:%d" % self.d1,
                "--with", "device:%d" % d2, "--period", "day", "--date",
                "2024-03-31")

    def test_compare_refuses_different_commodities(self):
        gas = self.add("device", "add", "--gateway", self.gw, "--model",
                       "pulse_gas", "--address", 4, "--concentrator",
                       "F4CON12", "--position", 2, "--name", "gas")
        r = self.run_ews("consumption", "compare", "--scope",
                         "device:%d" % self.d1, "--with", "device:%d" % gas,
                         "--period", "day", "--date", "2024-03-31")
        self.assertEqual(r.returncode, 2, self.describe(["compare"], r))
        self.assertIn(b"non-homogeneous", r.stderr)
        self.assertIn(b"tariffs", r.stderr)
        self.assertEqual(r.stdout, b"")

    def test_measures(self):
        self.import_ok(
            "%d,2024-03-31T10:05:00Z,voltage_ln_l1,230" % self.d1,
            "%d,2024-03-31T10:35:00Z,voltage_ln_l1,232.5" % self.d1,
            "%d,2024-03-31T12:00:00Z,voltage_ln_l1,229" % self.d1)
        m = self.json("consumption", "measures", "--scope",
                      "device:%d" % self.d1, "--quantity", "voltage_ln_l1",
                      "--period", "day", "--date", "2024-03-31")
        self.assertEqual(list(m), ["device", "quantity", "unit", "period",
                                   "buckets"])
        self.assertEqual((m["device"], m["quantity"], m["unit"],
                          m["period"]),
                         (self.d1, "voltage_ln_l1", "V", "day"))
        b = m["buckets"]
        self.assertEqual(len(b), 24)
        self.assertEqual(b[10], {"start": "2024-03-31T10:00:00Z",
                                 "count": 2, "min": 230, "avg": 231.25,
                                 "max": 232.5})
        self.assertEqual(b[11], {"start": "2024-03-31T11:00:00Z",
                                 "count": 0, "min": None, "avg": None,
                                 "max": None})
        self.assertEqual(b[12]["count"], 1)
        self.ok("consumption", "measures", "--scope", "device:%d" % self.d1,
                "--quantity", "voltage_ln_l1", "--period", "day", "--date",
                "2024-03-31")

    def test_bad_arguments_name_the_option(self):
        base = ["--scope", "device:%d" % self.d1, "--period", "day",
                "--date", "2024-03-31"]

        def with_opt(opt, value):
            args = list(base)
            if opt in args:
                args[args.index(opt) + 1] = value
            else:
                args += [opt, value]
            return args

        for opt, value in (("--period", "week"), ("--period", ""),
                           ("--date", "2024-02-30"), ("--date", "2024-3-1"),
                           ("--date", "2024-03-31T00:00Z"),
                           ("--date", "20240331"), ("--scope", "bogus"),
                           ("--scope", "device:0"), ("--scope", "device:"),
                           ("--scope", "site:1"), ("--scope", "device:x"),
                           ("--split", "device"), ("--commodity", "coal")):
            err = self.assert_usage("consumption", *with_opt(opt, value))
            self.assertIn(opt, err, (opt, value))
        for opt in ("--scope", "--period", "--date"):
            i = base.index(opt)
            err = self.assert_usage("consumption", *(base[:i] + base[i + 2:]))
            self.assertIn(opt, err)
        # Refused by the library: the scope does not exist.
        for scope in ("load:999", "device:999", "group:999"):
            r = self.run_ews("consumption", *with_opt("--scope", scope))
            self.assertEqual(r.returncode, 2, self.describe([scope], r))
            self.assertRegex(r.stderr.decode(), r"^ews: --scope: ")
            self.assertEqual(r.stdout, b"")
        self.assert_usage("consumption", "overall", "--period", "week",
                          "--date", "2024-03-31")
        self.assert_usage("consumption", "overall", "--period", "day")
        self.assert_usage("consumption", "compare", *base)  # no --with
        self.assert_usage("consumption", "compare", "--scope", "site",
                          "--with", "device:1", "--period", "day", "--date",
                          "2024-03-31")
        self.assert_usage("consumption", "measures", *base)  # no quantity
        self.assert_usage("consumption", "measures", *base, "--quantity",
                          "bogus")
        self.assert_usage("consumption", "measures", "--scope", "site",
                          "--quantity", "voltage_ln_l1", "--period", "day",
                          "--date", "2024-03-31")

    def test_help(self):
        out = self.ok("--help", site=None)
        self.assertRegex(out, r"(?m)^  consumption .*overall\|compare\|"
                         r"measures$")
        out = self.ok("consumption", "--help", site=None)
        self.assertIn("Usage: ews consumption --scope", out)
        for opt in ("--scope", "--commodity", "--period", "--date",
                    "--split", "--json", "--site", "--help"):
            self.assertIn(opt, out)
        for verb in ("overall", "compare", "measures"):
            out = self.ok("consumption", verb, "--help", site=None)
            self.assertIn("Usage: ews consumption %s" % verb, out)
            self.assertIn("--period", out)
            self.assertEqual(self.ok("help", "consumption", verb,
                                     site=None), out)


class TestConsumptionRome(ImportCase):
    zone = "Europe/Rome"

    def test_spring_day_has_23_hours(self):
        # 2024-03-31T00:00+01:00 is 2024-03-30T23:00Z.
        t0 = T10_MS - 11 * HOUR_MS
        self.counters(*[(t0 + i * HOUR_MS, 1000 + 10 * i) for i in range(24)])
        h = self.day("2024-03-31")
        starts = [b["start"] for b in h["buckets"]]
        self.assertEqual(len(starts), 23)
        self.assertEqual(starts[:3], ["2024-03-31T00:00:00+01:00",
                                      "2024-03-31T01:00:00+01:00",
                                      "2024-03-31T03:00:00+02:00"])
        self.assertEqual(starts[-1], "2024-03-31T23:00:00+02:00")
        self.assertEqual(h["total"], 230)
        self.assertTrue(all(b["value"] == 10 for b in h["buckets"]))

    def test_autumn_day_has_25_hours(self):
        h = self.day("2024-10-27")
        starts = [b["start"] for b in h["buckets"]]
        self.assertEqual(len(starts), 25)
        self.assertEqual(starts[1:4], ["2024-10-27T01:00:00+02:00",
                                       "2024-10-27T02:00:00+02:00",
                                       "2024-10-27T02:00:00+01:00"])
        self.assertEqual(starts[-1], "2024-10-27T23:00:00+01:00")
        self.assertEqual(len(self.day("2024-10-28")["buckets"]), 24)
