"""Tests of ews: global options, help, init, usage errors, refusals
of the issue's "Bad input" list, the catalogue and the settings."""
import json
import os
import shutil

from clitest import CATALOG, NOUN_VERBS, SDM630, EwsTestCase


class TestGlobal(EwsTestCase):
    def test_version(self):
        out = self.ok("--version", site=None)
        self.assertRegex(out, r"^ews [0-9]+\.[0-9]+\.[0-9]+")

    def test_no_arguments_is_a_usage_error(self):
        r = self.run_ews(site=None)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"Usage", r.stderr)

    def test_main_help(self):
        for argv in (["--help"], ["-h"], ["help"]):
            out = self.ok(*argv, site=None)
            self.assertIn("Usage: ews", out)
            for noun in NOUN_VERBS:
                self.assertIn(noun, out)
            self.assertIn("null", out)  # documents "none" in --json

    def test_help_of_every_noun_and_verb(self):
        for site in (None, os.path.join(self.tmp, "missing")):
            out = self.ok("init", "--help", site=site)
            self.assertIn("Usage: ews init", out)
            for noun, verbs in NOUN_VERBS.items():
                out = self.ok(noun, "--help", site=site)
                for verb in verbs:
                    self.assertIn("ews %s %s" % (noun, verb), out)
                for verb in verbs:
                    out = self.ok(noun, verb, "--help", site=site)
                    self.assertIn("Usage: ews %s %s" % (noun, verb), out)
                    self.assertIn("--help", out)

    def test_help_wins_over_other_arguments(self):
        for argv, usage in (
                (["gateway", "show", "abc", "--help"], "ews gateway show"),
                (["device", "add", "--bogus", "-h"], "ews device add"),
                (["help", "device", "set"], "ews device set"),
                (["help", "load"], "ews load add")):
            self.assertIn(usage, self.ok(*argv, site=None))

    def test_missing_site_exits_3(self):
        missing = os.path.join(self.tmp, "nowhere")
        r = self.run_ews("gateway", "list", site=missing)
        self.assertEqual(r.returncode, 3)
        self.assertIn(("no site at %s: run `ews init`" % missing).encode(),
                      r.stderr)
        self.assertFalse(os.path.exists(missing))

    def test_empty_directory_is_no_site(self):
        empty = os.path.join(self.tmp, "empty")
        os.mkdir(empty)
        r = self.run_ews("device", "list", site=empty)
        self.assertEqual(r.returncode, 3)
        self.assertIn(b"no site at", r.stderr)

    def test_database_error_exits_3(self):
        os.mkdir(self.site)
        with open(os.path.join(self.site, "site.db"), "wb") as f:
            f.write(b"this is not a database" * 100)
        r = self.run_ews("gateway", "list")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertRegex(r.stderr.decode(), r"^ews: .+\n$")
        self.assertEqual(r.stdout, b"")

    def test_unreadable_catalogue_exits_3(self):
        env = {"EWS_CATALOG_DIR": os.path.join(self.tmp, "no-catalog")}
        r = self.run_ews("catalog", "list", site=None, env=env)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(b"no-catalog", r.stderr)

    def test_no_site_given_is_a_usage_error(self):
        err = self.assert_usage("gateway", "list", site=None)
        self.assertIn("EWS_SITE", err)

    def test_ews_site_from_environment(self):
        env = {"EWS_SITE": self.site}
        self.ok("init", site=None, env=env)
        r = self.run_ews("gateway", "add", "--name", "envgw", "--ip",
                         "10.1.1.1", site=None, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        gw = int(r.stdout)
        names = [g["name"] for g in self.json("gateway", "list")]
        self.assertIn("envgw", names)
        # --site wins over EWS_SITE.
        other = os.path.join(self.tmp, "other")
        r = self.run_ews("gateway", "show", gw, site=other, env=env)
        self.assertEqual(r.returncode, 3)
        # --site is also accepted after the verb.
        out = self.ok("gateway", "show", gw, "--site", self.site, site=None)
        self.assertIn("envgw", out)
        out = self.ok("gateway", "show", gw, "--site=" + self.site,
                      site=None)
        self.assertIn("envgw", out)


class TestInit(EwsTestCase):
    def test_init_creates_the_site(self):
        out = self.ok("init", "--timezone", "Europe/Rome")
        self.assertIn(self.site, out)
        gws = self.json("gateway", "list")
        self.assertEqual(len(gws), 1)
        self.assertEqual(gws[0]["kind"], "local")
        self.assertEqual(self.ok("settings", "show", "timezone"),
                         "Europe/Rome\n")

    def test_init_default_timezone_is_utc(self):
        self.init()
        self.assertEqual(self.ok("settings", "show", "timezone"), "UTC\n")

    def test_init_twice_is_refused(self):
        self.init()
        self.gateway()
        self.assert_refused(r"ews: site: .*already", "init")

    def test_init_in_an_existing_empty_directory(self):
        os.mkdir(self.site)
        self.init()
        self.assertEqual(len(self.json("load", "list")), 9)

    def test_init_with_a_bad_timezone_is_refused(self):
        r = self.run_ews("init", "--timezone", "Mars/Olympus")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertRegex(r.stderr.decode(), r"^ews: timezone: ")
        r = self.run_ews("gateway", "list")
        self.assertEqual(r.returncode, 3)


class TestBadInput(EwsTestCase):
    """The issue's "Bad input" list: exit 2, the field named on stderr,
    and every `list --json` byte-identical before and after."""

    def setUp(self):
        super().setUp()
        self.init()
        self.gw = self.gateway()
        self.dev = self.meter(self.gw, 1, "m1")

    def test_duplicate_names(self):
        self.assert_refused(r"ews: name: ", "gateway", "add", "--name",
                            "gw1", "--ip", "192.168.1.99")
        self.assert_refused(r"ews: name: ", "device", "add", "--gateway",
                            self.gw, "--model", SDM630, "--address", 2,
                            "--name", "m1")
        other = self.meter(self.gw, 3, "m3")
        self.assert_refused(r"ews: name: ", "device", "set", other,
                            "--name", "m1")
        for noun in ("load", "group", "board"):
            self.add(noun, "add", "--name", "dup")
            self.assert_refused(r"ews: name: ", noun, "add", "--name", "dup")
        self.assert_refused(r"ews: name: ", "load", "add", "--name",
                            "Heating")

    def test_second_device_at_the_same_address_on_one_bus(self):
        self.assert_refused(r"ews: address: ", "device", "add", "--gateway",
                            self.gw, "--model", SDM630, "--address", 1,
                            "--name", "m2")
        other = self.meter(self.gw, 2, "m2")
        self.assert_refused(r"ews: address: ", "device", "set", other,
                            "--address", 1)
        # The same address on another bus is fine.
        gw2 = self.gateway("gw2", "192.168.1.51")
        self.meter(gw2, 1, "m9")

    def test_sixth_group_on_a_device(self):
        groups = [self.add("group", "add", "--name", "G%d" % i)
                  for i in range(6)]
        five = [a for g in groups[:5] for a in ("--group", g)]
        six = [a for g in groups for a in ("--group", g)]
        self.ok("device", "set", self.dev, *five)
        self.assert_refused(r"ews: group", "device", "set", self.dev, *six)
        self.assert_refused(r"ews: group", "device", "add", "--gateway",
                            self.gw, "--model", SDM630, "--address", 2,
                            "--name", "m2", *six)

    def test_fifteenth_load(self):
        user = 0
        while True:
            r = self.run_ews("load", "add", "--name", "user load %d" % user)
            if r.returncode != 0:
                break
            user += 1
            self.assertLessEqual(user, 20, "no limit on loads")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(user, 8)
        self.assert_refused(r"ews: \w+: .*14", "load", "add", "--name",
                            "one too many")
        # Groups and boards have no such limit.
        for i in range(10):
            self.add("group", "add", "--name", "g%d" % i)

    def test_delete_gateway_that_has_devices(self):
        err = self.assert_refused(r"ews: gateway: ", "gateway", "delete",
                                  self.gw)
        self.assertIn("device", err)

    def test_delete_or_readdress_local(self):
        self.assert_refused(r"ews: gateway: ", "gateway", "delete", 1)
        self.assert_refused(r"ews: ip: ", "gateway", "set", 1, "--ip",
                            "10.0.0.1")
        self.assert_refused(r"ews: port: ", "gateway", "set", 1, "--port",
                            "1502")

    def test_address_0_or_248(self):
        for addr in (0, 248):
            self.assert_refused(r"ews: address: ", "device", "add",
                                "--gateway", self.gw, "--model", SDM630,
                                "--address", addr, "--name", "x")
            self.assert_refused(r"ews: address: ", "device", "set",
                                self.dev, "--address", addr)

    def test_invalid_ip(self):
        for ip in ("999.1.1.1", "not-an-ip", "", "1.2.3"):
            self.assert_refused(r"ews: ip: ", "gateway", "add", "--name",
                                "bad", "--ip", ip)
        self.assert_refused(r"ews: ip: ", "gateway", "set", self.gw, "--ip",
                            "300.0.0.1")

    def test_unknown_model(self):
        self.assert_refused(r"ews: model: ", "device", "add", "--gateway",
                            self.gw, "--model", "acme_9000", "--address", 2)
        self.assert_refused(r"ews: model: ", "device", "set", self.dev,
                            "--model", "acme_9000")

    def test_generic_meter_without_its_register(self):
        self.assert_refused(r"ews: (read_code|reg_|register|multiplier)",
                            "device", "add", "--gateway", self.gw,
                            "--model", "generic_modbus_meter", "--address",
                            2, "--name", "gm")

    def test_other_refusals(self):
        self.assert_refused(r"ews: port: ", "gateway", "add", "--name", "p",
                            "--ip", "10.0.0.3", "--port", 70000)
        self.assert_refused(r"ews: gateway", "device", "add", "--gateway",
                            99, "--model", SDM630, "--address", 2)
        self.assert_refused(r"ews: load", "device", "set", self.dev,
                            "--load", 999)
        self.assert_refused(r"ews: group", "device", "set", self.dev,
                            "--group", 999)
        self.assert_refused(r"ews: name: ", "gateway", "add", "--name",
                            "n" * 200, "--ip", "10.0.0.4")
        self.assert_refused(r"ews: ", "device", "add", "--gateway", self.gw,
                            "--model", "pulse_gas", "--address", 5,
                            "--concentrator", "F99XYZ", "--position", 1)


class TestUsageErrors(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.gw = self.gateway()
        self.dev = self.meter(self.gw, 1, "m1")

    CASES = [
        ["bogus", "list"],
        ["--bogus", "gateway", "list"],
        ["gateway"],
        ["gateway", "bogus"],
        ["gateway", "list", "--bogus"],
        ["gateway", "list", "--json=yes"],
        ["gateway", "list", "extra"],
        ["gateway", "show"],
        ["gateway", "show", "abc"],
        ["gateway", "show", "1x"],
        ["gateway", "show", "-1"],
        ["gateway", "show", "1", "2"],
        ["gateway", "delete", ""],
        ["gateway", "add", "--ip", "10.0.0.5"],
        ["gateway", "add", "--name", "x"],
        ["gateway", "add", "--name", "x", "--ip", "10.0.0.5", "--port"],
        ["gateway", "add", "--name", "x", "--ip", "10.0.0.5", "--port",
         "abc"],
        ["gateway", "add", "--name", "x", "--ip", "10.0.0.5", "--port",
         "-1"],
        ["gateway", "add", "--name", "x", "--ip", "10.0.0.5", "--port",
         "1e3"],
        ["gateway", "add", "--name", "x", "--ip", "10.0.0.5", "--port",
         "99999999999999999999"],
        ["gateway", "add", "--name", "x", "--ip", "10.0.0.5", "--virtual=1"],
        ["gateway", "add", "--name", "x", "--ip", "10.0.0.5", "--nam", "y"],
        ["gateway", "set", "GW", "--board", "x"],
        ["gateway", "set", "GW", "--eq-device", "-3"],
        ["device", "add", "--model", SDM630, "--address", "2"],
        ["device", "add", "--gateway", "GW", "--address", "2"],
        ["device", "add", "--gateway", "x", "--model", SDM630],
        ["device", "set", "DEV", "--address", "x"],
        ["device", "set", "DEV", "--address", "2-"],
        ["device", "set", "DEV", "--address", "-2"],
        ["device", "set", "DEV", "--address", "2-1-1"],
        ["device", "set", "DEV", "--address", " 2"],
        ["device", "set", "DEV", "--register", "0xZZ"],
        ["device", "set", "DEV", "--register", "0x"],
        ["device", "set", "DEV", "--register", "0x0x10"],
        ["device", "set", "DEV", "--multiplier", "abc"],
        ["device", "set", "DEV", "--multiplier", "nan"],
        ["device", "set", "DEV", "--multiplier", "1e999"],
        ["device", "set", "DEV", "--words", "two"],
        ["device", "set", "DEV", "--type", "u33"],
        ["device", "set", "DEV", "--word-order", "le"],
        ["device", "set", "DEV", "--supply", "sideways"],
        ["device", "set", "DEV", "--phase", "L4"],
        ["device", "set", "DEV", "--group", "g1"],
        ["device", "set", "DEV", "--remote-id", "1.5"],
        ["device", "add", "--gateway", "GW", "--model", SDM630,
         "--no-groups"],
        ["device", "list", "--gateway", "x"],
        ["load", "add"],
        ["load", "add", "--name"],
        ["group", "enable"],
        ["board", "delete", "x"],
        ["catalog", "list", "--family", "nope"],
        ["catalog", "show"],
        ["settings", "set", "timezone"],
        ["settings", "show", "a", "b"],
        ["settings", "frob"],
        ["init", "extra"],
        ["--site"],
    ]

    def test_usage_errors_exit_1_and_change_nothing(self):
        before = self.snapshot()
        for argv in self.CASES:
            with self.subTest(argv=argv):
                ids = {"GW": str(self.gw), "DEV": str(self.dev)}
                self.assert_usage(*[ids.get(a, a) for a in argv])
        self.assertEqual(self.snapshot(), before)


class TestCatalog(EwsTestCase):
    """catalog works without a site."""

    def test_list(self):
        models = self.json("catalog", "list", site=None)
        keys = [m["key"] for m in models]
        self.assertIn(SDM630, keys)
        self.assertEqual(keys, sorted(keys))
        m = models[keys.index(SDM630)]
        for field in ("name", "family", "catalog_numbers", "caps",
                      "commodity", "phases", "sides", "has_map",
                      "confidence", "source", "register_count"):
            self.assertIn(field, m)
        self.assertEqual(m["family"], "other")
        self.assertIn("measure", m["caps"])
        table = self.ok("catalog", "list", site=None)
        self.assertRegex(table, r"(?m)^KEY +FAMILY")
        self.assertIn(SDM630, table)

    def test_list_by_family(self):
        models = self.json("catalog", "list", "--family", "pulse_counter",
                           site=None)
        self.assertTrue(models)
        self.assertTrue(all(m["family"] == "pulse_counter" for m in models))

    def test_show_register_map(self):
        out = self.ok("catalog", "show", "eastron_sdm120", site=None)
        self.assertRegex(out, r"(?m)^active_energy_import +- +4 +0x0048 ")
        m = self.json("catalog", "show", "eastron_sdm120", site=None)
        self.assertTrue(m["has_map"])
        self.assertEqual(len(m["registers"]), m["register_count"])
        reg = [r for r in m["registers"]
               if r["quantity"] == "active_energy_import"][0]
        self.assertEqual((reg["function"], reg["address"], reg["type"]),
                         (4, 0x48, "f32"))

    def test_show_by_catalogue_number(self):
        m = self.json("catalog", "show", "F3N200", site=None)
        self.assertEqual(m["key"], "btdin_f3n200")

    def test_show_model_without_map(self):
        nomap = [m for m in self.json("catalog", "list", site=None)
                 if not m["has_map"] and "generic" not in m["caps"]]
        self.assertTrue(nomap)
        m = nomap[0]
        out = self.ok("catalog", "show", m["key"], site=None)
        self.assertIn("register map unknown for %s: %s" % (
            m["key"], m["source"]), out)
        self.assertIsNone(self.json("catalog", "show", m["key"],
                                    site=None)["registers"])

    def test_show_unknown_model(self):
        r = self.run_ews("catalog", "show", "acme_9000", site=None)
        self.assertEqual(r.returncode, 2)
        self.assertRegex(r.stderr.decode(), r"^ews: \w+: .*acme_9000")

    def test_problems(self):
        cat = os.path.join(self.tmp, "catalog")
        shutil.copytree(CATALOG, cat, ignore=shutil.ignore_patterns(
            "meson.build"))
        with open(os.path.join(cat, "broken.json"), "w") as f:
            f.write('{"key": "broken", "name": 5}')
        env = {"EWS_CATALOG_DIR": cat}
        out = self.ok("catalog", "problems", site=None, env=env)
        self.assertIn("broken.json", out)
        probs = self.json("catalog", "problems", site=None, env=env)
        self.assertEqual(len(probs), 1)
        # The other files still load.
        self.assertIn(SDM630, self.ok("catalog", "list", site=None,
                                      env=env))
        self.assertEqual(self.ok("catalog", "problems", site=None), "")

    def test_user_models_of_the_site(self):
        os.makedirs(os.path.join(self.site, "catalog"))
        with open(os.path.join(CATALOG, "eastron_sdm120.json")) as f:
            model = json.load(f)
        model["key"] = "my_meter"
        model["name"] = "My meter"
        model["catalog_numbers"] = ["MY-1"]
        with open(os.path.join(self.site, "catalog", "my_meter.json"),
                  "w") as f:
            json.dump(model, f)
        self.assertEqual(self.json("catalog", "show", "MY-1")["key"],
                         "my_meter")

    def test_catalog_dir_from_environment(self):
        empty = os.path.join(self.tmp, "nocat")
        os.mkdir(empty)
        self.assertEqual(self.json("catalog", "list", site=None,
                                   env={"EWS_CATALOG_DIR": empty}), [])


class TestSettings(EwsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def test_show_and_set(self):
        table = self.ok("settings", "show")
        self.assertRegex(table, r"(?m)^timezone +UTC$")
        all_ = self.json("settings", "show")
        for key in ("site_name", "timezone", "sample_rate_min", "currency",
                    "csv_decimal", "csv_separator", "rs485_baud"):
            self.assertIn(key, all_)
            self.assertIsInstance(all_[key], str)
        self.ok("settings", "set", "site_name", "Plant 7")
        self.ok("settings", "set", "timezone", "Europe/Paris")
        self.assertEqual(self.ok("settings", "show", "site_name"),
                         "Plant 7\n")
        self.assertEqual(self.json("settings", "show", "timezone"),
                         {"timezone": "Europe/Paris"})

    def test_refused_values(self):
        self.assert_refused(r"ews: \w+: ", "settings", "set", "no_such",
                            "1")
        self.assert_refused(r"ews: timezone: ", "settings", "set",
                            "timezone", "Nowhere/Town")
        self.assert_refused(r"ews: sample_rate_min: ", "settings", "set",
                            "sample_rate_min", "7")
        self.assert_refused(r"ews: \w+: ", "settings", "show", "no_such")
