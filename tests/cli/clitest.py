"""Shared fixture and runner of the `ews` CLI tests (see test_cli.py)."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import pyrunner  # noqa: E402  (tests/pyrunner.py)

EWS = os.environ.get("EWS_BIN", "")
CATALOG = os.environ.get("EWS_CATALOG_DIR", "")

NOUN_VERBS = {
    "gateway": ["add", "list", "show", "set", "on", "off", "delete"],
    "device": ["add", "list", "show", "set", "on", "off", "delete"],
    "load": ["add", "list", "show", "set", "enable", "disable", "delete"],
    "group": ["add", "list", "show", "set", "enable", "disable", "delete"],
    "board": ["add", "list", "show", "set", "enable", "disable", "delete"],
    "catalog": ["list", "show", "problems"],
    "settings": ["show", "set"],
    "evse": ["simulate", "config", "station", "charge", "run", "status"],
}

# Every listing of the configuration, as --json.
LISTINGS = [
    ["gateway", "list", "--json"],
    ["device", "list", "--json"],
    ["load", "list", "--json"],
    ["group", "list", "--json"],
    ["board", "list", "--json"],
    ["settings", "show", "--json"],
]

SDM630 = "eastron_sdm630"
GENERIC = ["--read-code", "4", "--register", "0x0048", "--words", "2",
           "--multiplier", "0.001"]


def is_id(v):
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


class EwsTestCase(unittest.TestCase):
    """A temporary directory with (after init()) one site in it."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ews-cli-")
        self.tmp = self._tmp.name
        self.site = os.path.join(self.tmp, "site")

    def tearDown(self):
        self._tmp.cleanup()

    # -- running ews ---------------------------------------------------

    def run_ews(self, *args, site=True, env=None):
        """Run ews; site=True: --site self.site, a str: that site,
        None: no --site. EWS_SITE is removed unless env sets it."""
        e = dict(os.environ)
        e.pop("EWS_SITE", None)
        if CATALOG:
            e["EWS_CATALOG_DIR"] = CATALOG
        if env:
            e.update(env)
        argv = [EWS]
        if site is True:
            argv += ["--site", self.site]
        elif site:
            argv += ["--site", site]
        return subprocess.run(argv + [str(a) for a in args],
                              capture_output=True, env=e, timeout=60)

    def describe(self, args, r):
        return "ews %s -> %d\nstdout: %s\nstderr: %s" % (
            " ".join(str(a) for a in args), r.returncode,
            r.stdout.decode(errors="replace"),
            r.stderr.decode(errors="replace"))

    def ok(self, *args, **kw):
        r = self.run_ews(*args, **kw)
        self.assertEqual(r.returncode, 0, self.describe(args, r))
        self.assertEqual(r.stderr, b"", self.describe(args, r))
        return r.stdout.decode()

    def json(self, *args, **kw):
        out = self.ok(*args, "--json", **kw)
        try:
            return json.loads(out)
        except ValueError as e:
            self.fail("ews %s --json: not JSON (%s): %r" % (
                " ".join(args), e, out))

    def add(self, *args):
        """Run an add command; it prints the new id."""
        out = self.ok(*args)
        self.assertRegex(out, r"^[0-9]+\n$")
        return int(out)

    def init(self, *args):
        self.ok("init", *args)

    # -- helpers for a populated site ----------------------------------

    def gateway(self, name="gw1", ip="192.168.1.50", *extra):
        return self.add("gateway", "add", "--name", name, "--ip", ip,
                        *extra)

    def meter(self, gw, address, name, *extra):
        return self.add("device", "add", "--gateway", gw, "--model", SDM630,
                        "--address", address, "--name", name, *extra)

    def snapshot(self):
        """Every row of the site's database, schema included: a refused
        command leaves the stored state exactly as it was. Read here, in
        one process, rather than through nine listings per snapshot: the
        ASan build spends most of its time starting ews processes."""
        path = os.path.join(self.site, "site.db")
        if not os.path.exists(path):
            return None
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            return list(db.iterdump())
        finally:
            db.close()

    def assert_refused(self, field, *args):
        """Exit 2, `ews: <field>...` on stderr, nothing changed."""
        before = self.snapshot()
        r = self.run_ews(*args)
        self.assertEqual(r.returncode, 2, self.describe(args, r))
        err = r.stderr.decode()
        self.assertRegex(err, r"^ews: ", self.describe(args, r))
        self.assertRegex(err, field, self.describe(args, r))
        self.assertEqual(err.count("\n"), 1, "one line: %r" % err)
        self.assertEqual(r.stdout, b"", self.describe(args, r))
        self.assertEqual(self.snapshot(), before,
                         "state changed by a refused command: %s" % (
                             " ".join(str(a) for a in args)))
        return err

    def assert_usage(self, *args, site=True):
        """Exit 1, a message and a hint to --help on stderr."""
        r = self.run_ews(*args, site=site)
        self.assertEqual(r.returncode, 1, self.describe(args, r))
        err = r.stderr.decode()
        self.assertRegex(err, r"^ews: ", self.describe(args, r))
        self.assertIn("--help", err, self.describe(args, r))
        self.assertEqual(r.stdout, b"", self.describe(args, r))
        return err



def main(*modules):
    """Run every test of `modules`, EWS_TEST_JOBS (default 2 x CPUs) at a time: the
    tests spend their time waiting for ews processes."""
    if not EWS or not os.access(EWS, os.X_OK):
        print("EWS_BIN is not set to the built ews binary")
        print("0 passed, 1 failed")
        return 1
    return pyrunner.run(modules, min_jobs=1)

