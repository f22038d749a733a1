"""How ewsd serves: the web UI's files (issue item 4) and Chart.js from
Debian's libjs-chart.js, HTTPS with a self-signed certificate, a clean
stop that commits the recording sweep in flight, and the log reopened on
SIGHUP (issue items 1 and 5)."""
import gzip
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import warnings

from ewsdtest import (CATALOG, SIM, Browser, EwsdCase, logged_in, routes,
                      run_ews)

SECURITY_HEADERS = {
    "Content-Security-Policy": None,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": None,
}


class TestStatic(EwsdCase):
    """The UI's files from --www: types, caching, gzip, and nothing from
    outside the directory."""

    INDEX = b"<!doctype html><title>ews</title><p>index\n"
    APP = b"".join(b"console.log('line %d of the app');\n" % i
                   for i in range(100))  # > 1 KiB: compressed
    CSS = b"body { margin: 0 }\n"
    SECRET = b"SECRET OUTSIDE THE WWW DIRECTORY\n"

    def setUp(self):
        super().setUp()
        self._tmp = tempfile.TemporaryDirectory(prefix="ewsd-www-")
        top = self._tmp.name
        www = os.path.join(top, "www")
        os.makedirs(os.path.join(www, "sub"))
        for name, data in (("index.html", self.INDEX), ("app.js", self.APP),
                           ("style.css", self.CSS),
                           ("sub/page.css", self.CSS + b"/* sub */\n"),
                           (".hidden.txt", self.SECRET)):
            with open(os.path.join(www, name), "wb") as f:
                f.write(data)
        with open(os.path.join(top, "outside.txt"), "wb") as f:
            f.write(self.SECRET)
        os.symlink(os.path.join(top, "outside.txt"),
                   os.path.join(www, "out.txt"))
        self.assertGreater(len(self.APP), 1024)
        self.d = self.daemon(www=www)
        self.b = Browser(self.d)

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            self._tmp.cleanup()

    def assert_security_headers(self, r):
        for name, value in SECURITY_HEADERS.items():
            got = r.header(name)
            self.assertIsNotNone(got, "%s missing: %r" % (name, r.headers))
            if value:
                self.assertEqual(got, value)

    def test_files_and_their_types(self):
        r = self.assert_status(self.b.get("/"), 200)
        self.assertEqual(r.body, self.INDEX)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        self.assert_security_headers(r)
        r = self.assert_status(self.b.get("/index.html"), 200)
        self.assertEqual(r.body, self.INDEX)
        for path, data, ctype in (("/app.js", self.APP, "text/javascript"),
                                  ("/style.css", self.CSS, "text/css"),
                                  ("/sub/page.css", self.CSS +
                                   b"/* sub */\n", "text/css")):
            with self.subTest(path=path):
                r = self.assert_status(self.b.get(path), 200)
                self.assertEqual(r.body, data)
                self.assertTrue(r.header("Content-Type").startswith(ctype),
                                r.headers)
                self.assertIsNone(r.header("Content-Encoding"))
                self.assert_security_headers(r)

    def test_etag_and_if_none_match(self):
        r = self.assert_status(self.b.get("/style.css"), 200)
        tag = r.header("ETag")
        self.assertRegex(tag or "", r'^"[^"]+"$')
        r = self.b.get("/style.css", headers={"If-None-Match": tag})
        self.assertEqual(r.status, 304, r)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("ETag"), tag)
        self.assert_security_headers(r)
        r = self.b.get("/style.css", headers={"If-None-Match": '"other"'})
        self.assertEqual((r.status, r.body), (200, self.CSS))

    def test_gzip_when_accepted(self):
        r = self.assert_status(self.b.get(
            "/app.js", headers={"Accept-Encoding": "gzip"}), 200)
        self.assertEqual(r.header("Content-Encoding"), "gzip")
        self.assertIn("Accept-Encoding", r.header("Vary") or "")
        self.assertLess(len(r.body), len(self.APP))
        self.assertEqual(gzip.decompress(r.body), self.APP)
        self.assertTrue(r.header("Content-Type").startswith(
            "text/javascript"))
        gz_tag = r.header("ETag")
        r2 = self.b.get("/app.js", headers={"Accept-Encoding": "gzip",
                                            "If-None-Match": gz_tag})
        self.assertEqual(r2.status, 304, r2)
        # Not accepted (q=0): as it is.
        r = self.assert_status(self.b.get(
            "/app.js", headers={"Accept-Encoding": "gzip;q=0"}), 200)
        self.assertIsNone(r.header("Content-Encoding"))
        self.assertEqual(r.body, self.APP)

    def test_nothing_outside_the_directory(self):
        for path in ("/../outside.txt", "/%2e%2e/outside.txt",
                     "/%2E%2E/outside.txt", "/sub/../../outside.txt",
                     "/sub/%2e%2e/%2e%2e/outside.txt",
                     "/%2e%2e%2foutside.txt", "/sub/..%2f..%2foutside.txt",
                     "/out.txt", "/.hidden.txt", "/%2ehidden.txt",
                     "/sub%5c..%5c..%5coutside.txt", "/style.css%00.js"):
            with self.subTest(path=path):
                r = self.b.get(path)
                self.assertEqual(r.status, 404, r)
                self.assertNotIn(b"SECRET", r.body)
                self.assert_security_headers(r)

    def test_security_headers_everywhere(self):
        for r in (self.b.get("/"), self.b.get("/missing.css"),
                  self.b.get("/api/v1/openapi.json"),
                  self.b.get("/api/v1/session"),
                  self.b.get("/api/v1/nothing"),
                  self.b.post("/api/v1/login", {"pin": "1", "x": 1}),
                  self.b.request("POST", "/")):
            with self.subTest(r=r):
                self.assert_security_headers(r)

    def test_post_is_not_allowed_on_files(self):
        for method in ("POST", "PUT", "DELETE"):
            with self.subTest(method=method):
                r = self.b.request(method, "/", raw=b"x")
                self.assertEqual(r.status, 405, r)
                self.assertIn("GET", r.header("Allow") or "")


DEBIAN_CHARTJS = "/usr/share/javascript/chart.js"


class TestChartJs(EwsdCase):
    """--chartjs (default: Debian's libjs-chart.js) under /lib/chart.js/,
    by the rules of the UI's files, without the single-page app's
    fallback to index.html."""

    INDEX = b"<!doctype html><title>ews</title><p>index\n"
    SECRET = b"SECRET OUTSIDE THE CHART.JS DIRECTORY\n"

    def setUp(self):
        super().setUp()
        self._tmp = tempfile.TemporaryDirectory(prefix="ewsd-lib-")
        self.top = self._tmp.name
        self.www = os.path.join(self.top, "www")
        os.makedirs(self.www)
        with open(os.path.join(self.www, "index.html"), "wb") as f:
            f.write(self.INDEX)
        with open(os.path.join(self.top, "secret.txt"), "wb") as f:
            f.write(self.SECRET)

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            self._tmp.cleanup()

    def assert_js(self, r):
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("Content-Type").startswith(
            "text/javascript"), r.headers)
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertIsNotNone(r.header("Content-Security-Policy"))

    def test_debians_chart_mjs_and_its_chunk(self):
        if not os.path.isfile(os.path.join(DEBIAN_CHARTJS, "chart.mjs")):
            self.skipTest("libjs-chart.js is not installed")
        b = Browser(self.daemon(www=self.www))
        r = b.get("/lib/chart.js/chart.mjs")
        self.assert_js(r)
        with open(os.path.join(DEBIAN_CHARTJS, "chart.mjs"), "rb") as f:
            mjs = f.read()
        self.assertEqual(r.body, mjs)
        self.assertIn(b"./chunks/helpers.segment.mjs", r.body)
        # The chunk the module imports, relative to it
        r = b.get("/lib/chart.js/chunks/helpers.segment.mjs")
        self.assert_js(r)
        self.assertIn(b"Chart.js", r.body[:200])
        # The UMD build, and a symlink of the package to it (inside)
        self.assert_js(b.get("/lib/chart.js/chart.min.js"))
        if os.path.islink(os.path.join(DEBIAN_CHARTJS, "Chart.js")):
            self.assert_js(b.get("/lib/chart.js/Chart.js"))
        # Compressed when accepted; ETag and 304; HEAD
        r = b.get("/lib/chart.js/chart.mjs",
                  headers={"Accept-Encoding": "gzip"})
        self.assert_js(r)
        self.assertEqual(r.header("Content-Encoding"), "gzip")
        self.assertEqual(gzip.decompress(r.body), mjs)
        tag = r.header("ETag")
        r = b.get("/lib/chart.js/chart.mjs",
                  headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
        self.assertEqual((r.status, r.body), (304, b""))
        r = b.request("HEAD", "/lib/chart.js/chart.mjs")
        self.assertEqual((r.status, r.body), (200, b""))
        self.assertEqual(r.header("Content-Length"), str(len(mjs)))
        r = b.request("POST", "/lib/chart.js/chart.mjs", raw=b"x")
        self.assertEqual(r.status, 405, r)

    def test_types_traversal_and_no_index_fallback(self):
        lib = os.path.join(self.top, "chart")
        os.makedirs(os.path.join(lib, "chunks"))
        files = {"chart.mjs": ("text/javascript", b"export {};\n"),
                 "chart.js": ("text/javascript", b"var x;\n"),
                 "chunks/a.mjs": ("text/javascript", b"export {};\n"),
                 "map.json": ("application/json", b"{}\n"),
                 "pic.svg": ("image/svg+xml", b"<svg/>\n"),
                 "style.css": ("text/css", b"a{}\n"),
                 "font.woff2": ("font/woff2", b"wOF2"),
                 "pic.png": ("image/png", b"\x89PNG"),
                 "favicon.ico": ("image/x-icon", b"\0\0\1\0")}
        for name, (_, data) in files.items():
            with open(os.path.join(lib, name), "wb") as f:
                f.write(data)
        os.symlink(os.path.join(self.top, "secret.txt"),
                   os.path.join(lib, "out.js"))
        os.symlink("chart.mjs", os.path.join(lib, "Chart.mjs"))
        b = Browser(self.daemon(www=self.www, extra=["--chartjs", lib]))
        for name, (ctype, data) in files.items():
            with self.subTest(name=name):
                r = b.get("/lib/chart.js/" + name)
                self.assertEqual((r.status, r.body), (200, data), r)
                self.assertEqual(r.header("Content-Type").split(";")[0],
                                 ctype)
        self.assertEqual(b.get("/lib/chart.js/Chart.mjs").body,
                         b"export {};\n")
        for path in ("/lib/chart.js/out.js", "/lib/chart.js/../secret.txt",
                     "/lib/chart.js/%2e%2e/secret.txt",
                     "/lib/chart.js/..%2fsecret.txt",
                     "/lib/chart.js/chunks/../../secret.txt",
                     "/lib/chart.js/chunks/%2e%2e/%2e%2e/secret.txt",
                     "/lib/chart.js%2f..%2f..%2fsecret.txt",
                     "/lib/chart.js/%2e%2e%2f%2e%2e%2fwww/index.html",
                     "/lib/chart.js/chunks%5c..%5c..%5csecret.txt",
                     "/lib/chart.js/chart.mjs%00.js"):
            with self.subTest(path=path):
                r = b.get(path)
                self.assertEqual(r.status, 404, r)
                self.assertNotIn(b"SECRET", r.body)
        # No single-page app under /lib/: no index.html for a miss
        for path in ("/lib/chart.js/", "/lib/chart.js", "/lib/chart.js/x",
                     "/lib/chart.js/chunks", "/lib/chart.js/chunks/",
                     "/lib/other", "/lib/", "/lib"):
            with self.subTest(path=path):
                r = b.get(path)
                self.assertEqual(r.status, 404, r)
                self.assertNotIn(b"index", r.body)
        # ... while the UI's routes still have it
        self.assertEqual(b.get("/consumption").body, self.INDEX)

    def test_a_missing_directory_is_logged_once_and_answers_404(self):
        missing = os.path.join(self.top, "no-such-chart.js")
        log = os.path.join(self.top, "ewsd.log")
        d = self.daemon(www=self.www, log=log, extra=["--chartjs", missing])
        b = Browser(d)
        for _ in range(3):
            self.assertEqual(b.get("/lib/chart.js/chart.mjs").status, 404)
        self.assertEqual(b.get("/").body, self.INDEX)
        d.check_stop(self)
        with open(log) as f:
            lines = [x for x in f if missing in x]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("chartjs", lines[0])


class TestHttps(EwsdCase):
    """--https without --cert/--key: a self-signed pair in SITE/tls made
    at the first start and reused afterwards."""

    def pair(self, d):
        tls = os.path.join(d.site, "tls")
        return os.path.join(tls, "cert.pem"), os.path.join(tls, "key.pem")

    def test_the_api_over_tls_with_the_self_signed_certificate(self):
        d = self.daemon(https=True)
        self.assertGreater(d.https_port, 0)
        self.assertNotEqual(d.https_port, d.http_port)
        cert, key = self.pair(d)
        self.assertTrue(os.path.isfile(cert))
        self.assertTrue(os.path.isfile(key))
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        with open(cert) as f:
            self.assertIn("BEGIN CERTIFICATE", f.read())

        b = Browser(d, https=True, cafile=cert)
        r = self.assert_status(b.get("/api/v1/openapi.json"), 200)
        self.assertIn("max-age=", r.header("Strict-Transport-Security")
                      or "")
        r = b.login("99999", "00000 9999 00000")
        self.assert_status(r, 200)
        for name in ("ews_session", "ews_browser"):
            line = r.set_cookie(name)
            self.assertIsNotNone(line, r.headers)
            self.assertIn("Secure", [p.strip() for p in line.split(";")],
                          line)
        self.assertIsNotNone(r.header("Strict-Transport-Security"))
        r = self.assert_status(b.get("/api/v1/session"), 200)
        self.assertIsNotNone(r.header("Strict-Transport-Security"))
        self.assert_error(b.get("/api/v1/nothing"), 404)
        # Plain HTTP beside it: no HSTS there.
        r = Browser(d).get("/api/v1/openapi.json")
        self.assertIsNone(r.header("Strict-Transport-Security"))
        # A client that does not trust the certificate refuses it.
        with self.assertRaises(ssl.SSLError):
            Browser(d, https=True).get("/api/v1/openapi.json")

    def test_a_second_start_reuses_the_certificate(self):
        d = self.daemon(https=True)
        cert, key = self.pair(d)
        with open(cert, "rb") as f:
            first = f.read()
        with open(key, "rb") as f:
            first_key = f.read()
        d.check_stop(self)
        d.start()
        with open(cert, "rb") as f:
            self.assertEqual(f.read(), first)
        with open(key, "rb") as f:
            self.assertEqual(f.read(), first_key)
        self.assert_status(Browser(d, https=True, cafile=cert).get(
            "/api/v1/openapi.json"), 200)

    def tls11_context(self, cafile=None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.set_ciphers("ALL:@SECLEVEL=0")
            ctx.minimum_version = ssl.TLSVersion.TLSv1_1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        return ctx

    def tls11_works_here(self, cert, key):
        """Whether this Python's OpenSSL can still speak TLS 1.1: a
        handshake with a local TLS 1.1 server of our own."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                sctx.set_ciphers("ALL:@SECLEVEL=0")
                sctx.minimum_version = ssl.TLSVersion.TLSv1_1
                sctx.maximum_version = ssl.TLSVersion.TLSv1_1
                sctx.load_cert_chain(cert, key)
            srv = socket.socket()
            srv.bind(("127.0.0.1", 0))
            srv.listen(1)
        except (ssl.SSLError, ValueError, OSError) as e:
            return "cannot make a TLS 1.1 server: %s" % e
        result = {}

        def serve():
            try:
                c, _ = srv.accept()
                c.settimeout(10)
                with sctx.wrap_socket(c, server_side=True) as s:
                    result["server"] = s.version()
            except (ssl.SSLError, OSError) as e:
                result["server"] = str(e)
        t = threading.Thread(target=serve)
        t.start()
        try:
            with socket.create_connection(srv.getsockname(), 10) as s:
                with self.tls11_context().wrap_socket(s) as tls:
                    version = tls.version()
        except (ssl.SSLError, OSError) as e:
            return "this Python's OpenSSL does not offer TLS 1.1: %s" % e
        finally:
            t.join(10)
            srv.close()
        if version != "TLSv1.1":
            return "the control handshake gave %s" % version
        return None

    def test_tls_1_1_is_refused(self):
        d = self.daemon(https=True)
        cert, key = self.pair(d)
        why = self.tls11_works_here(cert, key)
        if why:
            self.skipTest(why)
        with socket.create_connection(("127.0.0.1", d.https_port), 10) as s:
            with self.assertRaises((ssl.SSLError, ConnectionError)):
                with self.tls11_context().wrap_socket(s) as tls:
                    tls.sendall(b"GET /api/v1/openapi.json HTTP/1.0\r\n\r\n")
                    tls.recv(100)
        # ... while TLS 1.2 is taken
        ctx = ssl.create_default_context(cafile=cert)
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(("127.0.0.1", d.https_port), 10) as s:
            with ctx.wrap_socket(s, server_hostname="localhost") as tls:
                self.assertEqual(tls.version(), "TLSv1.2")


class TestStop(EwsdCase):
    """Issue items 1 and 5: SIGTERM commits the recording sweep in flight;
    SIGHUP reopens the log file."""

    def start_sim(self, tmp, devices):
        cfg = os.path.join(tmp, "sim.json")
        port_file = os.path.join(tmp, "sim.port")
        with open(cfg, "w") as f:
            json.dump({"devices": devices}, f)
        sim = subprocess.Popen([SIM, "--config", cfg, "--port", "0",
                                "--port-file", port_file,
                                "--catalog", CATALOG])
        self.addCleanup(self.stop_sim, sim)
        deadline = time.monotonic() + 20
        while not os.path.exists(port_file):
            self.assertIsNone(sim.poll(), "ews-sim exited")
            self.assertLess(time.monotonic(), deadline, "ews-sim port")
            time.sleep(0.02)
        with open(port_file) as f:
            return int(f.read())

    @staticmethod
    def stop_sim(sim):
        if sim.poll() is None:
            sim.terminate()
            try:
                sim.wait(timeout=10)
            except subprocess.TimeoutExpired:
                sim.kill()
                sim.wait()

    def test_sigterm_commits_the_sweep_in_flight(self):
        if ("POST", "/api/v1/poll") not in routes():
            self.skipTest("ewsd has no POST /api/v1/poll yet (not in "
                          "`ewsd --routes`): no way to start a recording "
                          "cycle now")
        # 3 meters on one gateway answer after 700 ms each: a sweep takes
        # several seconds, so SIGTERM right after POST /poll falls inside
        # it.
        meters = [{"unit": u, "model": "eastron_sdm630",
                   "faults": {"latency_ms": 700}} for u in (1, 2, 3)]
        d = self.daemon()
        port = self.start_sim(d.tmp, meters)
        gw = int(run_ews(d.site, "gateway", "add", "--name", "sim", "--ip",
                         "127.0.0.1", "--port", port))
        ids = [int(run_ews(d.site, "device", "add", "--gateway", gw,
                           "--model", "eastron_sdm630", "--address",
                           m["unit"], "--name", "meter%d" % m["unit"]))
               for m in meters]
        # The devices were added after ewsd started: a restart makes sure
        # it reads them.
        d.check_stop(self)
        d.start()
        admin = logged_in(d, "administrator")
        r = admin.post("/api/v1/poll")
        self.assertEqual(r.status, 202, r)
        t_ms = r.json()["t_ms"]
        self.assertIsInstance(t_ms, int)
        t0 = time.monotonic()
        rc, err = d.stop(timeout=10)
        took = time.monotonic() - t0
        self.assertEqual(rc, 0, "ewsd did not stop cleanly within 10 s: "
                         "%r\n%s" % (rc, err))
        self.assertNotIn("ERROR: AddressSanitizer", err)
        self.assertNotIn("runtime error:", err)
        # It waited for the sweep (>= 700 ms for a reply) ...
        self.assertGreaterEqual(took, 0.5, "the sweep was not in flight?")
        # ... and recorded it: readings stamped t_ms for every meter, the
        # same quantities for each (three meters of one model: a meter cut
        # short would have fewer).
        quantities = {}
        for dev in ids:
            got = json.loads(run_ews(d.site, "samples", "list",
                                     "--device", dev, "--json"))
            at = [s for s in got if s["t_ms"] == t_ms]
            self.assertTrue(at, "no sample of device %d at %d: %s" % (
                dev, t_ms, sorted({s["t_ms"] for s in got})))
            quantities[dev] = sorted((s["quantity"], s["order"]) for s in at)
            self.assertIn(("active_energy_import", 0), quantities[dev])
        self.assertEqual(quantities[ids[1]], quantities[ids[0]])
        self.assertEqual(quantities[ids[2]], quantities[ids[0]])

    def test_sighup_reopens_the_log(self):
        tmp = tempfile.mkdtemp(prefix="ewsd-log-")
        self.addCleanup(shutil.rmtree, tmp, True)
        log = os.path.join(tmp, "ewsd.log")
        d = self.daemon(log=log)
        with open(log) as f:
            self.assertIn("started: site", f.read())
        os.rename(log, log + ".1")
        d.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while not os.path.exists(log) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertTrue(os.path.exists(log), "no new log after SIGHUP")
        # A request whose answer logs a line: a login.
        logged_in(d, "installer")
        d.check_stop(self)
        with open(log) as f:
            new = f.read()
        with open(log + ".1") as f:
            old = f.read()
        self.assertIn("log reopened", new)
        self.assertIn("login: 'installer'", new)
        self.assertIn("stopped", new)
        self.assertNotIn("login:", old)
        self.assertNotIn("stopped", old)
        self.assertIn("started: site", old)
        # Nothing went to stderr but a sanitizer's report would.
        self.assertEqual(d.stderr(), "")
