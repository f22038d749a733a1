"""--site DIR --gateway ID: the devices of a site made with the ews CLI."""
import json
import math
import os
import socket
import subprocess
import unittest

import simtest
from simtest import EWS, ModbusException


@unittest.skipUnless(EWS and os.access(EWS, os.X_OK), "EWS_BIN not set")
class TestSite(simtest.SimTestCase):
    def ews(self, *args):
        env = dict(os.environ, EWS_CATALOG_DIR=simtest.CATALOG)
        env.pop("EWS_SITE", None)
        p = subprocess.run([EWS, "--site", self.site] + list(args),
                           capture_output=True, text=True, env=env,
                           timeout=30)
        self.assertEqual(p.returncode, 0, (args, p.stderr))
        return p.stdout.strip()

    def make_site(self):
        self.site = os.path.join(self.tmp, "site")
        self.ews("init")
        gw = self.ews("gateway", "add", "--name", "gw", "--ip", "127.0.0.1",
                      "--port", "1502")
        other = self.ews("gateway", "add", "--name", "other", "--ip",
                         "127.0.0.2")
        add = ["device", "add", "--gateway", gw]
        self.ids = {  # unit: device id
            3: self.ews(*add, "--model", "eastron_sdm630", "--address", "3"),
            4: self.ews(*add, "--model", "generic_modbus_meter", "--address",
                        "4", "--read-code", "3", "--register", "0x0C83",
                        "--words", "4", "--type", "s64", "--multiplier",
                        "0.001"),
            6: self.ews(*add, "--model", "heidelberg_energy_control",
                        "--address", "6"),
            7: self.ews(*add, "--model", "phoenix_contact_ev_cc_eth",
                        "--address", "7"),
        }
        self.ews(*add, "--model", "energy_counter_f21dm63", "--address",
                 "8")
        self.ews("device", "add", "--gateway", other, "--model",
                 "eastron_sdm120", "--address", "9")
        return gw, other

    def site_args(self, gw):
        return ["--site", self.site, "--gateway", gw]

    def test_print_values_of_a_gateway(self):
        gw, _ = self.make_site()
        rc, out, err = self.run_sim(["--print-values", "--start",
                                     simtest.START, "--catalog",
                                     simtest.CATALOG] + self.site_args(gw))
        self.assertEqual(rc, 0, err)
        self.assertIn("energy_counter_f21dm63", err)
        self.assertIn("register map unknown", err)
        self.assertIn("skipped", err)
        printed = self.values(args=self.site_args(gw))
        self.assertEqual(sorted(printed), [3, 4, 6, 7])
        self.assertEqual(printed[4]["model"], "generic_modbus_meter")
        reg = printed[4]["registers"][0]
        self.assertEqual((reg["function"], reg["address"], len(reg["words"])),
                         (3, 0x0C83, 4))

    def test_serves_the_gateways_devices(self):
        gw, _ = self.make_site()
        printed = self.values(args=self.site_args(gw))
        s = self.sim(args=self.site_args(gw))
        c = self.raw(s)
        for unit, dev in printed.items():
            for reg in dev["registers"]:
                self.assertEqual(c.read(unit, reg["function"],
                                        reg["address"], len(reg["words"])),
                                 reg["words"], (unit, reg["quantity"]))
        for unit in (8, 9):  # skipped; on the other gateway
            with self.assertRaises(ModbusException) as e:
                c.read(unit, 4, 0, 2)
            self.assertEqual(e.exception.code, 0x0B)

    def test_refusals(self):
        gw, other = self.make_site()
        rc, out, err = self.run_sim(["--print-values", "--catalog",
                                     simtest.CATALOG, "--site", self.site,
                                     "--gateway", "99"])
        self.assertEqual(rc, 2, err)
        self.assertIn("99", err)
        local = "1"  # the Local gateway: no device on it
        rc, out, err = self.run_sim(["--print-values", "--catalog",
                                     simtest.CATALOG, "--site", self.site,
                                     "--gateway", local])
        self.assertEqual(rc, 2, err)
        self.assertIn("no device to simulate", err)
        rc, out, err = self.run_sim(["--print-values", "--catalog",
                                     simtest.CATALOG, "--site",
                                     os.path.join(self.tmp, "none"),
                                     "--gateway", gw])
        self.assertEqual(rc, 3, err)

    def test_ews_reads_what_is_served(self):
        """libews's acquisition (`ews device read`) against the simulator
        of the same site decodes exactly the values meant."""
        gw, _ = self.make_site()
        printed = self.values(args=self.site_args(gw))
        s = self.sim(args=self.site_args(gw))
        self.ews("gateway", "set", gw, "--port", str(s.port))
        for unit, dev_id in self.ids.items():
            got = {r["quantity"]: r["value"] for r in
                   json.loads(self.ews("device", "read", dev_id, "--json"))}
            want = {r["quantity"]: r["served"]
                    for r in printed[unit]["registers"]}
            self.assertEqual(sorted(got), sorted(want), unit)
            for q, v in want.items():
                self.assertTrue(math.isclose(got[q], v, rel_tol=1e-12),
                                (unit, q, got[q], v))

    def test_listens_on_the_gateways_port_by_default(self):
        gw, _ = self.make_site()
        with socket.socket() as probe:  # a port that was free just now
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.ews("gateway", "set", gw, "--port", str(port))
        s = self.sim(args=self.site_args(gw), port=None)
        self.assertEqual(s.port, port)
        self.assertEqual(len(self.raw(s).read(3, 4, 0, 2)), 2)
