"""CON-9 and HIS-2: GET /api/v1/consumption/datalogger.csv, the histogram
of GET /api/v1/consumption as a CSV file to download, written with the
site's CSV settings."""
import csv
import datetime
import io
import os
import tempfile

from ewsdtest import (Browser, Daemon, SharedDaemonCase, logged_in,
                      run_ews)

URL = "/api/v1/consumption/datalogger.csv"
BOM = b"\xef\xbb\xbf"
ROME = datetime.timezone(datetime.timedelta(hours=1))  # March, before DST
MONDAY = datetime.date(2024, 3, 4)
PEAK = '=Peak; "day"'  # a formula, the separator and quotes: all escaped


def populate(site, tmp):
    """A meter in Europe/Rome using 1000.5 Wh every hour from Monday
    2024-03-04 00:00 to Monday 2024-03-11 00:00; PEAK 0.20 on weekdays to
    18:59, Night 0.30 on weekdays from 19:00, no tariff at weekends.
    Returns the meter's id."""
    run_ews(site, "settings", "set", "timezone", "Europe/Rome")
    gw = int(run_ews(site, "gateway", "add", "--name", "gw1", "--ip",
                     "192.168.1.50"))
    dev = int(run_ews(site, "device", "add", "--gateway", gw, "--model",
                      "eastron_sdm630", "--address", 1, "--name", "m1"))
    start = datetime.datetime.combine(MONDAY, datetime.time(0), ROME)
    path = os.path.join(tmp, "counters.csv")
    with open(path, "w") as f:
        f.write("device,timestamp,quantity,value\n")
        for i in range(24 * 7 + 1):
            t = (start + datetime.timedelta(hours=i)).astimezone(
                datetime.timezone.utc)
            f.write("%d,%s,active_energy_import,%d.%d\n" % (
                dev, t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                1000 * i + i // 2, 5 if i % 2 else 0))
    run_ews(site, "samples", "import", path)
    peak = int(run_ews(site, "tariff", "add", "--commodity", "electricity",
                       "--name", PEAK))
    night = int(run_ews(site, "tariff", "add", "--commodity",
                        "electricity", "--name", "Night"))
    run_ews(site, "price", "add", "--tariff", peak, "--price", "0.20")
    run_ews(site, "price", "add", "--tariff", night, "--price", "0.30")
    days = "mon,tue,wed,thu,fri"
    run_ews(site, "rule", "add", "--tariff", peak, "--days", days, "--time",
            "00:00-18:59")
    run_ews(site, "rule", "add", "--tariff", night, "--days", days,
            "--time", "19:00-23:59")
    return dev


class TestDatalogger(SharedDaemonCase):

    @classmethod
    def setUpClass(cls):
        cls.shared = Daemon()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                cls.dev = populate(cls.shared.site, tmp)
            cls.shared.start()
        except BaseException:
            cls.shared.cleanup()
            raise
        cls.user = logged_in(cls.shared, "user")
        cls.admin = logged_in(cls.shared, "administrator")

    def query(self, date, period="day", extra=""):
        return "scope=device&id=%d&period=%s&date=%s%s" % (
            self.dev, period, date, extra)

    def download(self, query, sep=";", browser=None):
        """The file's rows, after checking the answer's headers and
        bytes."""
        r = (browser or self.user).get(URL + "?" + query)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"), "text/csv; charset=utf-8")
        self.assertEqual(r.header("Content-Disposition"),
                         'attachment; filename="datalogger.csv"')
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertTrue(r.body.startswith(BOM), r.body[:20])
        text = r.body[len(BOM):].decode("utf-8")
        self.assertTrue(text.endswith("\r\n"), text[-20:])
        self.assertNotIn("\n", text.replace("\r\n", ""))
        self.raw = text
        return list(csv.reader(io.StringIO(text, newline=""),
                               delimiter=sep))

    def histogram(self, query):
        r = self.user.get("/api/v1/consumption?" + query)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def set_csv(self, decimal, separator):
        # One at a time, never both comma (the library refuses that).
        order = [("csv_decimal", decimal), ("csv_separator", separator)]
        if decimal == "comma":
            order.reverse()
        for name, value in order:
            r = self.admin.put("/api/v1/settings",
                               {"name": name, "value": value})
            self.assertEqual(r.status, 204, r)

    def test_a_day_per_hour_as_the_histogram_shows_it(self):
        q = self.query("2024-03-05")
        rows = self.download(q)
        self.assertEqual(rows[0], ["start", "electricity (Wh)",
                                   "estimated"])
        self.assertEqual(len(rows), 1 + 24)
        self.assertEqual(rows[1], ["2024-03-05T00:00:00+01:00", "1000,5",
                                   "0"])
        h = self.histogram(q)
        for b, row in zip(h["buckets"], rows[1:]):
            self.assertEqual(row, [b["start"],
                                   str(b["value"]).replace(".", ","),
                                   "1" if b["estimated"] else "0"])
        # The site's scope, and split (accepted as the page sends it)
        # changes nothing in the file.
        self.assertEqual(self.download(q + "&split=load"), rows)
        site = self.download("scope=site&period=day&date=2024-03-05")
        self.assertEqual(site[1:], rows[1:])

    def test_the_sites_csv_settings(self):
        q = self.query("2024-03-05")
        try:
            self.set_csv("point", "comma")
            rows = self.download(q, sep=",")
            self.assertEqual(rows[0], ["start", "electricity (Wh)",
                                       "estimated"])
            self.assertEqual(rows[1], ["2024-03-05T00:00:00+01:00",
                                       "1000.5", "0"])
            self.assertIn("\r\n2024-03-05T00:00:00+01:00,1000.5,0\r\n",
                          self.raw)
            self.set_csv("point", "semicolon")
            rows = self.download(q + "&costs=1")
            self.assertEqual(rows[1][1], "1000.5")
            self.assertEqual(rows[1][3], "0.2001")
        finally:
            self.set_csv("comma", "semicolon")
        self.assertEqual(self.download(q)[1][1], "1000,5")

    def test_costs_by_tariff_with_names_escaped(self):
        q = self.query("2024-03-05", extra="&costs=1")
        rows = self.download(q)
        self.assertEqual(rows[0], [
            "start", "electricity (Wh)", "estimated", "cost (EUR)",
            "'" + PEAK + " (EUR)", "Night (EUR)"])
        # RFC 4180 quoting, and an apostrophe before the formula
        self.assertTrue(self.raw.startswith(
            'start;electricity (Wh);estimated;cost (EUR);'
            '"\'=Peak; ""day"" (EUR)";Night (EUR)\r\n'), self.raw[:120])
        self.assertEqual(rows[1], ["2024-03-05T00:00:00+01:00", "1000,5",
                                   "0", "0,2001", "0,2001", "0"])
        self.assertEqual(rows[20], ["2024-03-05T19:00:00+01:00", "1000,5",
                                    "0", "0,30015", "0", "0,30015"])
        h = self.histogram(q)
        for b, row in zip(h["buckets"], rows[1:]):
            self.assertEqual(row[3], str(b["cost"]).replace(".", ","))
        # A Saturday: no tariff at all, its consumption unpriced.
        rows = self.download(self.query("2024-03-09", extra="&costs=1"))
        self.assertEqual(rows[0], ["start", "electricity (Wh)",
                                   "estimated", "cost (EUR)",
                                   "unpriced (Wh)"])
        self.assertEqual(rows[1], ["2024-03-09T00:00:00+01:00", "1000,5",
                                   "0", "0", "1000,5"])

    def test_buckets_with_nothing_recorded_are_empty(self):
        rows = self.download(self.query("2024-03-01", extra="&costs=1"))
        self.assertEqual(len(rows), 1 + 24)
        for row in rows[1:]:
            self.assertEqual(row[1:], ["", "0", ""], row)
        # The day DST begins has 23 hours, and the offset changes.
        rows = self.download(self.query("2024-03-31"))
        self.assertEqual(len(rows), 1 + 23)
        self.assertEqual([rows[2][0], rows[3][0]],
                         ["2024-03-31T01:00:00+01:00",
                          "2024-03-31T03:00:00+02:00"])

    def test_a_month_per_day(self):
        rows = self.download(self.query("2024-03-15", period="month"))
        self.assertEqual(len(rows), 1 + 31)
        self.assertEqual(rows[1][0], "2024-03-01T00:00:00+01:00")
        self.assertEqual(rows[1][1], "")
        self.assertEqual(rows[5], ["2024-03-05T00:00:00+01:00", "24012",
                                   "0"])
        self.assertEqual(rows[31][0], "2024-03-31T00:00:00+01:00")

    def test_the_refusals_of_consumption_as_json(self):
        d = "&period=day&date=2024-03-05"
        for query, status, field in (
                ("period=day&date=2024-03-05", 400, "scope"),
                ("scope=device" + d, 400, "id"),
                ("scope=device&id=999" + d, 404, "id"),
                ("scope=site&id=1" + d, 400, "id"),
                ("scope=site&period=week&date=2024-03-05", 400, "period"),
                ("scope=site&period=day&date=2024-02-30", 400, "date"),
                ("scope=site" + d + "&costs=2", 400, "costs"),
                ("scope=site" + d + "&split=x", 400, "split"),
                ("scope=site" + d + "&colour=red", 400, "colour"),
                (self.query("2024-03-05", extra="&commodity=gas"), 422,
                 "commodity")):
            with self.subTest(query=query):
                r = self.user.get(URL + "?" + query)
                self.assert_error(r, status, field=field)
                self.assertIsNone(r.header("Content-Disposition"))

    def test_only_with_the_consumption_page(self):
        r = self.admin.post("/api/v1/users", {
            "name": "alarms only", "pin": "2718281", "puk": "31415926535",
            "pages": ["alarms"]})
        self.assertEqual(r.status, 201, r)
        b = Browser(self.shared)
        self.assertEqual(b.login("2718281", "31415926535").status, 200)
        self.assert_error(b.get(URL + "?" + self.query("2024-03-05")), 403,
                          "forbidden")
        self.assert_error(Browser(self.shared).get(
            URL + "?" + self.query("2024-03-05")), 401)
