"""Every refusal names the request's own field (docs/api.md "Answers"):
where libews names a value after its struct's field ("register", "load",
"meter_device_id"), ewsd answers with the body's key ("reg_address",
"load_id", "meter"), in error.field and at the start of the message, so a
client shows it next to the form field of that name. And INS-5 through
ewsd: a gateway whose connect is never answered tests as a timeout.
"""
import os
import sys

from ewsdtest import SharedDaemonCase, logged_in

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "peers"))
from ports import closed_port, silent_port  # noqa: E402

GENERIC = {"model": "generic_modbus_meter", "address": 10, "read_code": 4,
           "reg_address": 72, "reg_words": 2, "multiplier": 0.001}
SDM630 = "eastron_sdm630"


class TestFieldNames(SharedDaemonCase):
    """POST/PUT bodies of devices, gateways, labels, rules and Green'Up's
    setup with one bad value each: error.field is the body's key."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = logged_in(cls.shared, "administrator")
        # Gateways nothing listens behind: acquisition, if a cycle falls
        # due meanwhile, is refused at once.
        cls.gw = cls.created(cls.admin.post("/api/v1/gateways", {
            "name": "fields", "ip": "127.0.0.1", "port": closed_port()}))
        cls.other_gw = cls.created(cls.admin.post("/api/v1/gateways", {
            "name": "fields-other", "ip": "127.0.0.1",
            "port": closed_port()}))

    @staticmethod
    def created(r):
        if r.status != 201:
            raise AssertionError("not created: %r" % r)
        return r.json()["id"]

    def add_meter(self, gw, address, name):
        return self.created(self.admin.post("/api/v1/devices", {
            "gateway_id": gw, "model": SDM630, "address": address,
            "name": name}))

    def assert_names(self, r, status, field):
        """A refusal of `status` naming `field` in error.field and first
        in its message."""
        e = self.assert_error(r, status, field=field)
        self.assertTrue(e["message"].startswith(field + ": "), r)
        return e

    def devices(self):
        r = self.assert_status(self.admin.get("/api/v1/devices"), 200)
        return sorted(d["id"] for d in r.json())

    def test_device_fields_are_the_bodys(self):
        before = self.devices()
        for change, status, field in (
                ({"reg_address": 0x10000}, 422, "reg_address"),
                ({"reg_address": "0x1FFFF"}, 422, "reg_address"),
                ({"reg_words": 3}, 422, "reg_words"),
                ({"reg_type": "u16"}, 422, "reg_type"),  # 1 word, not 2
                ({"reg_type": "u128"}, 400, "reg_type"),
                ({"reg_word_order": "middle"}, 400, "reg_word_order"),
                ({"load_id": 99999}, 404, "load_id"),
                ({"gateway_id": 99999}, 404, "gateway_id"),
                ({"model": SDM630, "read_code": 0, "reg_words": 0,
                  "multiplier": 0}, 422, "reg_address"),
                ({"model": "wsmeasure", "remote_id": 10001}, 422,
                 "gateway_id")):
            body = dict(GENERIC, gateway_id=self.gw)
            body.update(change)
            with self.subTest(change=change):
                self.assert_names(self.admin.post("/api/v1/devices", body),
                                  status, field)
        self.assertEqual(self.devices(), before)

    def test_a_changed_device_names_the_bodys_fields(self):
        dev = self.add_meter(self.gw, 21, "fields-put")
        path = "/api/v1/devices/%d" % dev
        for change, status, field in (
                ({"load_id": 99999}, 404, "load_id"),
                ({"gateway_id": 99999}, 404, "gateway_id"),
                ({"reg_address": 72}, 422, "reg_address")):
            with self.subTest(change=change):
                self.assert_names(self.admin.put(path, change), status,
                                  field)
        # The path's device is libews's "device", as before.
        self.assert_error(self.admin.put("/api/v1/devices/99999",
                                         {"name": "x"}),
                          404, "not_found", "device")
        d = self.assert_status(self.admin.get(path), 200).json()
        self.assertEqual((d["load_id"], d["gateway_id"]), (None, self.gw))

    def test_switching_on_under_an_off_gateway_names_enabled(self):
        gw = self.created(self.admin.post("/api/v1/gateways", {
            "name": "fields-off", "ip": "127.0.0.1",
            "port": closed_port()}))
        dev = self.add_meter(gw, 1, "fields-on")
        self.assert_status(self.admin.put("/api/v1/gateways/%d" % gw,
                                          {"enabled": False}), 204)
        path = "/api/v1/devices/%d" % dev
        # ON/OFF alone (libews refuses it as "device") and within a change
        # of other fields (ewsd refuses it): both name "enabled".
        for body in ({"enabled": True}, {"enabled": True, "name": "x"}):
            with self.subTest(body=body):
                self.assert_error(self.admin.put(path, body), 409,
                                  "denied", "enabled")
        self.assertFalse(self.admin.get(path).json()["enabled"])

    def test_gateway_references_are_the_bodys_ids(self):
        r = self.admin.post("/api/v1/gateways", {
            "name": "fields-board", "ip": "127.0.0.1", "board_id": 99999})
        self.assert_names(r, 404, "board_id")
        path = "/api/v1/gateways/%d" % self.gw
        self.assert_names(self.admin.put(path, {"board_id": 99999}), 404,
                          "board_id")
        elsewhere = self.add_meter(self.other_gw, 31, "fields-eq")
        self.assert_names(self.admin.put(path, {"eq_device_id": elsewhere}),
                          404, "eq_device_id")
        self.assertIsNone(self.admin.get(path).json()["eq_device_id"])

    def test_labels_name_the_kind_and_the_number(self):
        # An SDM630 has no inputs or outputs to label: the path's kind is
        # refused; a number over 16 is refused as the path's number.
        dev = self.add_meter(self.gw, 41, "fields-labels")
        for kind in ("input", "output"):
            path = "/api/v1/devices/%d/labels/%s/" % (dev, kind)
            with self.subTest(kind=kind):
                self.assert_names(self.admin.put(path + "3", {"label": "x"}),
                                  422, "kind")
                self.assert_names(self.admin.get(path + "3"), 422, "kind")
                self.assert_names(self.admin.put(path + "17",
                                                 {"label": "x"}),
                                  422, "number")

    def test_rule_fields_are_the_bodys(self):
        tariff = self.created(self.admin.post("/api/v1/tariffs", {
            "commodity": "electricity", "name": "Fields"}))
        gas = self.created(self.admin.post("/api/v1/tariffs", {
            "commodity": "gas", "name": "Fields gas"}))
        for body, status, field in (
                ({"tariff_id": 99999, "commodity": "electricity"}, 404,
                 "tariff_id"),
                ({"tariff_id": 99999}, 404, "tariff_id"),
                ({"tariff_id": gas, "commodity": "electricity"}, 422,
                 "tariff_id"),
                ({"tariff_id": tariff, "days": []}, 422, "days"),
                # 2024-03-05 is a Tuesday: the rule could never be true
                ({"tariff_id": tariff, "date": "2024-03-05",
                  "days": ["mon"]}, 422, "days")):
            with self.subTest(body=body):
                self.assert_names(self.admin.post("/api/v1/rules", body),
                                  status, field)
        rule = self.created(self.admin.post("/api/v1/rules",
                                            {"tariff_id": tariff}))
        path = "/api/v1/rules/%d" % rule
        self.assert_names(self.admin.put(path, {"days": []}), 422, "days")
        self.assert_names(self.admin.put(path, {"tariff_id": 99999}), 404,
                          "tariff_id")
        # The newest rule is the last one: it cannot move down.
        self.assert_names(self.admin.post(path + "/move",
                                          {"direction": "down"}),
                          422, "direction")

    def test_greenup_setup_keys_are_the_bodys(self):
        before = self.assert_status(self.admin.get("/api/v1/evse/config"),
                                    200).json()
        for body, status, field in (({"meter": 99999}, 404, "meter"),
                                    ({"period_s": 0.05}, 422, "period_s")):
            with self.subTest(body=body):
                self.assert_names(self.admin.put("/api/v1/evse/config",
                                                 body), status, field)
        self.assertEqual(self.admin.get("/api/v1/evse/config").json(),
                         before)


class TestGatewayTest(SharedDaemonCase):
    """INS-5: POST /api/v1/gateways/{id}/test says how the connect went."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = logged_in(cls.shared, "administrator")

    def gateway(self, name, port):
        r = self.admin.post("/api/v1/gateways", {
            "name": name, "ip": "127.0.0.1", "port": port})
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def test_an_unanswered_connect_is_a_timeout(self):
        # Not "io" with "Operation now in progress": the connect did not
        # complete within the gateway's timeout (1 s on TCP).
        port, keep = silent_port()
        try:
            gw = self.gateway("silent", port)
            r = self.admin.post("/api/v1/gateways/%d/test" % gw)
            self.assertEqual(r.status, 200, r)
            doc = r.json()
            self.assertEqual((doc["outcome"], doc["message"]),
                             ("timeout", "timeout after 1000 ms"), doc)
            self.assertIsNone(doc["round_trip_ms"])
        finally:
            for k in keep:
                k.close()

    def test_a_refused_connect_is_refused(self):
        gw = self.gateway("refusing", closed_port())
        r = self.admin.post("/api/v1/gateways/%d/test" % gw)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["outcome"], "refused", r)
