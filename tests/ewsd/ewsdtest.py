"""Shared fixture of the ewsd tests (see test_ewsd.py): a real ewsd on a
loopback port chosen at run time, over a real site made by `ews init`, and
a small HTTP(S) client that keeps its cookies like a browser.

Standard library only; run by /usr/bin/python3.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

EWSD = os.environ.get("EWSD_BIN", "")
EWS = os.environ.get("EWS_BIN", "")
SIM = os.environ.get("EWS_SIM_BIN", "")
CATALOG = os.environ.get("EWS_CATALOG_DIR", "")
SRC = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Added to ewsd's environment: a sanitizer build aborts on its first
# error (exit code != 0) and reports leaks at exit.
ASAN = "detect_leaks=1:abort_on_error=1:quarantine_size_mb=8"
# Generous: under ASan a PBKDF2 of 600 000 rounds takes about 1 s.
HTTP_TIMEOUT_S = 60
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30

# The manual's four default users (USR-1, §8.1) and their pages.
PAGES_ALL = ["server_config", "system_config", "panel_board",
             "consumption", "greenup", "reports", "alarms"]
DEFAULT_USERS = {
    "administrator": ("99999", "00000 9999 00000",
                      [p for p in PAGES_ALL if p != "greenup"], True),
    "greenUp": ("88888", "00000 88888 00000", PAGES_ALL, True),
    "installer": ("55555", "00000 5555 00000",
                  ["system_config", "panel_board", "consumption", "alarms"],
                  False),
    "user": ("11111", "00000 1111 00000", ["consumption", "alarms"], False),
}


def pin_of(name):
    return DEFAULT_USERS[name][0]


def puk_of(name):
    return DEFAULT_USERS[name][1]


def routes():
    """[(METHOD, PATTERN)] printed by `ewsd --routes`."""
    r = subprocess.run([EWSD, "--routes"], capture_output=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("ewsd --routes: exit %d: %s" % (
            r.returncode, r.stderr.decode(errors="replace")))
    out = []
    for line in r.stdout.decode().splitlines():
        method, pattern = line.split(" ", 1)
        out.append((method, pattern))
    return out


def run_ews(site, *args, timeout=120):
    """`ews --site SITE ARGS`: its stdout; fails on a non-zero exit."""
    r = subprocess.run([EWS, "--site", site] + [str(a) for a in args],
                       env=dict(os.environ, EWS_CATALOG_DIR=CATALOG),
                       capture_output=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError("ews %s: exit %d: %s" % (
            " ".join(str(a) for a in args), r.returncode,
            r.stderr.decode(errors="replace")))
    return r.stdout.decode()


# ---------------------------------------------------------------------
# The daemon


class Daemon:
    """One ewsd over its own site in its own temporary directory.

    start() waits for the port file; stop() sends SIGTERM and returns
    (exit code, stderr). check_stop() does both and fails on an exit code
    other than 0 or a sanitizer report."""

    def __init__(self, www=None, https=False, body_max=None, log=None,
                 extra=()):
        self.tmp = tempfile.mkdtemp(prefix="ewsd-test-")
        self.site = os.path.join(self.tmp, "site")
        self.www = www
        self.https = https
        self.body_max = body_max
        self.log = log
        self.extra = list(extra)
        self.proc = None
        self.runs = 0
        self.http_port = self.https_port = 0
        self.stderr_path = None
        try:
            run_ews(self.site, "init")
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def args(self, port_file):
        a = [EWSD, "--site", self.site, "--listen", "127.0.0.1:0",
             "--port-file", port_file]
        if self.https:
            a += ["--https", "127.0.0.1:0"]
        if self.www:
            a += ["--www", self.www]
        if self.body_max:
            a += ["--body-max", str(self.body_max)]
        if self.log:
            a += ["--log", self.log]
        return a + self.extra

    def env(self):
        e = dict(os.environ, EWS_CATALOG_DIR=CATALOG)
        old = e.get("ASAN_OPTIONS")
        e["ASAN_OPTIONS"] = old + ":" + ASAN if old else ASAN
        return e

    def start(self):
        self.runs += 1
        port_file = os.path.join(self.tmp, "ports%d" % self.runs)
        self.stderr_path = os.path.join(self.tmp, "stderr%d" % self.runs)
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.args(port_file),
                                         env=self.env(),
                                         stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=err)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not os.path.exists(port_file):
            if self.proc.poll() is not None:
                raise AssertionError("ewsd exited %d before listening: %s"
                                     % (self.proc.returncode,
                                        self.stderr()))
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("ewsd wrote no port file in %d s: %s"
                                     % (START_TIMEOUT_S, self.stderr()))
            time.sleep(0.02)
        with open(port_file) as f:
            ports = f.read().split()
        self.http_port, self.https_port = int(ports[0]), int(ports[1])
        return self

    def stderr(self):
        if not self.stderr_path or not os.path.exists(self.stderr_path):
            return ""
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT_S):
        """(exit code or None if it had to be killed, stderr)."""
        if self.proc is None:
            return 0, ""
        p, self.proc = self.proc, None
        if p.poll() is None:
            p.send_signal(sig)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            rc = None
        return rc, self.stderr()

    def check_stop(self, tc=None):
        """Stop; fail (through tc, or by raising) on an unclean stop."""
        rc, err = self.stop()
        problems = []
        if rc != 0:
            problems.append("ewsd exit code %r after SIGTERM (None: did "
                            "not stop within %d s)" % (rc, STOP_TIMEOUT_S))
        if "ERROR: AddressSanitizer" in err or "runtime error:" in err \
                or "ERROR: LeakSanitizer" in err:
            problems.append("sanitizer report")
        if problems:
            msg = "; ".join(problems) + "\n--- ewsd stderr ---\n" + err
            if tc is not None:
                tc.fail(msg)
            raise AssertionError(msg)

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------------
# The client


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(name, value)], repeated names kept
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body.decode())

    def set_cookie(self, name):
        """The Set-Cookie line of cookie `name`, or None."""
        for line in self.all("Set-Cookie"):
            if line.split("=", 1)[0].strip() == name:
                return line
        return None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300])


def cookie_attrs(line):
    """{attribute (lower case): value or True} of a Set-Cookie line."""
    out = {}
    for part in line.split(";")[1:]:
        k, _, v = part.strip().partition("=")
        out[k.lower()] = v if _ else True
    return out


class _TLSConnection(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 but checks the certificate for `localhost`."""

    def __init__(self, port, context, server_hostname, timeout):
        super().__init__("127.0.0.1", port, context=context,
                         timeout=timeout)
        self._ctx = context
        self._sni = server_hostname

    def connect(self):
        sock = socket.create_connection((self.host, self.port),
                                        self.timeout)
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self._sni)


class Browser:
    """A browser: its cookies (name -> value from Set-Cookie) and the
    session's CSRF token, sent as X-CSRF-Token on every non-GET."""

    def __init__(self, daemon, https=False, source=None, cafile=None):
        self.d = daemon
        self.https = https
        self.source = source  # a 127.x.y.z address to connect from
        self.cafile = cafile
        self.cookies = {}
        self.csrf = None
        self.user = None

    def connection(self):
        if self.https:
            ctx = ssl.create_default_context(cafile=self.cafile)
            return _TLSConnection(self.d.https_port, ctx, "localhost",
                                  HTTP_TIMEOUT_S)
        return http.client.HTTPConnection(
            "127.0.0.1", self.d.http_port, timeout=HTTP_TIMEOUT_S,
            source_address=(self.source, 0) if self.source else None)

    def request(self, method, path, body=None, raw=None, headers=None,
                csrf=True):
        """One request on a new connection. body: JSON-encoded; raw: bytes
        as they are. csrf=False leaves out X-CSRF-Token; a string sends
        that one instead of the session's."""
        h = {}
        if body is not None:
            raw = json.dumps(body).encode()
        if raw is not None:
            h["Content-Type"] = "application/json"
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv
                                    for kv in self.cookies.items())
        if method not in ("GET", "HEAD"):
            if isinstance(csrf, str):
                h["X-CSRF-Token"] = csrf
            elif csrf and self.csrf:
                h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        conn = self.connection()
        try:
            conn.request(method, path, body=raw, headers=h)
            r = conn.getresponse()
            data = r.read()
            resp = Response(r.status, r.getheaders(), data)
        finally:
            conn.close()
        for line in resp.all("Set-Cookie"):
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if cookie_attrs(line).get("max-age") == "0":
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def login(self, pin, puk=None):
        body = {"pin": pin}
        if puk is not None:
            body["puk"] = puk
        r = self.post("/api/v1/login", body)
        if r.status == 200:
            doc = r.json()
            self.csrf = doc["csrf_token"]
            self.user = doc["user"]
        return r


# ---------------------------------------------------------------------
# Test cases


class EwsdCase(unittest.TestCase):
    """Daemons started by a test are stopped (SIGTERM) in tearDown, which
    fails on an exit code other than 0 or a sanitizer report."""

    def setUp(self):
        self.daemons = []

    def tearDown(self):
        try:
            for d in self.daemons:
                d.check_stop(self)
        finally:
            for d in self.daemons:
                d.cleanup()

    def daemon(self, **kw):
        d = Daemon(**kw)
        self.daemons.append(d)
        return d.start()

    # -- assertions ----------------------------------------------------

    def assert_error_shape(self, r):
        """{"error": {"code", "message", "field"}} and nothing else."""
        self.assertEqual(r.header("Content-Type"), "application/json", r)
        doc = r.json()
        self.assertEqual(list(doc), ["error"], r)
        e = doc["error"]
        self.assertEqual(sorted(e), ["code", "field", "message"], r)
        self.assertIsInstance(e["code"], str, r)
        self.assertTrue(e["code"], r)
        self.assertIsInstance(e["message"], str, r)
        self.assertTrue(e["message"], r)
        self.assertTrue(e["field"] is None or isinstance(e["field"], str),
                        r)
        return e

    def assert_error(self, r, status, code=None, field=Ellipsis):
        """An error answer: its status, the one error shape, and code and
        field when given (field None: no field)."""
        self.assertEqual(r.status, status, r)
        e = self.assert_error_shape(r)
        if code is not None:
            self.assertEqual(e["code"], code, r)
        if field is not Ellipsis:
            self.assertEqual(e["field"], field, r)
        return e

    def assert_status(self, r, status):
        self.assertEqual(r.status, status, r)
        return r

    def login_as(self, d, name, browser=None):
        """A browser (new, or the given one) logged in as a default user
        with PIN and PUK."""
        b = browser or Browser(d)
        r = b.login(pin_of(name), puk_of(name))
        self.assertEqual(r.status, 200, r)
        return b


class SharedDaemonCase(EwsdCase):
    """One daemon for the whole class (its tests are independent of each
    other's state): fewer starts and fewer logins. daemon_options are
    passed to Daemon; tearDownClass stops it and fails on an unclean
    stop."""

    daemon_options = {}
    shared = None

    @classmethod
    def setUpClass(cls):
        cls.shared = Daemon(**cls.daemon_options)
        try:
            cls.shared.start()
        except Exception:
            cls.shared.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.shared.check_stop()
        finally:
            cls.shared.cleanup()


def logged_in(d, name, **kw):
    """A new browser logged in as default user `name` (PIN and PUK); for
    setUpClass, where no test case exists yet."""
    b = Browser(d, **kw)
    r = b.login(pin_of(name), puk_of(name))
    if r.status != 200:
        raise AssertionError("login as %s: %r" % (name, r))
    return b
