"""Tests of ews: every verb of gateway, device, load, group, board and
the JSON output."""
import json
import os
import sys
import time

from clitest import GENERIC, LISTINGS, SDM630, EwsTestCase, is_id

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "peers"))
from ports import closed_port, silent_port  # noqa: E402


class TestGateway(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def test_add_list_show(self):
        gw = self.gateway("panel-1", "192.168.1.50", "--port", "1502",
                          "--description", "first floor")
        self.assertTrue(gw > 1)
        gws = self.json("gateway", "list")
        self.assertEqual([g["id"] for g in gws], [1, gw])
        g = self.json("gateway", "show", gw)
        self.assertEqual(g, gws[1])
        self.assertEqual(g, {
            "id": gw, "kind": "physical", "name": "panel-1",
            "ip": "192.168.1.50", "port": 1502,
            "description": "first floor", "board_id": None,
            "eq_device_id": None, "enabled": True})
        table = self.ok("gateway", "list")
        lines = table.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(lines[0].startswith("ID"))
        # Aligned: every column starts at the same offset on every line.
        col = lines[0].index("NAME")
        self.assertEqual(lines[2][col:col + 7], "panel-1")
        self.assertNotRegex(table, r" \n")
        show = self.ok("gateway", "show", gw)
        self.assertRegex(show, r"(?m)^name +panel-1$")
        self.assertRegex(show, r"(?m)^port +1502$")

    def test_default_port_and_ipv6(self):
        gw = self.gateway("v6", "fe80::1")
        g = self.json("gateway", "show", gw)
        self.assertEqual(g["port"], 502)
        self.assertEqual(g["ip"], "fe80::1")

    def test_virtual_gateway(self):
        gw = self.gateway("slave", "10.0.0.9", "--virtual")
        self.assertEqual(self.json("gateway", "show", gw)["kind"], "virtual")

    def test_board_reference(self):
        board = self.add("board", "add", "--name", "Main board")
        gw = self.gateway("gw", "10.0.0.2", "--board", board)
        self.assertEqual(self.json("gateway", "show", gw)["board_id"], board)
        self.ok("gateway", "set", gw, "--board", "0")
        self.assertIsNone(self.json("gateway", "show", gw)["board_id"])
        self.assert_refused(r"board", "gateway", "set", gw, "--board", 999)

    def test_set(self):
        gw = self.gateway()
        self.ok("gateway", "set", gw, "--name", "renamed", "--ip",
                "10.9.9.9", "--port", "5020", "--description", "moved")
        g = self.json("gateway", "show", gw)
        self.assertEqual((g["name"], g["ip"], g["port"], g["description"]),
                         ("renamed", "10.9.9.9", 5020, "moved"))
        self.assertEqual(self.ok("gateway", "set", gw, "--name", "x"), "")
        g2 = self.json("gateway", "show", gw)
        self.assertEqual(g2["ip"], "10.9.9.9")  # untouched fields stay

    def test_local_can_be_renamed_and_switched_off(self):
        self.ok("gateway", "set", 1, "--name", "RS485")
        self.assertEqual(self.json("gateway", "show", 1)["name"], "RS485")
        self.ok("gateway", "off", 1)
        self.assertFalse(self.json("gateway", "show", 1)["enabled"])
        self.ok("gateway", "on", 1)
        self.assertTrue(self.json("gateway", "show", 1)["enabled"])

    def test_eq_device(self):
        gw = self.gateway()
        dev = self.meter(gw, 1, "m1")
        r = self.run_ews("gateway", "set", gw, "--eq-device", dev)
        if r.returncode == 0:
            g = self.json("gateway", "show", gw)
            self.assertEqual(g["eq_device_id"], dev)
            self.ok("gateway", "set", gw, "--eq-device", 0)
            self.assertIsNone(self.json("gateway", "show", gw)[
                "eq_device_id"])
        else:  # the model lacks THD/harmonics: a refusal naming the field
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(b"eq_device", r.stderr)

    def test_off_turns_its_devices_off(self):
        gw = self.gateway()
        other = self.gateway("gw2", "192.168.1.51")
        d1 = self.meter(gw, 1, "m1")
        d2 = self.meter(gw, 2, "m2")
        d3 = self.meter(other, 1, "m3")
        self.ok("gateway", "off", gw)
        devs = {d["id"]: d for d in self.json("device", "list")}
        self.assertFalse(devs[d1]["enabled"])
        self.assertFalse(devs[d2]["enabled"])
        self.assertTrue(devs[d3]["enabled"])
        self.assertFalse(self.json("gateway", "show", gw)["enabled"])
        # A device of an OFF gateway cannot be switched on.
        self.assert_refused(r"ews: \w+", "device", "on", d1)

    def test_delete(self):
        gw = self.gateway()
        self.assertEqual(self.ok("gateway", "delete", gw), "")
        self.assertEqual([g["id"] for g in self.json("gateway", "list")],
                         [1])
        self.assert_refused(r"ews: gateway: ", "gateway", "show", gw)
        self.assert_refused(r"ews: gateway: ", "gateway", "delete", gw)

    def test_unknown_id(self):
        for verb in ("show", "on", "off", "delete"):
            self.assert_refused(r"ews: gateway: ", "gateway", verb, 42)
        self.assert_refused(r"ews: gateway: ", "gateway", "set", 42,
                            "--name", "x")

    def test_test_outcomes_timeout_refused_off(self):
        # INS-5: `ews gateway test` exits 3 when the round trip fails and
        # says how: a connect not answered within the gateway's timeout
        # (1 s) is a timeout, not "Operation now in progress"; a closed
        # port is refused; an OFF gateway is not testable (2).
        port, keep = silent_port()
        try:
            silent = self.gateway("silent", "127.0.0.1", "--port", port)
            t0 = time.monotonic()
            r = self.run_ews("gateway", "test", silent, "--json")
            self.assertGreaterEqual(time.monotonic() - t0, 0.9)
            self.assertEqual(r.returncode, 3, self.describe(["test"], r))
            out = json.loads(r.stdout)
            self.assertEqual((out["outcome"], out["message"],
                              out["round_trip_ms"]),
                             ("timeout", "timeout after 1000 ms", None))
            r = self.run_ews("gateway", "test", silent)
            self.assertEqual(r.returncode, 3, self.describe(["test"], r))
            self.assertRegex(r.stdout.decode(), r"(?m)^outcome +timeout$")
            self.assertNotIn(b"in progress", r.stdout)
        finally:
            for k in keep:
                k.close()
        refusing = self.gateway("refusing", "127.0.0.1", "--port",
                                closed_port())
        r = self.run_ews("gateway", "test", refusing, "--json")
        self.assertEqual(r.returncode, 3, self.describe(["test"], r))
        self.assertEqual(json.loads(r.stdout)["outcome"], "refused")
        self.ok("gateway", "off", refusing)
        r = self.run_ews("gateway", "test", refusing, "--json")
        self.assertEqual(r.returncode, 2, self.describe(["test"], r))
        self.assertEqual(json.loads(r.stdout)["outcome"], "off")


class TestDevice(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.gw = self.gateway()

    def test_add_list_show(self):
        load = self.add("load", "add", "--name", "Workshop")
        g1 = self.add("group", "add", "--name", "G1")
        g2 = self.add("group", "add", "--name", "G2")
        dev = self.meter(self.gw, 7, "Main", "--load", load, "--group", g1,
                         "--group", g2, "--exclude-totals",
                         "--exclude-alerts")
        d = self.json("device", "show", dev)
        self.assertEqual(self.json("device", "list"), [d])
        expect = {
            "id": dev, "gateway_id": self.gw, "model": SDM630,
            "name": "Main", "address": 7, "ems_interface": 0,
            "position": 0, "concentrator": "", "side": 0, "phase": 0,
            "load_id": load, "group_ids": [g1, g2], "exclude_totals": True,
            "exclude_alerts": True, "enabled": True}
        for k, v in expect.items():
            self.assertEqual(d[k], v, k)
        for k in ("supply", "read_code", "reg_address", "reg_words",
                  "multiplier", "reg_type", "reg_word_order", "remote_id"):
            self.assertIn(k, d)
        table = self.ok("device", "list")
        self.assertRegex(table, r"(?m)^ID +GATEWAY_ID +ADDRESS")
        self.assertIn("Main", table)
        show = self.ok("device", "show", dev)
        self.assertRegex(show, r"(?m)^group_ids +%d,%d$" % (g1, g2))

    def test_default_name_and_no_load(self):
        dev = self.add("device", "add", "--gateway", self.gw, "--model",
                       SDM630, "--address", 12)
        d = self.json("device", "show", dev)
        self.assertEqual(d["name"], "12")
        self.assertIsNone(d["load_id"])
        self.assertEqual(d["group_ids"], [])

    def test_model_by_catalogue_number(self):
        dev = self.add("device", "add", "--gateway", self.gw, "--model",
                       "F3N200", "--address", 3, "--name", "btdin")
        self.assertIn(self.json("device", "show", dev)["model"],
                      ("F3N200", "btdin_f3n200"))

    def test_ems_remote_addressing(self):
        dev = self.add("device", "add", "--gateway", self.gw, "--model",
                       "ems_f80bmt", "--address", "2-1", "--supply",
                       "downstream", "--name", "ems")
        d = self.json("device", "show", dev)
        self.assertEqual((d["address"], d["ems_interface"]), (2, 1))
        self.assertEqual(d["supply"], "downstream")
        self.assertRegex(self.ok("device", "show", dev),
                         r"(?m)^address +2-1$")
        self.ok("device", "set", dev, "--address", "3")
        d = self.json("device", "show", dev)
        self.assertEqual((d["address"], d["ems_interface"]), (3, 0))

    def test_pulse_meter_on_a_concentrator(self):
        dev = self.add("device", "add", "--gateway", self.gw, "--model",
                       "pulse_gas", "--address", 4, "--concentrator",
                       "F4CON12", "--position", 2, "--name", "gas")
        d = self.json("device", "show", dev)
        self.assertEqual((d["concentrator"], d["position"]), ("F4CON12", 2))
        gas = [c for c in self.json("load", "list") if c["origin"] == "gas"]
        self.assertEqual(d["load_id"], gas[0]["id"])
        # The same position on the same concentrator is taken.
        self.assert_refused(r"ews: (position|address)", "device", "add",
                            "--gateway", self.gw, "--model", "pulse_gas",
                            "--address", 4, "--concentrator", "F4CON12",
                            "--position", 2, "--name", "gas2")

    def test_two_sided_single_phase_station(self):
        dev = self.add("device", "add", "--gateway", self.gw, "--model",
                       "greenup_0590_32", "--address", 20, "--side", 2,
                       "--phase", "L3", "--name", "ev")
        d = self.json("device", "show", dev)
        self.assertEqual((d["side"], d["phase"]), (2, 3))
        self.assertRegex(self.ok("device", "show", dev), r"(?m)^phase +L3$")

    def test_generic_meter(self):
        dev = self.add("device", "add", "--gateway", self.gw, "--model",
                       "generic_modbus_meter", "--address", 9, "--name",
                       "heat pump", *GENERIC, "--type", "f32",
                       "--word-order", "lsw")
        d = self.json("device", "show", dev)
        self.assertEqual(
            (d["read_code"], d["reg_address"], d["reg_words"],
             d["multiplier"], d["reg_type"], d["reg_word_order"]),
            (4, 0x48, 2, 0.001, "f32", "lsw"))
        self.ok("device", "set", dev, "--register", "4096", "--read-code",
                3)
        d = self.json("device", "show", dev)
        self.assertEqual((d["reg_address"], d["read_code"]), (4096, 3))

    def test_wsmeasure_point_on_a_virtual_gateway(self):
        vgw = self.gateway("slave", "10.0.0.8", "--virtual")
        dev = self.add("device", "add", "--gateway", vgw, "--model",
                       "wsmeasure", "--remote-id", 10003, "--address", 247,
                       "--name", "remote meter 3")
        self.assertEqual(self.json("device", "show", dev)["remote_id"],
                         10003)

    def test_list_by_gateway(self):
        other = self.gateway("gw2", "192.168.1.51")
        d1 = self.meter(self.gw, 1, "a")
        d2 = self.meter(other, 1, "b")
        self.assertEqual([d["id"] for d in self.json("device", "list")],
                         [d1, d2])
        self.assertEqual([d["id"] for d in self.json(
            "device", "list", "--gateway", other)], [d2])

    def test_set_groups_flags_and_fields(self):
        g = [self.add("group", "add", "--name", "G%d" % i) for i in range(3)]
        dev = self.meter(self.gw, 1, "m", "--group", g[0], "--group", g[1],
                         "--exclude-totals", "--exclude-alerts")
        self.ok("device", "set", dev, "--group", g[2])
        self.assertEqual(self.json("device", "show", dev)["group_ids"],
                         [g[2]])
        self.ok("device", "set", dev, "--no-groups")
        self.assertEqual(self.json("device", "show", dev)["group_ids"], [])
        self.ok("device", "set", dev, "--include-totals")
        d = self.json("device", "show", dev)
        self.assertEqual((d["exclude_totals"], d["exclude_alerts"]),
                         (False, True))
        self.ok("device", "set", dev, "--include-alerts", "--name", "m2",
                "--address", 5)
        d = self.json("device", "show", dev)
        self.assertEqual((d["exclude_alerts"], d["name"], d["address"]),
                         (False, "m2", 5))

    def test_set_load_and_clear_it(self):
        load = self.add("load", "add", "--name", "Workshop")
        dev = self.meter(self.gw, 1, "m")
        self.ok("device", "set", dev, "--load", load)
        self.assertEqual(self.json("device", "show", dev)["load_id"], load)
        self.ok("device", "set", dev, "--load", 0)
        self.assertIsNone(self.json("device", "show", dev)["load_id"])

    def test_on_off_delete(self):
        dev = self.meter(self.gw, 1, "m")
        self.assertEqual(self.ok("device", "off", dev), "")
        self.assertFalse(self.json("device", "show", dev)["enabled"])
        self.ok("device", "on", dev)
        self.assertTrue(self.json("device", "show", dev)["enabled"])
        self.ok("device", "delete", dev)
        self.assertEqual(self.json("device", "list"), [])
        self.assert_refused(r"ews: device: ", "device", "show", dev)

    def test_unknown_id(self):
        for verb in ("show", "on", "off", "delete"):
            self.assert_refused(r"ews: device: ", "device", verb, 42)
        self.assert_refused(r"ews: device: ", "device", "set", 42,
                            "--name", "x")


class TestLabels(EwsTestCase):
    """INS-2: custom labels of inputs and outputs (§7.16.1.4)."""

    def test_label_set_show_and_remove(self):
        self.init()
        io = self.add("device", "add", "--gateway", 1, "--model",
                      "power_supervision_m7tic_io", "--address", 3)
        self.assertEqual(self.ok("device", "label", io, "--input", 2), "\n")
        self.ok("device", "label", io, "--input", 2, "--text", "Door")
        self.assertEqual(self.ok("device", "label", io, "--input", 2),
                         "Door\n")
        self.assertEqual(self.json("device", "label", io, "--input", 2),
                         {"device_id": io, "kind": "input", "number": 2,
                          "label": "Door"})
        self.ok("device", "label", io, "--input", 2, "--text", "")
        self.assertEqual(self.ok("device", "label", io, "--input", 2), "\n")

    def test_label_refusals(self):
        self.init()
        meter = self.meter(1, 4, "Meter")
        prog = self.add("device", "add", "--gateway", 1, "--model",
                        "power_supervision_m7ticprog", "--address", 5)
        self.assert_refused("input", "device", "label", meter, "--input", 1,
                            "--text", "x")
        self.assert_refused("input", "device", "label", prog, "--input", 1,
                            "--text", "x")
        self.assert_refused("output", "device", "label", prog, "--output",
                            17, "--text", "x")
        self.assert_usage("device", "label", prog, "--text", "x")
        self.assert_usage("device", "label", prog, "--input", 1,
                          "--output", 1)
        self.assert_usage("device", "label", prog, "--output", "one")


class TestCategories(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def test_predefined_loads(self):
        loads = self.json("load", "list")
        origins = [c["origin"] for c in loads]
        self.assertEqual(origins.count("predefined"), 6)
        for origin in ("others", "gas", "water"):
            self.assertIn(origin, origins)
        for c in loads:
            self.assertTrue(is_id(c["id"]))
            self.assertEqual(c["kind"], "load")
        self.assertEqual(self.json("group", "list"), [])
        self.assertEqual(self.json("board", "list"), [])

    def test_every_verb_of_every_kind(self):
        for noun in ("load", "group", "board"):
            cid = self.add(noun, "add", "--name", noun + " one",
                           "--description", "d1")
            c = self.json(noun, "show", cid)
            self.assertEqual(c, {"id": cid, "kind": noun, "origin": "user",
                                 "name": noun + " one",
                                 "description": "d1", "enabled": True})
            self.assertIn(c, self.json(noun, "list"))
            self.assertIn(noun + " one", self.ok(noun, "list"))
            self.assertRegex(self.ok(noun, "show", cid),
                             r"(?m)^name +%s one$" % noun)
            self.ok(noun, "set", cid, "--name", noun + " two")
            self.ok(noun, "set", cid, "--description", "d2")
            c = self.json(noun, "show", cid)
            self.assertEqual((c["name"], c["description"]),
                             (noun + " two", "d2"))
            self.ok(noun, "disable", cid)
            self.assertFalse(self.json(noun, "show", cid)["enabled"])
            self.ok(noun, "enable", cid)
            self.assertTrue(self.json(noun, "show", cid)["enabled"])
            self.ok(noun, "delete", cid)
            self.assertNotIn(cid, [x["id"] for x in self.json(noun, "list")])
            self.assert_refused(r"ews: \w+: ", noun, "show", cid)

    def test_id_of_another_kind_is_refused(self):
        group = self.add("group", "add", "--name", "G")
        self.assert_refused(r"ews: id: ", "board", "show", group)
        self.assert_refused(r"ews: id: ", "load", "delete", group)
        self.assert_refused(r"ews: id: ", "board", "set", group, "--name",
                            "B")

    def test_predefined_loads_can_only_be_disabled(self):
        heating = self.json("load", "list")[0]
        self.assertEqual(heating["origin"], "predefined")
        self.ok("load", "disable", heating["id"])
        self.ok("load", "enable", heating["id"])
        self.assert_refused(r"ews: load: ", "load", "delete", heating["id"])
        self.assert_refused(r"ews: \w+: ", "load", "set", heating["id"],
                            "--name", "Warmth")

    def test_deleting_a_load_or_group_clears_device_references(self):
        gw = self.gateway()
        load = self.add("load", "add", "--name", "Workshop")
        group = self.add("group", "add", "--name", "G")
        dev = self.meter(gw, 1, "m", "--load", load, "--group", group)
        self.ok("load", "delete", load)
        self.ok("group", "delete", group)
        d = self.json("device", "show", dev)
        self.assertNotEqual(d["load_id"], load)
        self.assertEqual(d["group_ids"], [])


class TestJson(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def test_every_listing_is_json_with_numeric_ids(self):
        gw = self.gateway("gw \"quoted\" \\ back/slash", "10.0.0.1",
                          "--description", "línea \u00e9\u20ac \U0001f50c")
        group = self.add("group", "add", "--name", "G")
        dev = self.meter(gw, 1, "m", "--group", group)
        self.add("board", "add", "--name", "B")
        for argv in LISTINGS[:-1]:
            data = self.json(*argv[:-1])
            self.assertIsInstance(data, list, argv)
            for obj in data:
                self.assertTrue(is_id(obj["id"]), obj)
                self.assertIsInstance(obj["enabled"], bool)
        g = self.json("gateway", "show", gw)
        self.assertEqual(g["name"], "gw \"quoted\" \\ back/slash")
        self.assertEqual(g["description"], "línea é€ \U0001f50c")
        d = self.json("device", "show", dev)
        self.assertTrue(is_id(d["gateway_id"]))
        self.assertTrue(all(is_id(x) for x in d["group_ids"]))
        s = self.json("settings", "show")
        self.assertIsInstance(s, dict)
        self.assertIn("timezone", s)
        self.assertEqual(self.json("settings", "show", "timezone"),
                         {"timezone": "UTC"})

    def test_empty_lists(self):
        self.assertEqual(self.ok("device", "list", "--json"), "[]\n")
        self.assertEqual(self.ok("group", "list", "--json"), "[]\n")
        self.assertEqual(self.ok("device", "list"), "")
