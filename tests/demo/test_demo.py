#!/usr/bin/python3
"""The demo site (issue 8, item 5): `ews-demo` builds the office building
with 30 days of history into a temporary directory, `ews-sim` serves its
devices from the configuration it wrote, and one live poll (`ews poll
--once`) follows the history.

Checked: every load has consumption on every day of the history; the
electricity costs use both the peak and the off-peak tariff; the first
live poll answers for every mapped device, sets no device in error,
continues every counter without a reset or an absurd jump and leaves no
estimated bucket; Green'Up's status shows the four stations; the same
--now gives the same history and configuration.

Run by meson with EWS_DEMO_BIN, EWS_SIM_BIN, EWS_BIN and EWS_CATALOG_DIR.
The last line of output is "N passed, N failed".
"""
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from zoneinfo import ZoneInfo

sys.dont_write_bytecode = True

DEMO = os.environ.get("EWS_DEMO_BIN", "ews-demo")
SIM = os.environ.get("EWS_SIM_BIN", "ews-sim")
EWS = os.environ.get("EWS_BIN", "ews")
CATALOG = os.environ.get("EWS_CATALOG_DIR", "")
DAYS = 30
STATIONS = ["Car park 1", "Car park 2", "Car park 3", "Car park 4"]
LOADS = ["Heating", "Cooling", "Domestic hot water", "Lighting",
         "Power sockets", "Ventilation and auxiliaries",
         "Electric vehicles"]
# The most a device can draw, W: beyond it a counter step is absurd.
MAX_W = {"Main incomer": 250000}
DEFAULT_MAX_W = 60000


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def run(cmd, timeout=120):
    r = subprocess.run(cmd, capture_output=True, timeout=timeout,
                       env=dict(os.environ, EWS_CATALOG_DIR=CATALOG))
    if r.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (
            " ".join(cmd), r.returncode, r.stderr.decode()))
    return r.stdout.decode()


def ews(site, *args):
    return run([EWS, "--site", site] + [str(a) for a in args])


def ews_json(site, *args):
    return json.loads(ews(site, *args, "--json"))


def local_dates(first, last):
    d = first
    while d <= last:
        yield d
        d += datetime.timedelta(days=1)


class Demo:
    """The demo built once: its site, ews-sim serving it, one poll."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ews-demo-")
        self.site = os.path.join(self.tmp.name, "site")
        self.cfg = os.path.join(self.tmp.name, "sim.json")
        self.ports = free_ports(2)
        self.now = datetime.datetime.now(datetime.timezone.utc).replace(
            microsecond=0)
        self.now_text = self.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.sim = None
        self.output = self.build(self.site, self.cfg)

    def build(self, site, cfg):
        return run([DEMO, "--site", site, "--sim-config", cfg, "--ports",
                    "%d,%d" % tuple(self.ports), "--now", self.now_text,
                    "--days", str(DAYS), "--catalog", CATALOG])

    def start_sim(self):
        port_file = os.path.join(self.tmp.name, "ports")
        self.sim = subprocess.Popen(
            [SIM, "--config", self.cfg, "--start", self.now_text,
             "--catalog", CATALOG, "--port-file", port_file],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while not os.path.exists(port_file):
            if self.sim.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("ews-sim did not start: %s" %
                                     self.sim.stderr.read().decode())
            time.sleep(0.02)
        with open(port_file) as f:
            return [int(p) for p in f.read().split()]

    def stop_sim(self):
        if self.sim.poll() is None:
            self.sim.send_signal(signal.SIGTERM)
        out, err = self.sim.communicate(timeout=10)
        return self.sim.returncode, err.decode()

    def last_counters(self):
        """{device id: (t_ms, value)} of every counter's last sample, from
        the history's last instant on."""
        last = {}
        for s in ews_json(self.site, "samples", "list", "--from",
                          int(self.now.timestamp() * 1000)):
            if s["quantity"] in ("active_energy_import", "volume"):
                last[s["device_id"]] = (s["t_ms"], s["value"])
        return last


class TestDemo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = d = Demo()
        cls.devices = {x["id"]: x for x in ews_json(d.site, "device",
                                                   "list")}
        cls.history = d.last_counters()
        cls.served_ports = d.start_sim()
        cls.poll = ews_json(d.site, "poll", "--once")
        cls.after = d.last_counters()
        ews(d.site, "evse", "run", "--for", 2)
        cls.greenup = ews_json(d.site, "evse", "status")
        cls.sim_end = d.stop_sim()

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def by_name(self, name):
        for x in self.devices.values():
            if x["name"] == name:
                return x
        self.fail("no device %s" % name)

    # -- the site ------------------------------------------------------

    def test_the_building_and_its_output(self):
        out = self.d.output
        self.assertIn("history: %d days" % DAYS, out)
        self.assertRegex(out, r"samples in \d+\.\d+ s")
        gws = ews_json(self.d.site, "gateway", "list")
        self.assertEqual(sorted(g["port"] for g in gws
                                if g["kind"] == "physical"),
                         sorted(self.d.ports))
        self.assertEqual(self.served_ports, self.d.ports)
        for name in ["Main incomer", "Gas meter", "Water meter"] + STATIONS:
            self.by_name(name)
        loads = {x["id"]: x["name"] for x in ews_json(self.d.site, "load",
                                                      "list")}
        metered = {loads.get(x["load_id"]) for x in self.devices.values()}
        for name in LOADS:
            self.assertIn(name, metered)
        self.assertTrue(self.by_name("Main incomer")["exclude_totals"])
        settings = ews(self.d.site, "settings", "show")
        self.assertIn("Europe/Rome", settings)
        self.assertIn("EUR", settings)

    def test_the_same_now_gives_the_same_demo(self):
        site = os.path.join(self.d.tmp.name, "again")
        cfg = os.path.join(self.d.tmp.name, "again.json")
        self.d.build(site, cfg)
        with open(self.d.cfg) as a, open(cfg) as b:
            self.assertEqual(a.read(), b.read())
        # last month: the live poll of the first site added to today
        month = (self.local_today().replace(day=1) -
                 datetime.timedelta(days=1)).replace(day=1).isoformat()
        args = ("consumption", "--scope", "site", "--period", "month",
                "--date", month, "--costs")
        self.assertEqual(ews_json(site, *args),
                         ews_json(self.d.site, *args))

    # -- the history ---------------------------------------------------

    def daily(self, scope, commodity):
        """{local date: bucket} over the months the history covers."""
        out = {}
        today = self.local_today()
        first = today - datetime.timedelta(days=DAYS)
        month = first.replace(day=1)
        while month <= today:
            h = ews_json(self.d.site, "consumption", "--scope", scope,
                         "--commodity", commodity, "--period", "month",
                         "--date", month.isoformat())
            for b in h["buckets"]:
                out[datetime.date.fromisoformat(b["start"][:10])] = b
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return out

    def local_today(self):
        return self.d.now.astimezone(ZoneInfo("Europe/Rome")).date()

    def test_every_load_has_consumption_every_day(self):
        loads = ews_json(self.d.site, "load", "list")
        today = self.local_today()
        days = list(local_dates(today - datetime.timedelta(days=DAYS),
                                today - datetime.timedelta(days=1)))
        self.assertEqual(len(days), DAYS)
        for load in loads:
            if load["name"] not in LOADS + ["Gas", "Water"]:
                continue
            commodity = load["name"].lower() \
                if load["name"] in ("Gas", "Water") else "electricity"
            got = self.daily("load:%d" % load["id"], commodity)
            for day in days:
                b = got.get(day)
                self.assertTrue(b and b["recorded"],
                                "%s: nothing on %s" % (load["name"], day))
                self.assertFalse(b["estimated"], (load["name"], day))
                if load["name"] not in ("Electric vehicles", "Gas"):
                    self.assertGreater(b["value"], 0,
                                       (load["name"], day))
            positive = sum(1 for d in days if got[d]["value"] > 0)
            self.assertGreater(positive, DAYS // 3, load["name"])

    def test_costs_use_both_electricity_tariffs(self):
        h = ews_json(self.d.site, "consumption", "--scope", "site",
                     "--period", "year", "--date",
                     self.d.now.strftime("%Y-01-01"), "--costs")
        by = h["total_by_tariff"]
        self.assertGreater(by.get("Peak", 0), 0, by)
        self.assertGreater(by.get("Off-peak", 0), 0, by)
        self.assertNotIn("unpriced", h)
        for commodity, tariff in (("gas", "Natural gas"),
                                  ("water", "Mains water")):
            h = ews_json(self.d.site, "consumption", "--scope", "site",
                         "--commodity", commodity, "--period", "month",
                         "--date", self.d.now.strftime("%Y-%m-01"),
                         "--costs")
            self.assertIn(tariff, h["total_by_tariff"], commodity)

    # -- the first live poll -------------------------------------------

    def test_the_first_poll_reads_every_mapped_device(self):
        outcomes = {r["device_id"]: r["outcome"]
                    for r in self.poll["devices"]}
        for dev in self.devices.values():
            want = "no_map" if dev["model"].startswith(
                ("pulse_", "megatiker", "megabreak")) else "ok"
            self.assertEqual(outcomes[dev["id"]], want, dev["name"])
        events = ews_json(self.d.site, "events", "list")
        self.assertTrue(events)
        for e in events:
            self.assertEqual(e["new_status"], "on", e)

    def test_the_first_poll_continues_every_counter(self):
        t_poll = self.poll["t_ms"]
        for dev_id, (t0, v0) in self.history.items():
            name = self.devices[dev_id]["name"]
            self.assertEqual(t0, int(self.d.now.timestamp() * 1000), name)
            if dev_id not in self.after or self.after[dev_id][0] == t0:
                # gas and water: no register map, no live reading
                self.assertIn(name, ("Gas meter", "Water meter"))
                continue
            t1, v1 = self.after[dev_id]
            self.assertEqual(t1, t_poll, name)
            self.assertGreaterEqual(v1, v0, "%s went back" % name)
            hours = (t1 - t0) / 3.6e6
            # within what it can draw, and the coarsest register step
            self.assertLessEqual(v1 - v0,
                                 MAX_W.get(name, DEFAULT_MAX_W) * hours +
                                 100, "%s jumped" % name)
        today = ews_json(self.d.site, "consumption", "--scope", "site",
                         "--period", "day", "--date",
                         self.local_today().isoformat())
        self.assertFalse([b for b in today["buckets"] if b["estimated"]])

    def test_greenup_shows_the_four_stations(self):
        st = self.greenup
        self.assertTrue(st["enabled"])
        self.assertTrue(st["meter_ok"])
        self.assertEqual(sorted(s["name"] for s in st["stations"]),
                         STATIONS)
        for s in st["stations"]:
            self.assertTrue(s["powered"] and s["managed"], s)
            self.assertEqual(s["rated_a"], 16)
        # a car is plugged in on each gateway when ews-sim starts
        self.assertGreaterEqual(
            sum(1 for s in st["stations"] if s["connected_ms"]), 2)

    def test_ews_sim_stops_cleanly(self):
        rc, err = self.sim_end
        self.assertEqual(rc, 0, err)
        self.assertNotIn("Sanitizer", err)
        self.assertNotIn("runtime error", err)


def main():
    for name, path in (("EWS_DEMO_BIN", DEMO), ("EWS_SIM_BIN", SIM),
                       ("EWS_BIN", EWS)):
        if not os.access(path, os.X_OK):
            print("%s is not set to a program" % name)
            print("0 passed, 1 failed")
            return 1
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(TestDemo)
    result = unittest.TextTestRunner(stream=sys.stdout,
                                     verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
