"""The Modbus RTU path of libews (ACQ-1, ACQ-3, INS-5): the Local gateway
(id 1) of a site is the host's RS485 port, opened with the rs485_* settings.

ews-sim (`--rtu`, `--time-scale 0`, a fixed `--start`) serves the devices
on one end of a serial line made of two pseudo-terminal pairs joined by a
relay thread (what `socat pty,raw,echo=0 pty,raw,echo=0` would do);
rs485_port is the other end. `ews device read` must return bit for bit
what `ews-sim --print-values` says is served, `ews device test`, `ews
gateway test 1` and `ews poll --once` must report each outcome, a silent
address must time out after rs485_timeout_ms, and a parity mismatch, a
late answer or a corrupted answer must end in a failure, never in wrong
values or a Modbus exception the device did not send.

A pty moves bytes, not bits: it ignores the baud rate and clears PARENB
(pty_set_termios), so a parity mismatch would go unnoticed. The relay
therefore reads the line settings each end has set (tcgetattr on its slave:
speed, CSTOPB, and INPCK/PARODD, which libmodbus sets for parity E and O
and which the pty keeps) and, when the two ends differ, hands the bytes
through a model of a UART: start bit, 8 data bits, parity, stop bits out;
a receiver that finds a wrong parity bit (INPCK) or a 0 stop bit delivers
a NUL byte, as Linux does without IGNPAR/PARMRK. The same settings seen at
both ends let the bytes through unchanged.

Run with EWS_BIN, EWS_SIM_BIN and EWS_CATALOG_DIR; Python stdlib only.
"""
import json
import math
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "peers"))
from ptyline import Line  # noqa: E402
from recording import recorded_counter  # noqa: E402

EWS = os.environ.get("EWS_BIN", "ews")
SIM = os.environ.get("EWS_SIM_BIN", "ews-sim")
CATALOG = os.environ.get("EWS_CATALOG_DIR", "")

START = "2024-03-05T10:00:00Z"  # a Tuesday, office hours
LOCAL = "1"                     # the Local gateway of every new site
DEVICES = [{"unit": 1, "model": "eastron_sdm120"},
           {"unit": 2, "model": "carlo_gavazzi_em340"}]
GHOST = 9                       # an address ews-sim does not serve

UNIT_FACTOR = {"kWh": 1e3, "kvarh": 1e3, "kVAh": 1e3, "MWh": 1e6,
               "kW": 1e3, "kvar": 1e3, "kVA": 1e3, "m3": 1e3}


# -- the catalogue: an independent reading of a register -----------------

def catalog_map(key):
    with open(os.path.join(CATALOG, key + ".json")) as f:
        regs = json.load(f)["map"]
    return {(r["quantity"], r.get("order", 0)): r for r in regs}


def decode(reg, words):
    """Canonical value (Wh, W, V, A, ...) of a register's words."""
    t, ws = reg["type"], list(words)
    if reg.get("word_order", "be") == "lsw":
        ws.reverse()
    v = 0
    for w in ws:
        v = v << 16 | w
    if t == "f32":
        v = struct.unpack(">f", struct.pack(">I", v))[0]
    elif t == "f64":
        v = struct.unpack(">d", struct.pack(">Q", v))[0]
    elif t.startswith("s") and v >= 1 << (16 * len(ws) - 1):
        v -= 1 << (16 * len(ws))
    if "values" in reg:
        raise AssertionError("coded register %s not expected here" %
                             reg["quantity"])
    return v * reg.get("scale", 1) * UNIT_FACTOR.get(reg["unit"], 1.0)


def is_counter(quantity):
    """ews_quantity_is_counter(): the energies and the volume."""
    return "energy" in quantity or quantity == "volume"


# -- the serial line: tests/peers/ptyline.py ------------------------------

class Sim:
    """ews-sim serving devices as RTU slaves on end 0 of a Line."""

    def __init__(self, tmp, line, baud, parity, stop, devices):
        self.cfg = os.path.join(tmp, "sim.json")
        with open(self.cfg, "w") as f:
            json.dump({"devices": devices}, f)
        self.proc = subprocess.Popen(
            [SIM, "--rtu", line.path(0), "--baud", str(baud), "--parity",
             parity, "--stop", str(stop), "--config", self.cfg,
             "--catalog", CATALOG, "--start", START, "--time-scale", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.wait_open(line.path(0))

    def wait_open(self, path):
        """Until ews-sim has the serial port open (and configured)."""
        fds = "/proc/%d/fd" % self.proc.pid
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("ews-sim exited: %s" %
                                     self.proc.stderr.read().decode())
            try:
                links = [os.readlink(os.path.join(fds, f))
                         for f in os.listdir(fds)]
            except OSError:
                links = []
            if path in links:
                time.sleep(0.1)  # modbus_connect() sets the line up
                return
            time.sleep(0.02)
        raise AssertionError("ews-sim did not open %s" % path)

    def values(self):
        """--print-values as {unit: {(quantity, order): register}}."""
        p = subprocess.run([SIM, "--print-values", "--config", self.cfg,
                            "--catalog", CATALOG, "--start", START],
                           capture_output=True, timeout=20)
        if p.returncode != 0:
            raise AssertionError("ews-sim --print-values: %s" %
                                 p.stderr.decode())
        return {d["unit"]: {(r["quantity"], r.get("order", 0)): r
                            for r in d["registers"]}
                for d in json.loads(p.stdout)["devices"]}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err.decode()


class Site:
    def __init__(self, tmp, name="site"):
        self.dir = os.path.join(tmp, name)

    def run(self, *args, timeout=30):
        """(exit status, stdout, stderr, seconds taken)."""
        env = dict(os.environ, EWS_CATALOG_DIR=CATALOG)
        t0 = time.monotonic()
        p = subprocess.run([EWS, "--site", self.dir] + [str(a) for a in args],
                           env=env, capture_output=True, timeout=timeout)
        return (p.returncode, p.stdout.decode(), p.stderr.decode(),
                time.monotonic() - t0)

    def __call__(self, *args):
        rc, out, err, _ = self.run(*args)
        if rc != 0:
            raise AssertionError("ews %s: exit %d: %s" % (
                " ".join(str(a) for a in args), rc, err))
        return out

    def setup(self, port, baud, parity, stop, timeout_ms):
        self("init")
        for k, v in (("rs485_port", port), ("rs485_baud", baud),
                     ("rs485_parity", parity), ("rs485_stop_bits", stop),
                     ("rs485_timeout_ms", timeout_ms)):
            self("settings", "set", k, v)

    def add(self, model, address, name):
        return int(self("device", "add", "--gateway", LOCAL, "--model",
                        model, "--address", address, "--name", name))


class RtuTestCase(unittest.TestCase):
    """A line, an ews-sim on end 0 and a site whose rs485_port is end 1."""
    SIM_LINE = (9600, "O", 2)  # not the defaults: the settings must count
    EWS_LINE = (9600, "odd", 2)
    SIM_DEVICES = DEVICES
    SITE_DEVICES = DEVICES

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="ews-rtu-")
        cls.line = Line()
        cls.line.start()
        try:
            cls.sim = Sim(cls.tmp.name, cls.line, *cls.SIM_LINE,
                          devices=cls.SIM_DEVICES)
        except Exception:
            cls.line.close()
            cls.tmp.cleanup()
            raise
        cls.printed = cls.sim.values()
        cls.site = Site(cls.tmp.name)
        cls.site.setup(cls.line.path(1), *cls.EWS_LINE, 200)
        cls.dev = {d["unit"]: cls.site.add(d["model"], d["unit"],
                                           "%s-%d" % (d["model"], d["unit"]))
                   for d in cls.SITE_DEVICES}

    @classmethod
    def tearDownClass(cls):
        rc, err = cls.sim.stop()
        cls.line.close()
        cls.tmp.cleanup()
        if rc != 0 or "Sanitizer" in err:
            raise AssertionError("ews-sim ended badly (%d): %s" % (rc, err))

    def read_json(self, dev):
        rc, out, err, _ = self.site.run("device", "read", dev, "--json")
        self.assertEqual(rc, 0, err)
        got = {}
        for r in json.loads(out):
            key = (r["quantity"], r["order"])
            self.assertNotIn(key, got, "read twice")
            self.assertEqual(r["device_id"], dev)
            got[key] = r["value"]
        return got

    def assert_served(self, unit, got, only=None, recorded=False):
        """got holds exactly what ews-sim serves to unit, bit for bit (as
        recorded: counters in thousandths of their unit)."""
        served = self.printed[unit]
        regs = catalog_map([d["model"] for d in self.SIM_DEVICES
                            if d["unit"] == unit][0])
        want = {}
        for key, r in served.items():
            if only and not only(key[0]):
                continue
            mine = decode(regs[key], r["words"])
            self.assertTrue(math.isclose(mine, r["served"], rel_tol=1e-12,
                                         abs_tol=1e-12),
                            "%s: words %r decode to %r here, %r printed" %
                            (key, r["words"], mine, r["served"]))
            want[key] = (recorded_counter(r["served"]) if recorded
                         else r["served"])
        self.assertTrue(want)
        self.assertEqual(sorted(got), sorted(want), "unit %d" % unit)
        for key, v in want.items():
            self.assertEqual(got[key], v, "unit %d %s: read %r, served %r" %
                             (unit, key, got[key], v))


class LocalGatewayTest(RtuTestCase):
    def test_device_read_sdm120_returns_the_served_values(self):
        self.assert_served(1, self.read_json(self.dev[1]))

    def test_device_read_em340_returns_the_served_values(self):
        self.assert_served(2, self.read_json(self.dev[2]))

    def test_line_is_set_from_the_rs485_settings(self):
        self.line.forget()
        self.read_json(self.dev[1])
        self.assertEqual(self.line.settings_seen(1), {self.SIM_LINE})
        self.assertEqual(self.line.settings_seen(0), {self.SIM_LINE})

    def test_device_test_ok(self):
        for unit, dev in sorted(self.dev.items()):
            with self.subTest(unit=unit):
                rc, out, err, _ = self.site.run("device", "test", dev,
                                                "--json")
                res = json.loads(out)
                self.assertEqual((rc, res["outcome"]), (0, "ok"), out + err)
                self.assertIsNone(res["exception_code"])
                self.assertGreater(res["round_trip_ms"], 0)
                self.assertLess(res["round_trip_ms"], 1000)

    def test_gateway_test_ok(self):
        rc, out, err, _ = self.site.run("gateway", "test", LOCAL, "--json")
        res = json.loads(out)
        self.assertEqual((rc, res["outcome"]), (0, "ok"), out + err)
        rc, out, err, _ = self.site.run("gateway", "test", LOCAL)
        self.assertEqual(rc, 0, err)
        self.assertIn("ok", out)

    def test_silent_address_times_out_after_rs485_timeout_ms(self):
        ghost = self.site.add("eastron_sdm120", GHOST, "ghost")
        try:
            rc, out, err, took = self.site.run("device", "test", ghost,
                                               "--json")
            res = json.loads(out)
            self.assertEqual((rc, res["outcome"]), (3, "timeout"),
                             out + err)
            self.assertIn("200 ms", res["message"])
            self.assertIsNone(res["round_trip_ms"])
            self.assertGreaterEqual(took, 0.2)
            self.assertLess(took, 1.0)
            rc, out, err, took = self.site.run("device", "read", ghost,
                                               "--json")
            self.assertEqual(rc, 3, out + err)
            self.assertIn("timeout", err)
            self.assertEqual(out, "")
            self.assertGreaterEqual(took, 0.2)
            self.assertLess(took, 1.0)
            # the bus is still in step for the next device
            self.assert_served(1, self.read_json(self.dev[1]))
        finally:
            self.site("device", "delete", ghost)

    def test_poll_once_records_both_counters(self):
        rc, out, err, took = self.site.run("poll", "--once", "--json")
        self.assertEqual(rc, 0, err)
        res = json.loads(out)
        outcome = {d["device_id"]: d["outcome"] for d in res["devices"]}
        self.assertEqual(outcome, {self.dev[1]: "ok", self.dev[2]: "ok"})
        for unit, dev in self.dev.items():
            got = {(r["quantity"], r["order"]): r["value"]
                   for r in res["readings"] if r["device_id"] == dev}
            self.assert_served(unit, got, only=is_counter, recorded=True)
            samples = json.loads(self.site("samples", "list", "--device",
                                           dev, "--json"))
            self.assertEqual(sorted((s["quantity"], s["order"], s["value"])
                                    for s in samples),
                             sorted((k[0], k[1], v) for k, v in got.items()))
            self.assertTrue(all(s["t_ms"] == res["t_ms"] for s in samples))


class ParityMismatchTest(RtuTestCase):
    """ews at 8N1, ews-sim at 8E1: a failure, never wrong values."""
    SIM_LINE = (19200, "E", 1)
    EWS_LINE = (19200, "none", 1)

    def test_mismatch_fails_then_matching_parity_reads(self):
        self.line.forget()
        rc, out, err, took = self.site.run("device", "read", self.dev[1],
                                           "--json")
        self.assertNotEqual(rc, 0, "read through a parity mismatch: " + out)
        self.assertEqual(out, "")
        self.assertLess(took, 1.0)
        self.assertEqual(self.line.settings_seen(1), {(19200, "N", 1)})
        rc, out, err, _ = self.site.run("device", "test", self.dev[2],
                                        "--json")
        res = json.loads(out)
        self.assertEqual(rc, 3, out + err)
        self.assertIn(res["outcome"], ("timeout", "io"))
        self.site("settings", "set", "rs485_parity", "even")
        try:
            self.assert_served(2, self.read_json(self.dev[2]))
        finally:
            self.site("settings", "set", "rs485_parity", "none")


SLOW = 3  # an SDM120 that answers 400 ms late


class LineFaultTest(RtuTestCase):
    """What a serial bus does besides answering: a meter slower than
    rs485_timeout_ms, a line that corrupts every answer. Neither may end
    in wrong values, nor in an outcome the device did not give."""
    SIM_LINE = (19200, "E", 1)
    EWS_LINE = (19200, "even", 1)
    SIM_DEVICES = DEVICES + [{"unit": SLOW, "model": "eastron_sdm120",
                              "faults": {"latency_ms": 400}}]
    SITE_DEVICES = [SIM_DEVICES[2], SIM_DEVICES[1]]  # polled in this order

    def tearDown(self):
        self.line.corrupt = False
        self.line.drain(1, 0.5)

    def test_rs485_timeout_ms_is_the_response_timeout(self):
        rc, out, err, took = self.site.run("device", "test",
                                           self.dev[SLOW], "--json")
        self.assertEqual((rc, json.loads(out)["outcome"]), (3, "timeout"),
                         out + err)
        # The outcome shows the 300 ms timeout applied (the answer comes
        # at 400 ms); the time bounds the retries only, with room for an
        # ASan process starting on a loaded machine (1.03 s was seen).
        self.assertLess(took, 2.0)
        self.line.drain(1, 0.5)
        self.site("settings", "set", "rs485_timeout_ms", 1000)
        try:
            rc, out, err, took = self.site.run("device", "test",
                                               self.dev[SLOW], "--json")
            res = json.loads(out)
            self.assertEqual((rc, res["outcome"]), (0, "ok"), out + err)
            self.assertGreaterEqual(res["round_trip_ms"], 400)
            self.assertLess(res["round_trip_ms"], 1000)
        finally:
            self.site("settings", "set", "rs485_timeout_ms", 200)

    def test_late_answer_is_never_taken_for_the_next_request(self):
        # With a 300 ms timeout the slow meter's answer comes 100 ms after
        # ews gave up on it, while ews waits for the EM340's (ews-sim
        # answers one request at a time, as one bus does).
        self.site("settings", "set", "rs485_timeout_ms", 300)
        try:
            rc, out, err, _ = self.site.run("poll", "--once", "--json")
        finally:
            self.site("settings", "set", "rs485_timeout_ms", 200)
        self.assertEqual(rc, 0, err)
        res = json.loads(out)
        outcome = {d["device_id"]: d for d in res["devices"]}
        self.assertEqual(outcome[self.dev[SLOW]]["outcome"], "timeout")
        em = outcome[self.dev[2]]
        got = {(r["quantity"], r["order"]): r["value"]
               for r in res["readings"] if r["device_id"] == self.dev[2]}
        served = self.printed[2]
        wrong = {k: (v, served[k]["served"]) for k, v in got.items()
                 if v != recorded_counter(served[k]["served"])}
        self.assertEqual(wrong, {}, "EM340 values recorded (read, served)")
        self.assertIn(em["outcome"], ("ok", "timeout", "io"),
                      "the EM340 sent no exception: %r" % em)
        if em["outcome"] == "ok":
            self.assert_served(2, got, only=is_counter, recorded=True)
        else:
            self.assertEqual(got, {})

    def test_corrupted_answer_is_an_io_failure_not_an_exception(self):
        self.line.corrupt = True
        dev = self.dev[2]
        rc, out, err, _ = self.site.run("device", "test", dev, "--json")
        res = json.loads(out)
        self.assertEqual(rc, 3, out + err)
        self.assertIn(res["outcome"], ("io", "timeout"), out)
        self.assertIsNone(res["exception_code"], out)
        rc, out, err, _ = self.site.run("device", "read", dev, "--json")
        self.assertEqual(rc, 3, "device read through a corrupting line: "
                         "exit %d, %r" % (rc, out))
        self.assertEqual(out, "")


class SettingsTest(unittest.TestCase):
    def test_rs485_settings_are_checked(self):
        with tempfile.TemporaryDirectory(prefix="ews-rtu-") as tmp:
            site = Site(tmp)
            site("init")
            show = site("settings", "show")
            for k, v in (("rs485_port", "/dev/ttyUSB0"),
                         ("rs485_baud", "19200"), ("rs485_parity", "even"),
                         ("rs485_stop_bits", "1"),
                         ("rs485_timeout_ms", "300")):
                self.assertRegex(show, r"(?m)^%s +%s$" % (k, v))
            for k, v in (("rs485_port", "/tmp/tty"),
                         ("rs485_port", "/dev/../tmp/tty"),
                         ("rs485_port", "ttyUSB0"),
                         ("rs485_baud", "12345"), ("rs485_parity", "e"),
                         ("rs485_parity", "E"), ("rs485_stop_bits", "3"),
                         ("rs485_timeout_ms", "49"),
                         ("rs485_timeout_ms", "10001")):
                with self.subTest(setting=k, value=v):
                    rc, _, err, _ = site.run("settings", "set", k, v)
                    self.assertEqual(rc, 2, err)
                    self.assertIn(k, err)
            site("settings", "set", "rs485_port", "/dev/ews-no-such-tty")
            rc, out, err, _ = site.run("gateway", "test", LOCAL, "--json")
            self.assertEqual(rc, 3, out + err)
            self.assertEqual(json.loads(out)["outcome"], "io")


if __name__ == "__main__":
    if not CATALOG:
        print("EWS_CATALOG_DIR must be set")
        print("0 passed, 1 failed")
        sys.exit(1)
    result = unittest.main(exit=False, verbosity=2).result
    failed = {getattr(t, "test_case", t).id()
              for t, _ in result.failures + result.errors}
    ran = len({getattr(t, "test_case", t).id()
               for t, _ in result.failures + result.errors
               if isinstance(getattr(t, "test_case", t), unittest.TestCase)})
    print("%d passed, %d failed" % (result.testsRun - ran, len(failed)))
    sys.exit(1 if failed else 0)
