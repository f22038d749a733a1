"""CON-3..5, CON-8: GET /api/v1/consumption with split and costs, where
each item of a split costs what its total counts; CON-4: the overall view
with the period before it ("this month vs last month"). The answers are
those of `ews consumption … --json` (one shape, one library call)."""
import datetime
import json
import os
import tempfile

from ewsdtest import (Browser, Daemon, SharedDaemonCase, logged_in,
                      run_ews)

UTC = datetime.timezone.utc
START = datetime.datetime(2024, 3, 31, tzinfo=UTC)  # 48 hours from here
DAY = "2024-04-01"  # its previous day, 31 March, has the same data


def populate(site, tmp):
    """A UTC site, electricity at a flat 0.20 a kWh and gas at 1.10 a m3:
    in Others a main meter excluded from totals (10 kWh an hour) and an
    auxiliary meter (1 kWh); in the load Kitchen a meter (2 kWh) and a
    sub-meter excluded from totals (4 kWh), both in the group Floor.
    Electricity on 31 March and 1 April 2024, gas (1 m3 an hour) on
    1 April only, no water. Returns {name: id}."""
    ids = {}
    gw = int(run_ews(site, "gateway", "add", "--name", "gw1", "--ip",
                     "192.168.1.50"))
    ids["kitchen"] = int(run_ews(site, "load", "add", "--name", "Kitchen"))
    ids["floor"] = int(run_ews(site, "group", "add", "--name", "Floor"))
    meters = (("main", 1, ["--exclude-totals"], 10000),
              ("aux", 2, [], 1000),
              ("kit", 3, ["--load", ids["kitchen"], "--group",
                          ids["floor"]], 2000),
              ("sub", 4, ["--load", ids["kitchen"], "--group",
                          ids["floor"], "--exclude-totals"], 4000))
    rows = []
    for name, address, opts, wh in meters:
        ids[name] = int(run_ews(site, "device", "add", "--gateway", gw,
                                "--model", "eastron_sdm630", "--address",
                                address, "--name", name, *opts))
        for i in range(48 + 1):
            t = START + datetime.timedelta(hours=i)
            rows.append("%d,%s,active_energy_import,%d" % (
                ids[name], t.strftime("%Y-%m-%dT%H:%M:%SZ"), wh * i))
    ids["gas"] = int(run_ews(site, "device", "add", "--gateway", gw,
                             "--model", "pulse_gas", "--address", 5,
                             "--concentrator", "F4CON12", "--position", 2,
                             "--name", "gas"))
    for i in range(24 + 1):
        t = START + datetime.timedelta(days=1, hours=i)
        rows.append("%d,%s,volume,%d" % (
            ids["gas"], t.strftime("%Y-%m-%dT%H:%M:%SZ"), 1000 * i))
    path = os.path.join(tmp, "counters.csv")
    with open(path, "w") as f:
        f.write("device,timestamp,quantity,value\n")
        f.write("\n".join(rows) + "\n")
    run_ews(site, "samples", "import", path)
    run_ews(site, "price", "add", "--commodity", "electricity", "--price",
            "0.2")
    run_ews(site, "price", "add", "--commodity", "gas", "--price", "1.1")
    return ids


class TestConsumption(SharedDaemonCase):

    @classmethod
    def setUpClass(cls):
        cls.shared = Daemon()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                cls.ids = populate(cls.shared.site, tmp)
            cls.shared.start()
        except BaseException:
            cls.shared.cleanup()
            raise
        cls.user = logged_in(cls.shared, "user")

    def get(self, path, **query):
        q = "&".join("%s=%s" % kv for kv in query.items())
        r = self.user.get("/api/v1/consumption%s?%s" % (path, q))
        self.assertEqual(r.status, 200, r)
        return r.json()

    def cli(self, *args):
        return json.loads(run_ews(self.shared.site, "consumption", *args,
                                  "--json"))

    def schema(self, name):
        doc = Browser(self.shared).get("/api/v1/openapi.json").json()
        return doc["components"]["schemas"][name]

    def test_a_load_split_costs_what_it_counts(self):
        h = self.get("", scope="site", period="day", date=DAY,
                     split="load", costs=1)
        self.assertEqual((h["total"], h["total_cost"]), (72000, 14.4))
        split = {s["name"]: (s["total"], s["cost"]) for s in h["split"]}
        # The excluded meters are in neither the totals nor the costs
        # (their whole loads would cost 52.8 and 28.8).
        self.assertEqual(split, {"Others": (24000, 4.8),
                                 "Kitchen": (48000, 9.6)})
        self.assertEqual(round(sum(s["cost"] for s in h["split"]), 6),
                         h["total_cost"])
        for s in h["split"]:
            # Each item costs what its counted devices cost.
            counted = ["aux"] if s["name"] == "Others" else ["kit"]
            cost = sum(self.get("", scope="device", id=self.ids[d],
                                period="day", date=DAY,
                                costs=1)["total_cost"] for d in counted)
            self.assertEqual(s["cost"], cost, s["name"])
        # A load's own histogram counts every device of it.
        whole = self.get("", scope="load", id=self.ids["kitchen"],
                         period="day", date=DAY, costs=1)
        self.assertEqual((whole["total"], whole["total_cost"]),
                         (144000, 28.8))
        # Months split the same way (from their rows' cost columns).
        m = self.get("", scope="site", period="month", date=DAY,
                     split="load", costs=1)
        self.assertEqual([(s["name"], s["cost"]) for s in m["split"]],
                         [("Others", 4.8), ("Kitchen", 9.6)])
        # The CLI gives the same answer.
        self.assertEqual(self.cli("--scope", "site", "--period", "day",
                                  "--date", DAY, "--split", "load",
                                  "--costs"), h)

    def test_a_group_split_costs_every_device(self):
        h = self.get("", scope="site", period="day", date=DAY,
                     split="group", costs=1)
        self.assertEqual([(s["name"], s["total"], s["cost"])
                          for s in h["split"]],
                         [("Floor", 144000, 28.8)])
        g = self.get("", scope="group", id=self.ids["floor"], period="day",
                     date=DAY, costs=1)
        self.assertEqual(g["total_cost"], 28.8)

    def test_overall_with_the_period_before(self):
        o = self.get("/overall", period="month", date=DAY, costs=1)
        self.assertEqual(o, {
            "period": "month", "start": "2024-04-01T00:00:00Z",
            "electricity_wh": 72000, "gas_dm3": 24000,
            "gas_kwh_equiv": 0, "water_dm3": 0, "estimated": False,
            # March: electricity only; null is "nothing recorded"
            "previous_electricity_wh": 48000 + 24000,
            "previous_gas_dm3": None, "previous_gas_kwh_equiv": None,
            "previous_water_dm3": None,
            "currency": "EUR", "electricity_cost": 14.4, "gas_cost": 26.4,
            "water_cost": 0, "total_cost": 40.8,
            "previous_electricity_cost": 14.4, "previous_gas_cost": None,
            "previous_water_cost": None, "previous_total_cost": 14.4})
        # Yesterday: the previous day's figures are the overall of that
        # day; without costs=1, no cost at all.
        d = self.get("/overall", period="day", date=DAY)
        before = self.get("/overall", period="day", date="2024-03-31")
        self.assertEqual((d["previous_electricity_wh"],
                          d["previous_gas_dm3"]),
                         (before["electricity_wh"], None))
        self.assertNotIn("previous_total_cost", d)
        self.assertEqual(before["previous_electricity_wh"], None)
        # The CLI gives the same answer.
        self.assertEqual(self.cli("overall", "--period", "month", "--date",
                                  DAY, "--costs"), o)
        # openapi.json describes every field of the answer.
        props = self.schema("Overall")["properties"]
        self.assertEqual([k for k in o if k not in props], [])

    def test_split_items_are_described(self):
        h = self.get("", scope="site", period="day", date=DAY,
                     split="load", costs=1)
        props = self.schema("SplitItem")["properties"]
        for s in h["split"]:
            self.assertEqual([k for k in s if k not in props], [])
