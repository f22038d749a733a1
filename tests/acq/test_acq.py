"""Acquisition against an independent peer (issue 3 items 1, 5; ACQ-1,
ACQ-3, INS-5): pymodbus's TCP server serves every catalogue model that has
a register map, with values encoded here in Python from the model file;
`ews device read` must decode exactly those values, and `ews device test` /
`ews gateway test` must report each outcome.

Run by meson with EWS_BIN and EWS_CATALOG_DIR; the peer runs under Debian's
/usr/bin/python3 (python3-pymodbus).
"""
import glob
import json
import math
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "..", "peers", "pymodbus_peer.py")
EWS = os.environ.get("EWS_BIN", "ews")
CATALOG = os.environ.get("EWS_CATALOG_DIR")

UNIT_FACTOR = {"kWh": 1e3, "MWh": 1e6, "kvarh": 1e3, "Mvarh": 1e6,
               "kVAh": 1e3, "kW": 1e3, "kvar": 1e3, "kVA": 1e3, "m3": 1e3}
STATES = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6,
          "open": 0, "closed": 1, "tripped": 2}
TABLE = {1: "co", 2: "di", 3: "hr", 4: "ir"}


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "peers"))
from ports import closed_port, silent_port  # noqa: E402


def encode(reg, i):
    """(raw value, words) for register reg, the i-th of its model."""
    t, order = reg["type"], reg.get("word_order", "be")
    if "values" in reg:
        raw = int(sorted(reg["values"], key=int)[0])
    elif t in ("u16", "u32", "u64"):
        raw = {"u16": 1200, "u32": 123456, "u64": 12345678901}[t] + i
    elif t in ("s16", "s32", "s64"):
        raw = -{"s16": 120, "s32": 98765, "s64": 9876543210}[t] - i
    elif t in ("f32", "f64"):
        raw = 230.5 + i
    elif t == "bit":
        raw = 1
    if t == "ascii_low":
        return raw, [raw & 0xff]
    if t == "ascii_high":
        return raw, [(raw & 0xff) << 8]
    if t == "bit":
        return raw, [raw]
    fmt = {"u16": ">H", "s16": ">h", "u32": ">I", "s32": ">i", "u64": ">Q",
           "s64": ">q", "f32": ">f", "f64": ">d"}[t]
    data = struct.pack(fmt, raw)
    words = list(struct.unpack(">%dH" % (len(data) // 2), data))
    if order == "lsw":
        words.reverse()
    if t == "f32":
        raw = struct.unpack(">f", data)[0]
    return raw, words


def expected(reg, raw):
    factor = UNIT_FACTOR.get(reg["unit"], 1.0)
    if "values" in reg:
        v = reg["values"][str(raw)]
        return float(STATES.get(v, v)) * factor
    return raw * reg.get("scale", 1) * factor


def serve_model(model, unit, tables):
    """Put the model's registers into tables; return {(q, order): value}."""
    want, used = {}, set()
    for i, reg in enumerate(model["map"]):
        raw, words = encode(reg, i)
        table = tables.setdefault(TABLE[reg["function"]], {})
        addr = reg["address"]
        addr = int(addr, 16) if isinstance(addr, str) else addr
        span = range(addr, addr + len(words))
        if any((reg["function"], a) in used for a in span):
            continue  # shares words with another quantity: not checked
        for a, w in zip(span, words):
            table[str(a)] = w
            used.add((reg["function"], a))
        want[(reg["quantity"], reg.get("order", 0))] = expected(reg, raw)
    return want


class Peer:
    def __init__(self, units, tmp):
        cfg = os.path.join(tmp, "peer-%d.json" % id(self))
        self.port_file = cfg + ".port"
        with open(cfg, "w") as f:
            json.dump({"units": units}, f)
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", PEER, "--config", cfg, "--port-file",
             self.port_file], stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("pymodbus peer did not start: %s" %
                                   self.proc.stderr.read().decode())
            time.sleep(0.05)
        with open(self.port_file) as f:
            self.port = int(f.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stderr.close()


class AcqTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.site = os.path.join(cls.tmp.name, "site")
        cls.models = {}
        for path in sorted(glob.glob(os.path.join(CATALOG, "*.json"))):
            with open(path) as f:
                m = json.load(f)
            if m.get("map"):
                cls.models[m["key"]] = m
        units, cls.want = {}, {}
        for unit, key in enumerate(sorted(cls.models), start=1):
            units[str(unit)] = {}
            cls.want[key] = serve_model(cls.models[key], unit,
                                        units[str(unit)])
        cls.units = units
        # Unit 100: an SDM630 of which only every other register exists.
        sdm = cls.models["eastron_sdm630"]
        holes = {}
        full = serve_model(sdm, 100, holes)
        ir = holes["ir"]
        kept = [r for i, r in enumerate(sdm["map"]) if i % 2 == 0]
        holes["ir"] = {}
        for reg in kept:
            a = reg["address"]
            a = int(a, 16) if isinstance(a, str) else a
            for k in (a, a + 1):
                holes["ir"][str(k)] = ir[str(k)]
        units["100"] = holes
        cls.hole_want = {(r["quantity"], r.get("order", 0)):
                         full[(r["quantity"], r.get("order", 0))]
                         for r in kept}
        units["101"] = {}  # answers, but has no registers at all
        cls.peer = Peer(units, cls.tmp.name)
        cls.ews("init")
        cls.gw = int(cls.ews("gateway", "add", "--name", "peer", "--ip",
                             "127.0.0.1", "--port", str(cls.peer.port)))

    @classmethod
    def tearDownClass(cls):
        cls.peer.stop()
        cls.tmp.cleanup()

    @classmethod
    def run_ews(cls, *args):
        env = dict(os.environ, EWS_CATALOG_DIR=CATALOG)
        return subprocess.run([EWS, "--site", cls.site] + list(args),
                              env=env, capture_output=True, timeout=60)

    @classmethod
    def ews(cls, *args):
        r = cls.run_ews(*args)
        if r.returncode != 0:
            raise AssertionError("ews %s: %d %s" % (
                " ".join(args), r.returncode, r.stderr.decode()))
        return r.stdout.decode()

    def add_device(self, key, unit, *extra):
        m = self.models.get(key, {})
        args = ["device", "add", "--gateway", str(self.gw), "--model", key,
                "--address", str(unit), "--name", "%s-%d" % (key, unit)]
        if "evse" in m.get("capabilities", []) and m.get("phases") == 1:
            args += ["--phase", "L1"]
        if m.get("sides") == 2:
            args += ["--side", "1"]
        return int(self.ews(*(args + list(extra))))

    def read(self, dev):
        return {(r["quantity"], r["order"]): r["value"]
                for r in json.loads(self.ews("device", "read", str(dev),
                                             "--json"))}

    def assert_values(self, got, want, what):
        self.assertEqual(sorted(got), sorted(want), what)
        for k, v in want.items():
            self.assertTrue(math.isclose(got[k], v, rel_tol=1e-12,
                                         abs_tol=1e-12),
                            "%s %s: read %r, served %r" % (what, k, got[k],
                                                          v))

    def test_every_model_decodes_exactly_what_is_served(self):
        for unit, key in enumerate(sorted(self.models), start=1):
            with self.subTest(model=key):
                dev = self.add_device(key, unit)
                self.assert_values(self.read(dev), self.want[key], key)

    def test_generic_meter_register_in_every_encoding(self):
        cases = [("3", "0x0010", "2", "u32", "be", 0.1, [0x0001, 0xE240],
                  123456 * 0.1),
                 ("4", "0x0020", "2", "s32", "lsw", 1, [0xE240, 0x0001],
                  123456),
                 ("4", "0x0030", "2", "f32", "be", 1,
                  list(struct.unpack(">2H", struct.pack(">f", 1234.5))),
                  1234.5),
                 ("3", "0x0040", "4", "u64", "lsw", 0.001,
                  [0x1CBE, 0x991A, 0x0002, 0x0000],
                  0x2991A1CBE * 0.001),
                 ("3", "0x0050", "1", "u16", "be", 10, [4321], 43210)]
        units = {}
        for i, (code, reg, words, typ, order, mult, raw, kwh) in \
                enumerate(cases):
            table = {"3": "hr", "4": "ir"}[code]
            base = int(reg, 16)
            units[str(i + 1)] = {table: {str(base + k): w
                                         for k, w in enumerate(raw)}}
        peer = Peer(units, self.tmp.name)
        try:
            gw = self.ews("gateway", "add", "--name", "generic", "--ip",
                          "127.0.0.1", "--port", str(peer.port)).strip()
            for i, (code, reg, words, typ, order, mult, raw, kwh) in \
                    enumerate(cases):
                dev = self.ews("device", "add", "--gateway", gw, "--model",
                               "generic_modbus_meter", "--address",
                               str(i + 1), "--name", "generic-%d" % i,
                               "--read-code", code, "--register", reg,
                               "--words", words, "--type", typ,
                               "--word-order", order, "--multiplier",
                               repr(mult)).strip()
                self.assert_values(self.read(dev),
                                   {("active_energy_import", 0): kwh * 1000},
                                   typ + "/" + order)
        finally:
            peer.stop()

    def test_a_refused_register_loses_only_its_quantity(self):
        dev = self.add_device("eastron_sdm630", 100)
        self.assert_values(self.read(dev), self.hole_want, "holes")

    def test_device_test_outcomes(self):
        empty = self.add_device("eastron_sdm120", 101)
        res = self.run_ews("device", "test", str(empty), "--json")
        self.assertEqual(res.returncode, 3)
        out = json.loads(res.stdout)
        self.assertEqual(out["outcome"], "exception")
        self.assertEqual(out["exception_code"], 2)
        nomap = self.add_device("btdin_f3n300", 102)
        res = self.run_ews("device", "test", str(nomap), "--json")
        self.assertEqual(res.returncode, 2)
        out = json.loads(res.stdout)
        self.assertEqual(out["outcome"], "no_map")
        self.assertIn("register map unknown", out["message"])
        self.ews("device", "off", str(nomap))
        out = json.loads(self.run_ews("device", "test", str(nomap),
                                      "--json").stdout)
        self.assertEqual(out["outcome"], "off")

    def test_device_test_answers_with_round_trip(self):
        # A second gateway to the same peer, so the address is free here.
        gw = self.ews("gateway", "add", "--name", "peer-again", "--ip",
                      "127.0.0.1", "--port", str(self.peer.port)).strip()
        unit = sorted(self.models).index("eastron_sdm630") + 1
        dev = self.ews("device", "add", "--gateway", gw, "--model",
                       "eastron_sdm630", "--address", str(unit), "--name",
                       "sdm-test").strip()
        out = json.loads(self.ews("device", "test", dev, "--json"))
        self.assertEqual(out["outcome"], "ok")
        self.assertGreater(out["round_trip_ms"], 0)
        self.assertLess(out["round_trip_ms"], 1000)

    def test_gateway_test_ok_and_refused(self):
        out = json.loads(self.ews("gateway", "test", str(self.gw), "--json"))
        self.assertEqual(out["outcome"], "ok")
        dead = self.ews("gateway", "add", "--name", "dead", "--ip",
                        "127.0.0.1", "--port", str(closed_port())).strip()
        res = self.run_ews("gateway", "test", dead, "--json")
        self.assertEqual(res.returncode, 3)
        self.assertEqual(json.loads(res.stdout)["outcome"], "refused")
        dev = self.ews("device", "add", "--gateway", dead, "--model",
                       "eastron_sdm120", "--address", "1").strip()
        res = self.run_ews("device", "read", dev)
        self.assertEqual(res.returncode, 3)
        self.assertIn("refused", res.stderr.decode())


    def test_gateway_test_unanswered_connect_is_a_timeout(self):
        # INS-5: a connect that does not complete within the gateway's
        # timeout (1 s) is a timeout, not "Operation now in progress".
        port, keep = silent_port()
        try:
            gw = self.ews("gateway", "add", "--name", "silent", "--ip",
                          "127.0.0.1", "--port", str(port)).strip()
            t0 = time.monotonic()
            res = self.run_ews("gateway", "test", gw, "--json")
            took = time.monotonic() - t0
            self.assertEqual(res.returncode, 3, res.stderr.decode())
            out = json.loads(res.stdout)
            self.assertEqual(out["outcome"], "timeout", out)
            self.assertEqual(out["message"], "timeout after 1000 ms")
            self.assertGreaterEqual(took, 0.9)
            res = self.run_ews("gateway", "test", gw)
            self.assertEqual(res.returncode, 3, res.stderr.decode())
            self.assertIn("timeout", res.stdout.decode())
            self.assertNotIn("in progress", res.stdout.decode())
        finally:
            for k in keep:
                k.close()


class PollTest(unittest.TestCase):
    """ews poll --once (issue 3 items 2-4, 7): exact values recorded, a dead
    gateway in communication error while the others keep recording."""

    def test_poll_once_records_served_values_and_isolates_a_dead_gateway(self):
        with open(os.path.join(CATALOG, "eastron_sdm630.json")) as f:
            sdm = json.load(f)
        units = {"1": {}}
        # The cycle records cumulative counters (ACQ-2); the rest are live
        # values read on demand (ACQ-3).
        want = {k: v for k, v in serve_model(sdm, 1, units["1"]).items()
                if "energy" in k[0] or k[0] == "volume"}
        self.assertTrue(want)
        tmp = tempfile.TemporaryDirectory()
        peer = Peer(units, tmp.name)
        site = os.path.join(tmp.name, "site")

        def ews(*args, ok=True):
            r = subprocess.run([EWS, "--site", site] + [str(a) for a in args],
                               env=dict(os.environ, EWS_CATALOG_DIR=CATALOG),
                               capture_output=True, timeout=60)
            if ok:
                self.assertEqual(r.returncode, 0, r.stderr.decode())
            return r.stdout.decode()

        try:
            ews("init")
            live_gw = ews("gateway", "add", "--name", "live", "--ip",
                          "127.0.0.1", "--port", peer.port).strip()
            dead_gw = ews("gateway", "add", "--name", "dead", "--ip",
                          "127.0.0.1", "--port", closed_port()).strip()
            live = int(ews("device", "add", "--gateway", live_gw, "--model",
                           "eastron_sdm630", "--address", 1, "--name",
                           "Main"))
            dead = int(ews("device", "add", "--gateway", dead_gw, "--model",
                           "eastron_sdm630", "--address", 1, "--name",
                           "Lost"))
            out = json.loads(ews("poll", "--once", "--json"))
            outcome = {d["device_id"]: d["outcome"] for d in out["devices"]}
            self.assertEqual(outcome, {live: "ok", dead: "refused"})
            got = {(r["quantity"], r["order"]): r["value"]
                   for r in out["readings"] if r["device_id"] == live}
            self.assertEqual(sorted(got), sorted(want))
            for k, v in want.items():
                self.assertTrue(math.isclose(got[k], v, rel_tol=1e-12), k)
            self.assertFalse([r for r in out["readings"]
                              if r["device_id"] == dead])
            samples = json.loads(ews("samples", "list", "--device", live,
                                     "--json"))
            self.assertEqual(len(samples), len(want))
            self.assertTrue(all(s["t_ms"] == out["t_ms"] for s in samples))
            status = {d["id"]: d["status"]
                      for d in json.loads(ews("device", "list", "--json"))}
            self.assertEqual(status, {live: "on", dead: "comm_error"})
            events = json.loads(ews("events", "list", "--json"))
            self.assertEqual(sorted((e["device_id"], e["new_status"])
                                    for e in events),
                             sorted([(live, "on"), (dead, "comm_error")]))
        finally:
            peer.stop()
            tmp.cleanup()


class WriteTest(unittest.TestCase):
    """ews device write (ACQ-6) against ews-sim's EV station, which follows
    its setpoint register."""

    def test_setpoint_write_is_read_back_and_refusals_name_the_field(self):
        sim = os.environ.get("EWS_SIM_BIN")
        if not sim:
            self.skipTest("EWS_SIM_BIN is not set")
        tmp = tempfile.TemporaryDirectory()
        cfg = os.path.join(tmp.name, "sim.json")
        port_file = os.path.join(tmp.name, "port")
        with open(cfg, "w") as f:
            json.dump({"devices": [{"unit": 3, "model":
                                    "heidelberg_energy_control",
                                    "setpoint_a": 16}]}, f)
        proc = subprocess.Popen([sim, "--port", "0", "--port-file", port_file,
                                 "--config", cfg, "--catalog", CATALOG,
                                 "--time-scale", "0"])
        site = os.path.join(tmp.name, "site")

        def ews(*args, code=0):
            r = subprocess.run([EWS, "--site", site] + [str(a) for a in args],
                               env=dict(os.environ, EWS_CATALOG_DIR=CATALOG),
                               capture_output=True, timeout=60)
            self.assertEqual(r.returncode, code, r.stderr.decode())
            return r

        try:
            deadline = time.time() + 10
            while not os.path.exists(port_file) and time.time() < deadline:
                time.sleep(0.05)
            with open(port_file) as f:
                port = int(f.read())
            ews("init")
            gw = ews("gateway", "add", "--name", "sim", "--ip", "127.0.0.1",
                     "--port", port).stdout.decode().strip()
            dev = ews("device", "add", "--gateway", gw, "--model",
                      "heidelberg_energy_control", "--address", 3
                      ).stdout.decode().strip()

            def setpoint():
                for r in json.loads(ews("device", "read", dev,
                                        "--json").stdout):
                    if r["quantity"] == "setpoint_current":
                        return r["value"]

            self.assertEqual(setpoint(), 16)
            out = json.loads(ews("device", "write", dev, "--quantity",
                                 "setpoint_current", "--value", "10.5",
                                 "--json").stdout)
            self.assertEqual(out["outcome"], "ok")
            self.assertEqual(setpoint(), 10.5)
            r = ews("device", "write", dev, "--quantity", "voltage_ln_l1",
                    "--value", 1, code=2)
            self.assertIn("quantity", r.stderr.decode())
            r = ews("device", "write", dev, "--quantity", "setpoint_current",
                    "--value", 1e9, code=2)
            self.assertIn("value", r.stderr.decode())
            self.assertEqual(setpoint(), 10.5)
            ews("device", "write", dev, "--quantity", "nonsense",
                "--value", 1, code=1)
        finally:
            proc.terminate()
            proc.wait(10)
            tmp.cleanup()


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(1 if failed else 0)
