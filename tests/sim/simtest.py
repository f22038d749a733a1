"""Shared fixture and runner of the `ews-sim` tests (see test_sim.py).

A SimTestCase has a temporary directory; sim() starts ews-sim on a free
port (--port 0 --port-file) and stops it with SIGTERM at the end. Raw is a
minimal Modbus TCP client on a plain socket, for exact control over
exceptions, silences and dropped connections; pymodbus reads the bulk of
the registers. decode() is an independent Python reading of a register of
the catalogue (type, word order, scale, unit, value table).
"""
import json
import os
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import pyrunner  # noqa: E402  (tests/pyrunner.py)

SIM = os.environ.get("EWS_SIM_BIN", "")
EWS = os.environ.get("EWS_BIN", "")
CATALOG = os.environ.get("EWS_CATALOG_DIR", "")

START = "2024-03-05T10:00:00Z"  # a Tuesday, office hours

# Every model of the catalogue that has a register map.
MAPPED = ["eastron_sdm630", "eastron_sdm120", "abb_b23_b24",
          "carlo_gavazzi_em24", "carlo_gavazzi_em340", "janitza_umg96rm",
          "schneider_iem3000", "socomec_countis_e24", "btdin_f3n200",
          "heidelberg_energy_control", "phoenix_contact_ev_cc_eth",
          "abl_emh1", "schneider_evlink_pro_ac", "bender_cc612"]

UNIT_FACTOR = {"kWh": 1e3, "kvarh": 1e3, "kVAh": 1e3, "MWh": 1e6,
               "kW": 1e3, "kvar": 1e3, "kVA": 1e3, "m3": 1e3}
CODED = {"cp_state": {c: i + 1 for i, c in enumerate("ABCDEF")},
         "state": {"open": 0, "closed": 1, "tripped": 2}}


class ModbusException(Exception):
    def __init__(self, code):
        super().__init__("Modbus exception %d" % code)
        self.code = code


class Closed(Exception):
    """The server closed the connection."""


# -- the catalogue -----------------------------------------------------

def address(a):
    return int(a, 16) if isinstance(a, str) else a


def model_map(key, catalog=None):
    with open(os.path.join(catalog or CATALOG, key + ".json")) as f:
        regs = json.load(f)["map"]
    for r in regs:
        r["address"] = address(r["address"])
    return regs


def generic_map(dev):
    """The one register of a generic meter of a configuration."""
    words = dev["words"]
    return [{"quantity": "active_energy_import", "function": dev["read_code"],
             "address": address(dev["register"]), "words": words,
             "type": dev.get("type", {1: "u16", 2: "u32", 4: "u64"}[words]),
             "word_order": dev.get("word_order", "be"),
             "scale": dev["multiplier"], "unit": "kWh"}]


def raw_value(reg, words):
    t = reg["type"]
    if t == "bit":
        return 1 if words[0] else 0
    if t == "ascii_low":
        return words[0] & 0xFF
    if t == "ascii_high":
        return words[0] >> 8
    ws = list(words)
    if reg.get("word_order", "be") == "lsw":
        ws.reverse()
    v = 0
    for w in ws:
        v = v << 16 | w
    n = 16 * len(ws)
    if t == "f32":
        return struct.unpack(">f", struct.pack(">I", v))[0]
    if t == "f64":
        return struct.unpack(">d", struct.pack(">Q", v))[0]
    if t.startswith("s") and v >= 1 << (n - 1):
        v -= 1 << n
    return v


def decode(reg, words):
    """Canonical value (Wh, W, V, A, …) of a register's words."""
    raw = raw_value(reg, words)
    factor = UNIT_FACTOR.get(reg["unit"], 1.0)
    if "values" in reg:
        return CODED[reg["quantity"]][reg["values"][str(raw)]] * factor
    return raw * reg.get("scale", 1) * factor


# -- a raw Modbus TCP client -------------------------------------------

class Raw:
    def __init__(self, port, timeout=2.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.tid = 0

    def close(self):
        self.sock.close()

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise Closed()
            buf += chunk
        return buf

    def request(self, unit, pdu, timeout=2.0):
        """The response PDU; None when nothing came within timeout."""
        self.tid = (self.tid + 1) & 0xFFFF
        self.sock.settimeout(timeout)
        self.sock.sendall(struct.pack(">HHHB", self.tid, 0, len(pdu) + 1,
                                      unit) + pdu)
        try:
            head = self._recv(7)
        except socket.timeout:
            return None
        tid, proto, length, u = struct.unpack(">HHHB", head)
        body = self._recv(length - 1)
        if (tid, proto, u) != (self.tid, 0, unit):
            raise AssertionError("bad MBAP %r" % (head,))
        return body

    def call(self, unit, pdu, timeout=2.0):
        rsp = self.request(unit, pdu, timeout)
        if rsp is None:
            raise socket.timeout("no reply")
        if rsp[0] & 0x80:
            raise ModbusException(rsp[1])
        return rsp

    def read(self, unit, fc, addr, count, timeout=2.0):
        rsp = self.call(unit, struct.pack(">BHH", fc, addr, count), timeout)
        if fc <= 2:
            return [(rsp[2 + i // 8] >> (i % 8)) & 1 for i in range(count)]
        return list(struct.unpack(">%dH" % count, rsp[2:2 + 2 * count]))

    def write(self, unit, fc, addr, values):
        if fc == 5:
            pdu = struct.pack(">BHH", 5, addr, 0xFF00 if values[0] else 0)
        elif fc == 6:
            pdu = struct.pack(">BHH", 6, addr, values[0])
        else:
            pdu = struct.pack(">BHHB%dH" % len(values), 16, addr,
                              len(values), 2 * len(values), *values)
        return self.call(unit, pdu)


# -- ews-sim -----------------------------------------------------------

class Sim:
    """A running ews-sim on a free port."""

    def __init__(self, tmp, args, port="0"):
        self.port_file = os.path.join(tmp, "port-%d" % id(self))
        cmd = [SIM, "--port-file", self.port_file] + args
        if port is not None:
            cmd += ["--port", port]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.port = self._wait_port()

    def _wait_port(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(self.port_file):
                with open(self.port_file) as f:  # --port's first
                    self.ports = [int(p) for p in f.read().split()]
                return self.ports[0]
            if self.proc.poll() is not None:
                out, err = self.proc.communicate()
                raise AssertionError("ews-sim exited %d: %s" % (
                    self.proc.returncode, err.decode()))
            time.sleep(0.01)
        raise AssertionError("ews-sim wrote no port file")

    def stop(self):
        """SIGTERM; (exit status, stdout, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, out.decode(), err.decode()


class SimTestCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ews-sim-")
        self.tmp = self._tmp.name
        self._sims = []
        self._clients = []

    def tearDown(self):
        for c in self._clients:
            c.close()
        ends = [s.stop() for s in self._sims]
        self._tmp.cleanup()
        for rc, out, err in ends:  # SIGTERM: a clean exit, no sanitizer
            self.assertEqual(rc, 0, err)
            self.assertNotIn("Sanitizer", err)
            self.assertNotIn("runtime error", err)

    def config(self, devices, name="cfg.json"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            json.dump({"devices": devices}, f)
        return path

    def base_args(self, devices=None, args=(), start=START, scale="0"):
        a = ["--catalog", CATALOG, "--start", start, "--time-scale", scale]
        if devices is not None:
            a += ["--config", self.config(devices)]
        return a + list(args)

    def sim(self, devices=None, args=(), port="0", **kw):
        s = Sim(self.tmp, self.base_args(devices, args, **kw), port)
        self._sims.append(s)
        return s

    def raw(self, sim, timeout=2.0):
        c = Raw(sim.port, timeout)
        self._clients.append(c)
        return c

    def run_sim(self, args, timeout=20):
        """ews-sim without a server: (status, stdout, stderr)."""
        p = subprocess.run([SIM] + list(args), capture_output=True,
                           timeout=timeout)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def values(self, devices=None, args=(), start=START):
        """--print-values as {unit: {"model", "registers"}}."""
        a = ["--print-values", "--catalog", CATALOG, "--start", start]
        if devices is not None:
            a += ["--config", self.config(devices, "values.json")]
        rc, out, err = self.run_sim(a + list(args))
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        return {d["unit"]: d for d in doc["devices"]}


def quantity(dev, name):
    """The printed register of a quantity of one device."""
    for r in dev["registers"]:
        if r["quantity"] == name:
            return r
    raise KeyError(name)


# -- runner ------------------------------------------------------------

def main(*modules):
    """Run every test of `modules`, several at a time: they spend their
    time waiting for ews-sim."""
    if not SIM or not os.access(SIM, os.X_OK) or not CATALOG:
        print("EWS_SIM_BIN and EWS_CATALOG_DIR must be set")
        print("0 passed, 1 failed")
        return 1
    return pyrunner.run(modules, min_jobs=8)
