"""ACQ-4, NOT-4: GET /api/v1/events, the log of device status changes the
alarms page shows: each event with the names of its device and gateway,
filtered, in either order and a page at a time on the server, and every
bad parameter refused naming it."""
import json
import os
import sqlite3
import urllib.parse

from ewsdtest import Browser, Daemon, SharedDaemonCase, logged_in, run_ews

URL = "/api/v1/events"
T0 = 1795687200000  # 2026-11-26T10:00:00Z
UNKNOWN, ON, OFF, COMM_ERROR, STATION_FAILURE = range(5)
PARAMETERS = {"from", "to", "device", "status", "latest", "order", "limit",
              "before", "after"}


def populate(site):
    """Two meters on a gateway switched off (so that ewsd polls neither and
    records no event of its own), a third deleted with its own gateway,
    and their events written into site.db. Returns the ids."""
    gw = int(run_ews(site, "gateway", "add", "--name", "Workshop", "--ip",
                     "192.168.1.50"))
    old_gw = int(run_ews(site, "gateway", "add", "--name", "Old", "--ip",
                         "192.168.1.51"))
    m1 = int(run_ews(site, "device", "add", "--gateway", gw, "--model",
                     "eastron_sdm630", "--address", 5, "--name", "Boiler"))
    m2 = int(run_ews(site, "device", "add", "--gateway", gw, "--model",
                     "eastron_sdm630", "--address", 12, "--name", "Pumps"))
    gone = int(run_ews(site, "device", "add", "--gateway", old_gw,
                       "--model", "eastron_sdm630", "--address", 1))
    run_ews(site, "gateway", "off", gw)
    run_ews(site, "device", "delete", gone)
    run_ews(site, "gateway", "delete", old_gw)
    rows = [
        (T0, m1, gw, UNKNOWN, ON, ""),
        (T0, m2, gw, UNKNOWN, ON, ""),
        (T0 + 60000, m1, gw, ON, COMM_ERROR, "timeout after 1000 ms"),
        (T0 + 60000, gone, old_gw, ON, COMM_ERROR, "timeout after 1000 ms"),
        (T0 + 120000, m2, gw, ON, STATION_FAILURE, "fault \"E3\""),
        (T0 + 180000, m1, gw, COMM_ERROR, ON, ""),
    ]
    db = sqlite3.connect(os.path.join(site, "site.db"))
    with db:
        db.executemany(
            "INSERT INTO event (t_ms, device_id, gateway_id, old_status,"
            " new_status, reason) VALUES (?, ?, ?, ?, ?, ?)", rows)
        ids = [r[0] for r in db.execute("SELECT id FROM event ORDER BY id")]
    db.close()
    return {"gw": gw, "old_gw": old_gw, "m1": m1, "m2": m2, "gone": gone,
            "ids": ids}


class TestEvents(SharedDaemonCase):

    @classmethod
    def setUpClass(cls):
        cls.shared = Daemon()
        try:
            cls.ids = populate(cls.shared.site)
            cls.shared.start()
        except BaseException:
            cls.shared.cleanup()
            raise
        cls.user = logged_in(cls.shared, "user")

    def events(self, browser=None, **params):
        r = (browser or self.user).get(
            URL + ("?" + urllib.parse.urlencode(params) if params else ""))
        self.assertEqual(r.status, 200, r)
        return r.json()

    def ids_of(self, **params):
        return [e["id"] for e in self.events(**params)]

    def test_each_event_has_the_names_of_its_device_and_gateway(self):
        e = self.events()
        self.assertEqual(len(e), 6)
        i = self.ids
        self.assertEqual(e[2], {
            "id": i["ids"][2], "t_ms": T0 + 60000,
            "time": "2026-11-26T10:01:00Z",
            "device_id": i["m1"], "device_name": "Boiler",
            "device_address": 5,
            "gateway_id": i["gw"], "gateway_name": "Workshop",
            "old_status": "on", "new_status": "comm_error",
            "reason": "timeout after 1000 ms"})
        self.assertEqual((e[1]["device_name"], e[1]["device_address"]),
                         ("Pumps", 12))
        # Events outlive their device and gateway: no names then.
        self.assertEqual(
            {k: e[3][k] for k in ("device_id", "device_name",
                                  "device_address", "gateway_id",
                                  "gateway_name")},
            {"device_id": i["gone"], "device_name": None,
             "device_address": None, "gateway_id": i["old_gw"],
             "gateway_name": None})

    def test_the_same_as_ews_events_list(self):
        out = run_ews(self.shared.site, "events", "list", "--json")
        self.assertEqual(json.loads(out), self.events())

    def test_oldest_first_by_default_newest_first_with_order_desc(self):
        ids = self.ids["ids"]
        self.assertEqual(self.ids_of(), ids)
        self.assertEqual(self.ids_of(order="asc"), ids)
        self.assertEqual(self.ids_of(order="desc"), ids[::-1])

    def test_filters_device_status_period_and_latest(self):
        ids, m1, m2 = self.ids["ids"], self.ids["m1"], self.ids["m2"]
        self.assertEqual(self.ids_of(device=m1), [ids[0], ids[2], ids[5]])
        self.assertEqual(self.ids_of(device=self.ids["gone"]), [ids[3]])
        self.assertEqual(self.ids_of(device=m2 + 100), [])
        self.assertEqual(self.ids_of(status="comm_error"), [ids[2], ids[3]])
        self.assertEqual(self.ids_of(status="comm_error,station_failure",
                                     order="desc"),
                         [ids[4], ids[3], ids[2]])
        self.assertEqual(self.ids_of(status="off"), [])
        self.assertEqual(self.ids_of(device=m1, status="on"),
                         [ids[0], ids[5]])
        # from inclusive, to exclusive, with an offset
        self.assertEqual(self.ids_of(**{"from": "2026-11-26T10:01:00Z",
                                        "to": "2026-11-26T11:03:00+01:00"}),
                         [ids[2], ids[3], ids[4]])
        # Each device's latest event: the devices the log has.
        latest = self.events(latest=1)
        self.assertEqual([e["id"] for e in latest], [ids[3], ids[4], ids[5]])
        self.assertEqual([e["device_name"] for e in latest],
                         [None, "Pumps", "Boiler"])
        self.assertEqual(self.ids_of(latest=1, to="2026-11-26T10:01:00Z"),
                         [ids[0], ids[1]])
        self.assertEqual(self.ids_of(latest=0), ids)

    def test_pages_with_limit_and_a_cursor(self):
        ids = self.ids["ids"]
        for order, cursor, want in (("desc", "before", ids[::-1]),
                                    ("asc", "after", ids)):
            with self.subTest(order=order):
                seen, params = [], {"order": order, "limit": 4}
                while True:
                    page = self.ids_of(**params)
                    self.assertLessEqual(len(page), 4)
                    seen += page
                    if len(page) < 4:
                        break
                    params[cursor] = page[-1]
                self.assertEqual(seen, want)
        # A cursor with filters, and both cursors at once.
        self.assertEqual(self.ids_of(order="desc", status="on",
                                     before=ids[5], limit=1), [ids[1]])
        self.assertEqual(self.ids_of(after=ids[0], before=ids[4]),
                         [ids[1], ids[2], ids[3]])
        self.assertEqual(self.ids_of(limit=1000), ids)

    def test_bad_parameters_are_400_naming_them(self):
        ids = self.ids["ids"]
        missing = max(ids) + 1000
        for name, value in (("device", "0"), ("device", "x"),
                            ("device", "-1"), ("status", "bogus"),
                            ("status", "on,"), ("status", ""),
                            ("status", "ON"), ("latest", "yes"),
                            ("order", "newest"), ("limit", "0"),
                            ("limit", "1001"), ("limit", "ten"),
                            ("before", "x"), ("before", "0"),
                            ("before", str(missing)),
                            ("after", str(missing)),
                            ("from", "yesterday"), ("to", "2026-13-01"),
                            ("kind", "on"), ("page", "2")):
            with self.subTest(name=name, value=value):
                r = self.user.get(URL + "?" + urllib.parse.urlencode(
                    {name: value}))
                self.assert_error(r, 400, "bad_field", name)

    def test_every_documented_parameter_is_taken(self):
        doc = Browser(self.shared).get("/api/v1/openapi.json").json()
        params = {p["name"] for p in doc["paths"][URL]["get"]["parameters"]}
        self.assertEqual(params, PARAMETERS)

    def test_a_user_with_only_the_alarms_page_gets_the_names(self):
        admin = logged_in(self.shared, "administrator")
        r = admin.post("/api/v1/users", {
            "name": "watch", "pin": "2718281", "puk": "16180339887",
            "pages": ["alarms"]})
        self.assertEqual(r.status, 201, r)
        b = Browser(self.shared)
        self.assertEqual(b.login("2718281", "16180339887").status, 200)
        self.assert_error(b.get("/api/v1/devices"), 403, "forbidden")
        self.assert_error(b.get("/api/v1/gateways"), 403, "forbidden")
        e = self.events(browser=b, device=self.ids["m2"], order="desc",
                        limit=1)
        self.assertEqual([(x["device_name"], x["device_address"],
                           x["gateway_name"]) for x in e],
                         [("Pumps", 12, "Workshop")])


class TestEventsLimit(SharedDaemonCase):
    """An answer holds 1000 events at most: the rest a page away."""

    @classmethod
    def setUpClass(cls):
        cls.shared = Daemon()
        try:
            gw = int(run_ews(cls.shared.site, "gateway", "add", "--name",
                             "gw", "--ip", "192.168.1.60"))
            dev = int(run_ews(cls.shared.site, "device", "add", "--gateway",
                              gw, "--model", "eastron_sdm630", "--address",
                              3))
            run_ews(cls.shared.site, "gateway", "off", gw)
            db = sqlite3.connect(os.path.join(cls.shared.site, "site.db"))
            with db:
                db.executemany(
                    "INSERT INTO event (t_ms, device_id, gateway_id,"
                    " old_status, new_status, reason)"
                    " VALUES (?, ?, ?, ?, ?, '')",
                    [(T0 + 1000 * n, dev, gw, (ON, COMM_ERROR)[n % 2],
                      (COMM_ERROR, ON)[n % 2]) for n in range(1205)])
            db.close()
            cls.shared.start()
        except BaseException:
            cls.shared.cleanup()
            raise
        cls.user = logged_in(cls.shared, "user")

    def test_at_most_1000_by_default_then_the_next_page(self):
        r = self.user.get(URL)
        self.assertEqual(r.status, 200, r)
        first = r.json()
        self.assertEqual(len(first), 1000)
        self.assertEqual(first[0]["t_ms"], T0)
        r = self.user.get("%s?after=%d" % (URL, first[-1]["id"]))
        rest = r.json()
        self.assertEqual(len(rest), 205)
        self.assertEqual(rest[-1]["t_ms"], T0 + 1204 * 1000)
        r = self.user.get(URL + "?order=desc&limit=3")
        self.assertEqual([e["t_ms"] for e in r.json()],
                         [T0 + 1000 * n for n in (1204, 1203, 1202)])
