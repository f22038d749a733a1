"""Tests of ews tariff|price|rule, the currency and gas_factor settings
and consumption --costs (issue 5: bill of consumptions, CLI)."""
import datetime
import os

from clitest import EwsTestCase

HEADER = "device,timestamp,quantity,value"

WEEKDAYS = "mon,tue,wed,thu,fri"
ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ROME = datetime.timezone(datetime.timedelta(hours=1))  # March, before DST


class TariffCase(EwsTestCase):
    """A site (UTC unless `zone`); helpers to add tariffs, prices and
    rules."""

    zone = "UTC"

    def setUp(self):
        super().setUp()
        self.init("--timezone", self.zone)

    def tariff(self, name, commodity="electricity", *extra):
        return self.add("tariff", "add", "--commodity", commodity, "--name",
                        name, *extra)

    def price(self, tariff, price, *extra):
        return self.add("price", "add", "--tariff", tariff, "--price",
                        price, *extra)

    def rule(self, tariff, *extra):
        return self.add("rule", "add", "--tariff", tariff, *extra)

    def tariffs(self, *extra):
        return self.json("tariff", "list", *extra)

    def rules(self, *extra):
        return self.json("rule", "list", *extra)

    def refused(self, field, *args):
        """assert_refused, the message naming `field` first."""
        return self.assert_refused(r"^ews: %s: " % field, *args)


# ----------------------------------------------------------------------
# ews tariff


class TestTariff(TariffCase):
    def test_add_list_json(self):
        t1 = self.tariff("T1")
        rec = self.json("tariff", "add", "--commodity", "electricity",
                        "--name", "Peak hours", "--color", "#1565c0")
        self.assertEqual(list(rec), ["id", "commodity", "name", "color",
                                     "prices"])
        self.assertEqual(rec["name"], "Peak hours")
        g = self.tariff("Gas", "gas")
        lst = self.tariffs()
        self.assertEqual(lst, [
            {"id": t1, "commodity": "electricity", "name": "T1",
             "color": "#2E7D32", "prices": []},
            {"id": rec["id"], "commodity": "electricity",
             "name": "Peak hours", "color": "#1565c0", "prices": []},
            {"id": g, "commodity": "gas", "name": "Gas",
             "color": "#2E7D32", "prices": []}])
        self.assertEqual(lst[1], rec)
        self.assertEqual([t["id"] for t in self.tariffs(
            "--commodity", "gas")], [g])
        self.assertEqual(self.tariffs("--commodity", "water"), [])

    def test_default_colours_differ(self):
        for i in range(5):
            self.tariff("T%d" % i)
        colors = [t["color"] for t in self.tariffs()]
        self.assertEqual(len(set(colors)), 5, colors)

    def test_list_with_prices_and_text(self):
        t1 = self.tariff("T1")
        p1 = self.price(t1, "0.2")
        p2 = self.price(t1, "0.25", "--from", "2024-06-01")
        self.assertEqual(self.tariffs()[0]["prices"], [
            {"id": p1, "from": None, "price": 0.2},
            {"id": p2, "from": "2024-06-01", "price": 0.25}])
        out = self.ok("tariff", "list")
        self.assertRegex(out, r"^ID +COMMODITY +NAME +COLOR +PRICES\n")
        self.assertRegex(out, r"(?m)^%d +electricity +T1 +#2E7D32 +"
                         r"0\.2, 0\.25 from 2024-06-01$" % t1)

    def test_set(self):
        t1 = self.tariff("T1")
        self.ok("tariff", "set", t1, "--name", "Off-peak")
        self.assertEqual(self.tariffs()[0]["name"], "Off-peak")
        self.ok("tariff", "set", t1, "--color", "#AABBCC")
        self.assertEqual((self.tariffs()[0]["name"],
                          self.tariffs()[0]["color"]),
                         ("Off-peak", "#AABBCC"))
        self.refused("tariff", "tariff", "set", 999, "--name", "x")
        self.refused("color", "tariff", "set", t1, "--color", "blue")
        self.tariff("T2")
        self.refused("name", "tariff", "set", t1, "--name", "T2")
        self.refused("name", "tariff", "set", t1, "--name", "")

    def test_delete(self):
        t1 = self.tariff("T1")
        t2 = self.tariff("T2")
        self.price(t1, "0.2")
        r = self.rule(t2)
        self.ok("tariff", "delete", t1)
        self.assertEqual([t["id"] for t in self.tariffs()], [t2])
        self.assertEqual(self.json("price", "list"), [])
        err = self.refused("tariff", "tariff", "delete", t2)
        self.assertIn("rule", err)
        self.ok("rule", "delete", r)
        self.ok("tariff", "delete", t2)
        self.refused("tariff", "tariff", "delete", t2)

    def test_sixth_tariff_is_refused(self):
        for i in range(5):
            self.tariff("T%d" % i)
        err = self.refused("tariff", "tariff", "add", "--commodity",
                           "electricity", "--name", "T5")
        self.assertIn("5", err)
        self.tariff("T5", "gas")  # per commodity

    def test_refusals(self):
        self.tariff("T1")
        self.refused("name", "tariff", "add", "--commodity", "electricity",
                     "--name", "T1")
        self.refused("name", "tariff", "add", "--commodity", "electricity",
                     "--name", "no tariff")
        self.refused("name", "tariff", "add", "--commodity", "electricity",
                     "--name", "")
        for color in ("red", "#12345G", "123456", "#12345", "#1234567"):
            self.refused("color", "tariff", "add", "--commodity",
                         "electricity", "--name", "T2", "--color", color)

    def test_usage(self):
        self.assert_usage("tariff", "add", "--name", "T1")
        self.assert_usage("tariff", "add", "--commodity", "electricity")
        err = self.assert_usage("tariff", "add", "--commodity", "coal",
                                "--name", "T1")
        self.assertIn("--commodity", err)
        self.assert_usage("tariff", "list", "--commodity", "coal")
        self.assert_usage("tariff", "set", "x", "--name", "T1")
        self.assert_usage("tariff", "delete")
        self.assert_usage("tariff", "frobnicate")
        for verb in ("add", "list", "set", "delete", "now"):
            out = self.ok("tariff", verb, "--help", site=None)
            self.assertIn("Usage: ews tariff %s" % verb, out)
        self.assertIn("--json", self.ok("tariff", "list", "--help",
                                        site=None))


# ----------------------------------------------------------------------
# ews price


class TestPrice(TariffCase):
    def setUp(self):
        super().setUp()
        self.t1 = self.tariff("T1")

    def test_add_list(self):
        p1 = self.price(self.t1, "0.1875")
        rec = self.json("price", "add", "--tariff", self.t1, "--price",
                        "0.000001", "--from", "2024-01-01")
        self.assertEqual(rec, {"id": rec["id"], "tariff_id": self.t1,
                               "from": "2024-01-01", "price": 0.000001})
        t2 = self.tariff("T2")
        p3 = self.price(t2, "12", "--from", "2023-05-01")
        self.assertEqual(self.json("price", "list"), [
            {"id": p1, "tariff_id": self.t1, "from": None,
             "price": 0.1875},
            rec,
            {"id": p3, "tariff_id": t2, "from": "2023-05-01", "price": 12}])
        self.assertEqual([p["id"] for p in self.json(
            "price", "list", "--tariff", t2)], [p3])
        # Exact decimals, never a float's text.
        text = self.ok("price", "list", "--json")
        self.assertIn('"price": 0.000001', text)
        self.assertIn('"price": 0.1875', text)
        self.assertNotRegex(text, r"[0-9]e[-+]?[0-9]")
        out = self.ok("price", "list")
        self.assertRegex(out, r"(?m)^%d +%d +always +0\.1875$" % (
            p1, self.t1))
        self.refused("tariff", "price", "list", "--tariff", 999)

    def test_sixth_price_is_refused(self):
        self.price(self.t1, "0.1")
        for month in range(1, 5):
            self.price(self.t1, "0.2", "--from", "2024-%02d-01" % month)
        err = self.refused("price", "price", "add", "--tariff", self.t1,
                           "--price", "0.3", "--from", "2024-06-01")
        self.assertIn("5", err)

    def test_duplicate_date_is_refused(self):
        self.price(self.t1, "0.1")
        self.price(self.t1, "0.2", "--from", "2024-03-01")
        err = self.refused("from", "price", "add", "--tariff", self.t1,
                           "--price", "0.3", "--from", "2024-03-01")
        self.assertIn("2024-03-01", err)
        self.refused("from", "price", "add", "--tariff", self.t1, "--price",
                     "0.3")

    def test_bad_values_are_refused(self):
        for price in ("-1", "1e3", "0.1234567", "abc", "", "0,5", "1.",
                      ".5", " 1"):
            self.refused("price", "price", "add", "--tariff", self.t1,
                         "--price", price)
        for date in ("2024-02-30", "2024-3-1", "yesterday", "1899-12-31"):
            self.refused("from", "price", "add", "--tariff", self.t1,
                         "--price", "0.1", "--from", date)
        self.refused("tariff", "price", "add", "--tariff", 999, "--price",
                     "0.1")

    def test_flat_price(self):
        pid = self.add("price", "add", "--commodity", "gas", "--price",
                       "1.1")
        gas = self.tariffs("--commodity", "gas")
        self.assertEqual([(t["name"], t["prices"]) for t in gas], [
            ("DEFAULT", [{"id": pid, "from": None, "price": 1.1}])])
        rules = self.rules("--commodity", "gas")
        self.assertEqual([(r["tariff"], r["validity"], r["time"],
                           r["days"]) for r in rules],
                         [("DEFAULT", "always", "00:00-23:59", ALL_DAYS)])
        # Again: the price is replaced, no second rule.
        rec = self.json("price", "add", "--commodity", "gas", "--price",
                        "1.25")
        self.assertEqual((rec["tariff_id"], rec["from"], rec["price"]),
                         (gas[0]["id"], None, 1.25))
        self.assertEqual(self.tariffs("--commodity", "gas")[0]["prices"],
                         [{"id": rec["id"], "from": None, "price": 1.25}])
        self.assertEqual(len(self.rules("--commodity", "gas")), 1)

    def test_delete(self):
        p = self.price(self.t1, "0.1")
        self.ok("price", "delete", p)
        self.assertEqual(self.json("price", "list"), [])
        self.refused("price", "price", "delete", p)

    def test_usage(self):
        self.assert_usage("price", "add", "--tariff", self.t1)
        self.assert_usage("price", "add", "--price", "0.1")
        self.assert_usage("price", "add", "--tariff", self.t1,
                          "--commodity", "gas", "--price", "0.1")
        self.assert_usage("price", "add", "--commodity", "gas", "--price",
                          "0.1", "--from", "2024-01-01")
        self.assert_usage("price", "add", "--tariff", "x", "--price", "0.1")
        self.assert_usage("price", "delete")
        for verb in ("add", "list", "delete"):
            self.assertIn("Usage: ews price %s" % verb,
                          self.ok("price", verb, "--help", site=None))


# ----------------------------------------------------------------------
# ews rule


def rule_json(rid, position, tariff_id, tariff, validity="always",
              date=None, frm=None, to=None, every_year=False,
              time="00:00-23:59", days=ALL_DAYS, commodity="electricity"):
    return {"id": rid, "commodity": commodity, "position": position,
            "tariff_id": tariff_id, "tariff": tariff, "validity": validity,
            "date": date, "from": frm, "to": to, "every_year": every_year,
            "time": time, "days": list(days)}


class TestRule(TariffCase):
    def setUp(self):
        super().setUp()
        self.t1 = self.tariff("T1")
        self.t2 = self.tariff("T2")

    def test_add_list(self):
        r1 = self.rule(self.t1, "--days", WEEKDAYS, "--time", "00:00-18:59")
        rec = self.json("rule", "add", "--commodity", "electricity",
                        "--tariff", self.t2, "--time", "22:00-05:59")
        r3 = self.rule(self.t1, "--date", "2024-12-25", "--every-year")
        r4 = self.rule(self.t2, "--from", "2024-06-01", "--to",
                       "2024-08-31", "--days", "sat,sun")
        r5 = self.rule(self.t2, "--date", "2024-12-26", "--days", "thu")
        want = [
            rule_json(r1, 1, self.t1, "T1", time="00:00-18:59",
                      days=ALL_DAYS[:5]),
            rule_json(rec["id"], 2, self.t2, "T2", time="22:00-05:59"),
            rule_json(r3, 3, self.t1, "T1", "date", date="2024-12-25",
                      every_year=True),
            rule_json(r4, 4, self.t2, "T2", "period", frm="2024-06-01",
                      to="2024-08-31", days=["sat", "sun"]),
            rule_json(r5, 5, self.t2, "T2", "date", date="2024-12-26",
                      days=["thu"])]
        self.assertEqual(rec, want[1])
        self.assertEqual(self.rules(), want)
        self.assertEqual(self.rules("--commodity", "electricity"), want)
        self.assertEqual(self.rules("--commodity", "gas"), [])
        out = self.ok("rule", "list")
        self.assertRegex(out, r"^POSITION +ID +COMMODITY +TARIFF +VALIDITY "
                         r"+TIME +DAYS\n")
        self.assertRegex(out, r"(?m)^1 +%d +electricity +T1 +always +"
                         r"00:00-18:59 +mon,tue,wed,thu,fri$" % r1)
        self.assertRegex(out, r"(?m)^3 +%d +electricity +T1 +2024-12-25, "
                         r"every year +00:00-23:59 +all$" % r3)
        self.assertRegex(out, r"(?m)^4 +%d .* 2024-06-01\.\.2024-08-31 +"
                         r"00:00-23:59 +sat,sun$" % r4)

    def test_commodity_defaults_to_the_tariffs(self):
        g = self.tariff("G", "gas")
        r = self.rule(g, "--days", "all")
        self.assertEqual(self.rules("--commodity", "gas"),
                         [rule_json(r, 1, g, "G", commodity="gas")])
        self.refused("tariff", "rule", "add", "--commodity", "water",
                     "--tariff", g)
        self.refused("tariff", "rule", "add", "--tariff", 999)

    def test_set_keeps_what_is_not_given(self):
        r = self.rule(self.t1, "--date", "2024-12-25", "--every-year",
                      "--days", "mon,tue,wed,thu,fri,sat", "--time",
                      "08:00-19:59")
        self.ok("rule", "set", r, "--time", "09:00-17:59")
        self.assertEqual(self.rules(), [rule_json(
            r, 1, self.t1, "T1", "date", date="2024-12-25",
            every_year=True, time="09:00-17:59", days=ALL_DAYS[:6])])
        self.ok("rule", "set", r, "--tariff", self.t2, "--days", "all")
        got = self.rules()[0]
        self.assertEqual((got["tariff_id"], got["tariff"], got["days"],
                          got["date"], got["time"]),
                         (self.t2, "T2", ALL_DAYS, "2024-12-25",
                          "09:00-17:59"))
        # A new validity replaces the old, --every-year included.
        self.ok("rule", "set", r, "--from", "2024-01-01", "--to",
                "2024-01-31")
        got = self.rules()[0]
        self.assertEqual((got["validity"], got["date"], got["from"],
                          got["to"], got["every_year"]),
                         ("period", None, "2024-01-01", "2024-01-31", False))
        self.ok("rule", "set", r, "--every-year")
        self.assertTrue(self.rules()[0]["every_year"])
        self.ok("rule", "set", r, "--always")
        got = self.rules()[0]
        self.assertEqual((got["validity"], got["from"], got["to"],
                          got["every_year"], got["position"]),
                         ("always", None, None, False, 1))
        self.refused("rule", "rule", "set", 999, "--time", "00:00-01:00")
        self.refused("to", "rule", "set", r, "--from", "2024-02-01",
                     "--to", "2024-01-01")
        self.refused("weekdays", "rule", "set", r, "--days", "")
        self.refused("time", "rule", "set", r, "--time", "9:00-17:59")

    def test_move_and_delete(self):
        r1 = self.rule(self.t1)
        r2 = self.rule(self.t2)
        r3 = self.rule(self.t1, "--days", "sun")

        def order():
            return [(r["position"], r["id"]) for r in self.rules()]

        self.ok("rule", "move", r3, "up")
        self.assertEqual(order(), [(1, r1), (2, r3), (3, r2)])
        self.ok("rule", "move", r1, "down")
        self.assertEqual(order(), [(1, r3), (2, r1), (3, r2)])
        err = self.refused("delta", "rule", "move", r3, "up")
        self.assertIn("first", err)
        err = self.refused("delta", "rule", "move", r2, "down")
        self.assertIn("last", err)
        self.refused("rule", "rule", "move", 999, "up")
        self.assert_usage("rule", "move", r1, "sideways")
        self.assert_usage("rule", "move", r1)
        self.ok("rule", "delete", r3)
        self.assertEqual(order(), [(1, r1), (2, r2)])
        self.refused("rule", "rule", "delete", r3)

    def test_from_after_to_is_refused(self):
        err = self.refused("to", "rule", "add", "--tariff", self.t1,
                           "--from", "2024-05-01", "--to", "2024-04-30")
        self.assertIn("before", err)

    def test_days_are_refused(self):
        err = self.refused("weekdays", "rule", "add", "--tariff", self.t1,
                           "--days", "")
        self.assertIn("day", err)
        for days in ("mon,xyz", "monday", "Mon", "mon,", ",mon", "mon,,tue",
                     "all,mon", "1", " mon"):
            self.refused("weekdays", "rule", "add", "--tariff", self.t1,
                         "--days", days)

    def test_a_rule_that_can_never_be_true_is_refused(self):
        err = self.refused("weekdays", "rule", "add", "--tariff", self.t1,
                           "--date", "2019-12-25", "--days", "sat,sun")
        self.assertIn("2019-12-25 is a Wednesday", err)
        self.assertIn("never", err)
        err = self.refused("weekdays", "rule", "add", "--tariff", self.t1,
                           "--from", "2024-03-04", "--to", "2024-03-08",
                           "--days", "sat,sun")
        self.assertIn("never", err)
        # Every year, a date falls on every weekday.
        self.rule(self.t1, "--date", "2019-12-25", "--days", "sat,sun",
                  "--every-year")

    def test_bad_times_are_refused(self):
        for frame in ("24:00-01:00", "1:00-02:00", "00:00-18:60",
                      "00:00", "00:00-18:59x", "00.00-18.59", "",
                      " 00:00-18:59", "00:00 - 18:59", "0a:00-01:00",
                      "00:00-23:59:59", "-1:00-02:00"):
            err = self.refused("time", "rule", "add", "--tariff", self.t1,
                               "--time", frame)
            self.assertIn("00:00-18:59", err, frame)

    def test_other_refusals(self):
        self.refused("every_year", "rule", "add", "--tariff", self.t1,
                     "--every-year")
        self.refused("date", "rule", "add", "--tariff", self.t1, "--date",
                     "2024-02-30")
        self.refused("from", "rule", "add", "--tariff", self.t1, "--from",
                     "2024-13-01", "--to", "2024-12-31")

    def test_usage(self):
        self.assert_usage("rule", "add")
        self.assert_usage("rule", "add", "--days", "all")  # no --tariff
        self.assert_usage("rule", "add", "--tariff", self.t1, "--date",
                          "2024-01-01", "--from", "2024-01-01", "--to",
                          "2024-01-02")
        self.assert_usage("rule", "add", "--tariff", self.t1, "--from",
                          "2024-01-01")
        self.assert_usage("rule", "add", "--tariff", self.t1, "--to",
                          "2024-01-01")
        self.assert_usage("rule", "add", "--tariff", self.t1, "--always")
        self.assert_usage("rule", "add", "--tariff", "x")
        r = self.rule(self.t1)
        self.assert_usage("rule", "set", r, "--always", "--date",
                          "2024-01-01")
        self.assert_usage("rule", "set", r, "--commodity", "gas")
        self.assert_usage("rule", "list", "--commodity", "coal")
        for verb in ("add", "set", "list", "move", "delete"):
            self.assertIn("Usage: ews rule %s" % verb,
                          self.ok("rule", verb, "--help", site=None))
        self.assertIn("18:59", self.ok("rule", "add", "--help", site=None))


# ----------------------------------------------------------------------
# Settings


class TestSettings(TariffCase):
    def test_currency(self):
        self.assertEqual(self.json("settings", "show", "currency"),
                         {"currency": "EUR"})
        self.ok("settings", "set", "currency", "USD")
        self.assertEqual(self.ok("settings", "show", "currency"), "USD\n")
        for code in ("EUX", "usd", "EURO", ""):
            self.refused("currency", "settings", "set", "currency", code)
        self.assertEqual(self.ok("settings", "show", "currency"), "USD\n")

    def test_gas_factor(self):
        self.ok("settings", "set", "gas_factor", "10.7")
        self.assertEqual(self.ok("settings", "show",
                                 "gas_factor_kwh_per_m3"), "10.7\n")
        self.assertEqual(self.ok("settings", "show", "gas_factor"),
                         "10.7\n")
        self.refused("gas_factor_kwh_per_m3", "settings", "set",
                     "gas_factor", "abc")
        self.assertEqual(self.json("settings", "show")[
            "gas_factor_kwh_per_m3"], "10.7")


# ----------------------------------------------------------------------
# ews tariff now


class TestTariffNow(TariffCase):
    zone = "Europe/Rome"

    def setUp(self):
        super().setUp()
        self.t1 = self.tariff("T1")
        self.t2 = self.tariff("T2")
        self.price(self.t1, "0.20")
        self.price(self.t2, "0.30")
        self.r1 = self.rule(self.t1, "--days", WEEKDAYS, "--time",
                            "00:00-18:59")
        self.r2 = self.rule(self.t2, "--days", WEEKDAYS, "--time",
                            "19:00-23:59")

    def now(self, at, commodity="electricity"):
        out = self.json("tariff", "now", "--commodity", commodity, "--at",
                        at)
        self.assertEqual(len(out), 1)
        return out[0]

    def test_what_applies(self):
        n = self.now("2024-03-05T20:00:00+01:00")
        self.assertEqual(n, {"commodity": "electricity",
                             "at": "2024-03-05T19:00:00Z",
                             "rule_id": self.r2, "position": 2,
                             "tariff_id": self.t2, "tariff": "T2",
                             "price": 0.3})
        # 18:59 local is still the first rule's; UTC 18:00 is 19:00 local.
        self.assertEqual(self.now("2024-03-05T18:59:59+01:00")["tariff"],
                         "T1")
        self.assertEqual(self.now("2024-03-05T18:00:00Z")["tariff"], "T2")
        # A Saturday: no rule is true.
        self.assertEqual(self.now("2024-03-09T12:00:00+01:00"), {
            "commodity": "electricity", "at": "2024-03-09T11:00:00Z",
            "rule_id": None, "position": None, "tariff_id": None,
            "tariff": None, "price": None})
        out = self.ok("tariff", "now", "--commodity", "electricity",
                      "--at", "2024-03-09T12:00:00+01:00")
        self.assertIn("no tariff", out)

    def test_no_price(self):
        t3 = self.tariff("T3")
        self.price(t3, "0.5", "--from", "2024-06-01")
        r3 = self.rule(t3, "--days", "sat,sun")
        n = self.now("2024-03-09T12:00:00+01:00")
        self.assertEqual((n["rule_id"], n["position"], n["tariff"],
                          n["price"]), (r3, 3, "T3", None))
        out = self.ok("tariff", "now", "--commodity", "electricity",
                      "--at", "2024-03-09T12:00:00+01:00")
        self.assertRegex(out, r"(?m)^electricity +%d +3 +T3 +no price$" %
                         r3)
        self.assertEqual(self.now("2024-06-01T12:00:00+02:00")["price"],
                         0.5)

    def test_every_commodity_and_now(self):
        out = self.json("tariff", "now")
        self.assertEqual([n["commodity"] for n in out],
                         ["electricity", "gas", "water"])
        self.assertEqual(out[1]["tariff"], None)
        out = self.ok("tariff", "now", "--at", "2024-03-05T20:00:00+01:00")
        self.assertRegex(out, r"(?m)^electricity +%d +2 +T2 +0\.3 EUR$" %
                         self.r2)
        self.assertRegex(out, r"(?m)^gas +- +- +no tariff +no tariff$")
        self.assert_usage("tariff", "now", "--at", "yesterday")
        self.assert_usage("tariff", "now", "--at", "2024-03-05T20:00:00")


# ----------------------------------------------------------------------
# Costs of consumption, end to end


def local_hours(first_day, days):
    """The local hours (UTC datetimes) of `days` days from first_day
    (Europe/Rome in March before DST: UTC+1), one more at the end."""
    start = datetime.datetime.combine(first_day, datetime.time(0),
                                      ROME).astimezone(datetime.timezone.utc)
    return [start + datetime.timedelta(hours=i)
            for i in range(24 * days + 1)]


class TestCosts(TariffCase):
    """A meter using 1 kWh every hour from Monday 2024-03-04 to Monday
    2024-03-11 (both included), in Europe/Rome; T1 0.20 on weekdays to
    18:59, T2 0.30 on weekdays from 19:00."""

    zone = "Europe/Rome"
    MONDAY = datetime.date(2024, 3, 4)

    def setUp(self):
        super().setUp()
        self.gw = self.gateway()
        self.d1 = self.meter(self.gw, 1, "m1")
        self.counters(self.d1, "active_energy_import", 1000)
        self.t1 = self.tariff("T1")
        self.t2 = self.tariff("T2")
        self.price(self.t1, "0.20")
        self.price(self.t2, "0.30")
        self.morning = self.rule(self.t1, "--days", WEEKDAYS, "--time",
                                 "00:00-18:59")
        self.evening = self.rule(self.t2, "--days", WEEKDAYS, "--time",
                                 "19:00-23:59")

    def counters(self, device, quantity, per_hour):
        path = os.path.join(self.tmp, "counters-%d.csv" % device)
        with open(path, "w") as f:
            f.write(HEADER + "\n")
            for i, t in enumerate(local_hours(self.MONDAY, 8)):
                f.write("%d,%s,%s,%d\n" % (
                    device, t.strftime("%Y-%m-%dT%H:%M:%SZ"), quantity,
                    per_hour * i))
        self.assertEqual(self.json("samples", "import", path)["samples"],
                         24 * 8 + 1)

    def costs(self, date, period="day", scope=None, *extra):
        return self.json("consumption", "--scope",
                         scope or "device:%d" % self.d1, "--period", period,
                         "--date", date, "--costs", *extra)

    def test_weekday(self):
        h = self.costs("2024-03-05")
        self.assertEqual(list(h), [
            "scope", "commodity", "period", "unit", "buckets", "total",
            "previous_total", "currency", "total_cost", "total_by_tariff",
            "previous_total_cost"])
        b = h["buckets"]
        self.assertEqual(len(b), 24)
        self.assertEqual(b[0]["start"], "2024-03-05T00:00:00+01:00")
        self.assertEqual(list(b[0]), ["start", "value", "recorded",
                                      "estimated", "cost", "by_tariff"])
        self.assertEqual([x["value"] for x in b], [1000] * 24)
        self.assertEqual([x["cost"] for x in b], [0.2] * 19 + [0.3] * 5)
        self.assertEqual([x["by_tariff"] for x in b],
                         [{"T1": 0.2}] * 19 + [{"T2": 0.3}] * 5)
        self.assertFalse(any("unpriced" in x for x in b))
        # 19 x 0.20 + 5 x 0.30
        self.assertEqual((h["currency"], h["total"], h["total_cost"],
                          h["total_by_tariff"], h["previous_total_cost"]),
                         ("EUR", 24000, 5.3, {"T1": 3.8, "T2": 1.5}, 5.3))
        text = self.ok("consumption", "--scope", "device:%d" % self.d1,
                       "--period", "day", "--date", "2024-03-05", "--costs",
                       "--json")
        self.assertIn('"total_cost": 5.3,', text)
        self.assertNotRegex(text, r"[0-9]e[-+]?[0-9]")
        self.assertNotRegex(text, r"\.[0-9]*0000")
        # Monday has no day before it with data.
        self.assertIsNone(self.costs("2024-03-04")["previous_total_cost"])

    def test_saturday_is_no_tariff(self):
        h = self.costs("2024-03-09")
        for x in h["buckets"]:
            self.assertEqual((x["cost"], x["by_tariff"], x["unpriced"]),
                             (0, {"no tariff": None}, 1000))
        self.assertEqual((h["total_cost"], h["total_by_tariff"],
                          h["unpriced"]),
                         (0, {"no tariff": None}, 24000))
        self.assertEqual(h["previous_total_cost"], 5.3)  # Friday

    def test_moving_the_evening_rule_changes_nothing(self):
        before = self.ok("consumption", "--scope", "device:%d" % self.d1,
                         "--period", "day", "--date", "2024-03-05",
                         "--costs", "--json")
        self.ok("rule", "move", self.evening, "up")
        self.assertEqual([r["id"] for r in self.rules()],
                         [self.evening, self.morning])
        after = self.ok("consumption", "--scope", "device:%d" % self.d1,
                        "--period", "day", "--date", "2024-03-05", "--costs",
                        "--json")
        self.assertEqual(after, before)
        self.assertEqual(self.costs("2024-03-01", "month")["total_cost"],
                         31.8)

    def test_deleting_the_evening_rule_unprices_the_evening(self):
        self.ok("rule", "delete", self.evening)
        h = self.costs("2024-03-05")
        b = h["buckets"]
        self.assertEqual([x["cost"] for x in b[:19]], [0.2] * 19)
        for x in b[19:]:
            self.assertEqual((x["cost"], x["by_tariff"], x["unpriced"]),
                             (0, {"no tariff": None}, 1000))
        self.assertEqual((h["total_cost"], h["total_by_tariff"],
                          h["unpriced"]),
                         (3.8, {"T1": 3.8, "no tariff": None}, 5000))
        m = self.costs("2024-03-01", "month")
        self.assertEqual((m["total_cost"], m["total_by_tariff"]),
                         (22.8, {"T1": 22.8, "no tariff": None}))

    def test_samples_after_the_rules(self):
        # Tuesday and Wednesday of the next week, stored under the rules:
        # the month and year rows get their costs as the samples come.
        path = os.path.join(self.tmp, "more.csv")
        with open(path, "w") as f:
            f.write(HEADER + "\n")
            for i, t in enumerate(local_hours(datetime.date(2024, 3, 12),
                                              2)):
                f.write("%d,%s,active_energy_import,%d\n" % (
                    self.d1, t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    192000 + 1000 * i))
        self.ok("samples", "import", path)
        self.assertEqual(self.costs("2024-03-13")["total_cost"], 5.3)
        for period in ("month", "year"):
            h = self.costs("2024-03-13", period)
            self.assertEqual((h["total_cost"], h["total_by_tariff"]),
                             (42.4, {"T1": 30.4, "T2": 12,
                                     "no tariff": None}), period)

    def test_month_year_and_decade(self):
        m = self.costs("2024-03-20", "month")
        b = m["buckets"]
        self.assertEqual(len(b), 31)
        self.assertEqual([x["cost"] for x in b[3:11]],
                         [5.3] * 5 + [0, 0] + [5.3])
        self.assertEqual(b[8]["unpriced"], 24000)
        self.assertEqual(b[0]["by_tariff"], {})
        # Six weekdays and a weekend.
        self.assertEqual((m["total"], m["total_cost"], m["total_by_tariff"],
                          m["unpriced"], m["previous_total_cost"]),
                         (192000, 31.8,
                          {"T1": 22.8, "T2": 9, "no tariff": None}, 48000,
                          None))
        for period in ("year", "decade"):
            y = self.costs("2024-03-20", period)
            self.assertEqual((y["total_cost"], y["total_by_tariff"]),
                             (31.8, m["total_by_tariff"]), period)
        self.assertEqual(self.costs("2024-03-20", "year")["buckets"][2][
            "cost"], 31.8)

    def test_a_new_price_from_a_date(self):
        self.price(self.t2, "0.5", "--from", "2024-03-06")
        self.assertEqual(self.costs("2024-03-05")["total_cost"], 5.3)
        h = self.costs("2024-03-06")
        self.assertEqual((h["total_cost"], h["total_by_tariff"]),
                         (6.3, {"T1": 3.8, "T2": 2.5}))
        # 2 x 5.3 + 4 x 6.3 (from the month's day rows)
        self.assertEqual(self.costs("2024-03-01", "month")["total_cost"],
                         35.8)
        self.assertEqual(self.costs("2024-03-01", "year")["total_cost"],
                         35.8)

    def test_exact_money(self):
        self.ok("price", "delete", self.json("price", "list", "--tariff",
                                             self.t1)[0]["id"])
        self.price(self.t1, "0.123457")
        h = self.costs("2024-03-05")
        self.assertEqual(h["total_by_tariff"]["T1"], 2.345683)  # 19 x
        text = self.ok("consumption", "--scope", "device:%d" % self.d1,
                       "--period", "day", "--date", "2024-03-05", "--costs",
                       "--json")
        self.assertIn('"T1": 2.345683', text)
        self.assertIn('"total_cost": 3.845683,', text)

    def test_currency_setting(self):
        self.ok("settings", "set", "currency", "CHF")
        self.assertEqual(self.costs("2024-03-05")["currency"], "CHF")

    def test_text_output(self):
        out = self.ok("consumption", "--scope", "device:%d" % self.d1,
                      "--period", "day", "--date", "2024-03-05", "--costs")
        self.assertRegex(out, r"(?m)^start +value +cost +no tariff$")
        self.assertRegex(out, r"(?m)^2024-03-05T18:00:00\+01:00 +1000 Wh +"
                         r"0\.2 EUR$")
        self.assertRegex(out, r"(?m)^2024-03-05T19:00:00\+01:00 +1000 Wh +"
                         r"0\.3 EUR$")
        self.assertRegex(out, r"(?m)^cost +5\.3 EUR \(previous period: "
                         r"5\.3 EUR\)$")
        self.assertRegex(out, r"(?m)^T1 +19000 Wh +3\.8 EUR$")
        out = self.ok("consumption", "--scope", "device:%d" % self.d1,
                      "--period", "day", "--date", "2024-03-09", "--costs")
        self.assertRegex(out, r"(?m)^2024-03-09T10:00:00\+01:00 +1000 Wh +"
                         r"0 EUR +1000 Wh$")
        self.assertRegex(out, r"(?m)^no tariff +24000 Wh +-$")
        # Without --costs, nothing of costs.
        out = self.ok("consumption", "--scope", "device:%d" % self.d1,
                      "--period", "day", "--date", "2024-03-05")
        self.assertNotIn("EUR", out)
        h = self.json("consumption", "--scope", "device:%d" % self.d1,
                      "--period", "day", "--date", "2024-03-05")
        self.assertNotIn("total_cost", h)
        self.assertNotIn("cost", h["buckets"][0])

    def test_split(self):
        # A main meter excluded from totals, in Others with m1: Others'
        # item of the split counts m1 only, and costs what m1 costs.
        main = self.meter(self.gw, 2, "main", "--exclude-totals")
        self.counters(main, "active_energy_import", 5000)
        h = self.costs("2024-03-01", "month", "site", "--split", "load")
        self.assertEqual(h["total_cost"], 31.8)
        self.assertTrue(h["split"])
        for s in h["split"]:
            self.assertEqual(list(s), ["id", "name", "total",
                                       "previous_total", "estimated",
                                       "cost"])
        self.assertEqual(sum(s["cost"] for s in h["split"]), 31.8)
        others = [s for s in h["split"] if s["total"]]
        self.assertEqual([(s["total"], s["cost"]) for s in others],
                         [(192000, 31.8)])
        # The load's own histogram counts the main meter too.
        whole = self.costs("2024-03-01", "month",
                           "load:%d" % others[0]["id"])
        self.assertEqual((whole["total"], whole["total_cost"]),
                         (6 * 192000, 6 * 31.8))
        out = self.ok("consumption", "--scope", "site", "--period", "month",
                      "--date", "2024-03-01", "--costs", "--split", "load")
        self.assertRegex(out, r"(?m)^%d +Others +192000 Wh +- +31\.8 EUR$"
                         % others[0]["id"])
        out = self.ok("consumption", "--scope", "site", "--period", "month",
                      "--date", "2024-03-01", "--costs", "--split", "group")
        self.assertIn("cost", out)

    def test_overall(self):
        self.ok("price", "add", "--commodity", "water", "--price", "2")
        o = self.json("consumption", "overall", "--period", "month",
                      "--date", "2024-03-01", "--costs")
        self.assertEqual(list(o)[-9:], ["currency", "electricity_cost",
                                        "gas_cost", "water_cost",
                                        "total_cost",
                                        "previous_electricity_cost",
                                        "previous_gas_cost",
                                        "previous_water_cost",
                                        "previous_total_cost"])
        self.assertEqual((o["currency"], o["electricity_cost"],
                          o["gas_cost"], o["water_cost"], o["total_cost"]),
                         ("EUR", 31.8, 0, 0, 31.8))
        # February has no data: no previous figure, no previous cost.
        self.assertEqual([o[k] for k in o if k.startswith("previous_")],
                         [None] * 8)
        self.assertNotIn("total_cost", self.json(
            "consumption", "overall", "--period", "month", "--date",
            "2024-03-01"))
        out = self.ok("consumption", "overall", "--period", "month",
                      "--date", "2024-03-01", "--costs")
        self.assertRegex(out, r"(?m)^total_cost +31\.8 EUR$")
        self.assertRegex(out, r"(?m)^previous_total_cost +-$")
        # Tuesday against Monday: 5.3 each.
        o = self.json("consumption", "overall", "--period", "day",
                      "--date", "2024-03-05", "--costs")
        self.assertEqual((o["electricity_wh"], o["previous_electricity_wh"],
                          o["previous_gas_dm3"], o["electricity_cost"],
                          o["previous_electricity_cost"],
                          o["previous_gas_cost"], o["previous_total_cost"]),
                         (24000, 24000, None, 5.3, 5.3, None, 5.3))
        out = self.ok("consumption", "overall", "--period", "day",
                      "--date", "2024-03-05", "--costs")
        self.assertRegex(out, r"(?m)^previous_electricity +24000 Wh$")
        self.assertRegex(out, r"(?m)^previous_gas +-$")
        self.assertRegex(out, r"(?m)^previous_total_cost +5\.3 EUR$")

    def test_compare_by_cost(self):
        gas = self.add("device", "add", "--gateway", self.gw, "--model",
                       "pulse_gas", "--address", 4, "--concentrator",
                       "F4CON12", "--position", 2, "--name", "gas")
        self.counters(gas, "volume", 1000)  # 1 m3 an hour
        self.ok("price", "add", "--commodity", "gas", "--price", "1.1")
        args = ["consumption", "compare", "--scope", "device:%d" % self.d1,
                "--with", "device:%d" % gas, "--period", "day", "--date",
                "2024-03-05"]
        r = self.run_ews(*args)
        self.assertEqual(r.returncode, 2, self.describe(args, r))
        self.assertIn(b"non-homogeneous", r.stderr)
        self.assertIn(b"--costs", r.stderr)
        c = self.json(*args, "--costs")
        self.assertEqual((c["a"]["commodity"], c["a"]["total_cost"]),
                         ("electricity", 5.3))
        self.assertEqual((c["b"]["commodity"], c["b"]["unit"],
                          c["b"]["total_cost"], c["b"]["total_by_tariff"]),
                         ("gas", "dm3", 26.4, {"DEFAULT": 26.4}))
        out = self.ok(*args, "--costs")
        self.assertRegex(out, r"(?m)^start +a cost +b cost$")
        self.assertRegex(out, r"(?m)^2024-03-05T20:00:00\+01:00 +0\.3 EUR +"
                         r"1\.1 EUR$")
        self.assertRegex(out, r"(?m)^device:%d cost +26\.4 EUR" % gas)
        # A pair of one commodity: values and costs.
        d2 = self.meter(self.gw, 2, "m2")
        args[5] = "device:%d" % d2
        c = self.json(*args, "--costs")
        self.assertEqual((c["a"]["total_cost"], c["b"]["total_cost"]),
                         (5.3, 0))
        out = self.ok(*args, "--costs")
        self.assertRegex(out, r"(?m)^start +a +a cost +b +b cost$")

    def test_usage(self):
        self.assert_usage("consumption", "measures", "--scope",
                          "device:%d" % self.d1, "--quantity",
                          "voltage_ln_l1", "--period", "day", "--date",
                          "2024-03-05", "--costs")
        self.assert_usage("consumption", "--scope", "site", "--period",
                          "day", "--date", "2024-03-05", "--costs=yes")
        out = self.ok("consumption", "--help", site=None)
        self.assertIn("--costs", out)
        self.assertIn("by_tariff", out)
        for verb in ("overall", "compare"):
            self.assertIn("--costs", self.ok("consumption", verb, "--help",
                                             site=None))
        r = self.run_ews("consumption", "--scope", "device:999", "--period",
                         "day", "--date", "2024-03-05", "--costs")
        self.assertEqual(r.returncode, 2, self.describe(["999"], r))
        self.assertIn(b"--scope", r.stderr)
