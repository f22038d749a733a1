#!/usr/bin/python3
"""B3 HTTP and B4 footprint (performance-anchors.md; issue 7).

    bench/http.py [BUILD_DIR] [--quick] [--soak SECONDS] [options]

BUILD_DIR (default: build) holds frontends/ewsd/ewsd, frontends/cli/ews,
frontends/sim/ews-sim and bench/http-peer. Needs wrk (Debian package wrk)
and taskset. Standard library only.

A site is made in a scratch directory: 255 Eastron SDM630 meters on 8
gateways (each an ews-sim on loopback, or, with --dead, a loopback port
where nothing listens), the first 8 with a year of hourly energy counters
imported by `ews samples import`. ewsd serves it, pinned to one core; wrk
runs on the other.

B4 idle: VmRSS right after start, after a minute without requests, after
the login and after one recording cycle (POST /api/v1/poll).
B3: GET /api/v1/settings and GET /api/v1/session (small JSON, logged in)
and the site's day histogram, each against http-peer (bare evhttp)
answering the bytes ewsd gave, wrk -t1 -c32 --latency, alternately, 3
runs a side: medians of requests/s, their ratio, p99 and CPU per request.
B4 soak: a warm-up minute of wrk alternating the small route and the
histogram, VmRSS, then --soak seconds more of the same, VmRSS again.
"""
import os
import sys

# This file's name hides the standard library's http package from itself:
# take its directory off the module path first.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") !=
               os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import datetime  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PIN, PUK = "99999", "00000 9999 00000"  # the manual's administrator
HTTP_TIMEOUT_S = 120  # a login hashes twice (PBKDF2) on a loaded machine
START_TIMEOUT_S = 60
SOAK_CHUNK_S = 15     # the soak alternates routes every SOAK_CHUNK_S

# Targets (performance-anchors.md §7, B3 and B4).
TARGET_SMALL = 0.9
TARGET_HIST = 0.6
TARGET_P99_MS = 2.0
TARGET_IDLE_MIB = 8.0
TARGET_GROWTH_MIB = 1.0


def die(msg):
    sys.stderr.write("http.py: %s\n" % msg)
    sys.exit(1)


def say(msg=""):
    print(msg, flush=True)


# ---------------------------------------------------------------------
# Processes: every child is ours, stopped by its pid at the end.

class Children:
    def __init__(self):
        self.procs = []

    def start(self, argv, cpu, env, stderr_path):
        with open(stderr_path, "wb") as err:
            p = subprocess.Popen(["taskset", "-c", str(cpu)] + argv,
                                 env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err)
        self.procs.append(p)
        return p

    def stop(self, p, timeout=30):
        """SIGTERM, wait; the exit code (None: had to be killed)."""
        if p not in self.procs:
            return p.returncode
        self.procs.remove(p)
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return None

    def stop_all(self):
        for p in list(self.procs):
            self.stop(p)


def wait_port_file(path, proc, what, stderr_path):
    deadline = time.monotonic() + START_TIMEOUT_S
    while not os.path.exists(path):
        if proc.poll() is not None:
            with open(stderr_path, errors="replace") as f:
                die("%s exited %d before listening: %s"
                    % (what, proc.returncode, f.read()))
        if time.monotonic() > deadline:
            die("%s wrote no port file in %d s" % (what, START_TIMEOUT_S))
        time.sleep(0.02)
    with open(path) as f:
        return int(f.read().split()[0])


def proc_status(pid):
    """{field: kB} of the VmRSS/VmHWM/Rss* lines of /proc/PID/status."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name.startswith(("Vm", "Rss")) and rest.strip().endswith("kB"):
                out[name] = int(rest.split()[0])
    return out


def cpu_s(pid):
    """utime + stime of a process, seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(kb):
    return kb / 1024.0


# ---------------------------------------------------------------------
# The site

class Site:
    def __init__(self, a, tmp):
        self.a = a
        self.dir = os.path.join(tmp, "site")
        self.tmp = tmp
        self.env = dict(os.environ, EWS_CATALOG_DIR=a.catalog)

    def ews(self, *args):
        r = subprocess.run([self.a.ews, "--site", self.dir]
                           + [str(x) for x in args], env=self.env,
                           capture_output=True, timeout=600)
        if r.returncode != 0:
            die("ews %s: exit %d: %s" % (" ".join(str(x) for x in args),
                                         r.returncode,
                                         r.stderr.decode(errors="replace")))
        return r.stdout.decode()

    def build(self, children):
        a = self.a
        self.ews("init", "--timezone", "Europe/Rome")
        gateways = []
        per = -(-a.devices // a.gateways)  # ceil
        self.devices = []  # (device id, gateway index, address)
        for g in range(a.gateways):
            gid = int(self.ews("gateway", "add", "--name", "gw%d" % (g + 1),
                               "--ip", "127.0.0.1", "--port",
                               free_port()).split()[0])
            gateways.append(gid)
        self.gateways = gateways
        for i in range(a.devices):
            g, addr = i // per, i % per + 1
            did = int(self.ews("device", "add", "--gateway", gateways[g],
                               "--model", "eastron_sdm630", "--address",
                               addr, "--name", "m%03d" % (i + 1)).split()[0])
            self.devices.append((did, g, addr))
        counters = {}
        if a.sim:
            for g, gid in enumerate(gateways):
                counters.update(self.sim_counters(gid))
                port_file = os.path.join(self.tmp, "sim%d.port" % g)
                err = os.path.join(self.tmp, "sim%d.err" % g)
                p = children.start([a.sim, "--site", self.dir, "--gateway",
                                    str(gid), "--port", "0", "--port-file",
                                    port_file], a.client_cpu, self.env, err)
                port = wait_port_file(port_file, p, "ews-sim", err)
                self.ews("gateway", "set", gid, "--port", port)
        self.import_history(counters)
        if a.sample_rate:
            self.ews("settings", "set", "sample_rate_min", a.sample_rate)

    def sim_counters(self, gid):
        """{(gateway id, unit): active_energy_import Wh} ews-sim serves at
        its start, so the imported history can end just below it."""
        r = subprocess.run([self.a.sim, "--print-values", "--site", self.dir,
                            "--gateway", str(gid)], env=self.env,
                           capture_output=True, timeout=120)
        if r.returncode != 0:
            die("ews-sim --print-values: %s" % r.stderr.decode())
        out = {}
        for dev in json.loads(r.stdout)["devices"]:
            for reg in dev["registers"]:
                if reg["quantity"] == "active_energy_import":
                    out[(gid, dev["unit"])] = reg["value"]
        return out

    def import_history(self, counters):
        """A year of hourly counters of the first devices, ending at the
        last whole hour; hourly consumption 0.2-2 kWh with a daily shape
        (fixed seed)."""
        a = self.a
        rnd = random.Random(7)
        hours = 365 * 24
        end_s = int(time.time()) // 3600 * 3600 - 3600
        self.history_end_s = end_s
        path = os.path.join(self.tmp, "history.csv")
        with open(path, "w") as f:
            f.write("device,timestamp,quantity,value\n")
            for did, g, addr in self.devices[:a.history_devices]:
                steps = []
                for h in range(hours):
                    hour_of_day = (end_s // 3600 - h) % 24
                    base = 1400 if 7 <= hour_of_day < 19 else 500
                    steps.append(base * rnd.uniform(0.4, 1.4))
                top = counters.get((self.gateways[g], addr))
                c = (top - 1000) if top else sum(steps) + 1e6
                rows = []
                for h in range(hours):  # backwards from the last hour
                    rows.append((end_s - h * 3600, c))
                    c -= steps[h]
                if c < 0:
                    die("history below 0 for device %d" % did)
                for t, v in reversed(rows):
                    f.write("%d,%d,active_energy_import,%.0f\n" % (did, t, v))
        self.ews("samples", "import", path)
        os.remove(path)
        self.history_samples = hours * min(a.history_devices, a.devices)


def free_port():
    """A loopback port nobody listens on now (--dead gateways keep it)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------------
# HTTP

def request(port, method, target, body=None, cookie=None, csrf=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_S)
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if cookie:
        headers["Cookie"] = cookie
    if csrf:
        headers["X-CSRF-Token"] = csrf
    c.request(method, target, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    out = (r.status, r.reason, r.getheaders(), data)
    c.close()
    return out


def login(port):
    """The administrator's session: (cookie "ews_session=...", CSRF
    token)."""
    st, _, headers, data = request(port, "POST", "/api/v1/login",
                                   json.dumps({"pin": PIN, "puk": PUK}))
    if st != 200:
        die("login: %d %s" % (st, data.decode(errors="replace")))
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("ews_session="):
            return value.split(";", 1)[0], json.loads(data)["csrf_token"]
    die("login: no ews_session cookie")


def recording_cycles(port, cookie):
    """The recording cycles ewsd has finished (GET /api/v1/system)."""
    st, _, _, data = request(port, "GET", "/api/v1/system", cookie=cookie)
    if st != 200:
        die("GET /api/v1/system: %d %s" % (st, data.decode()))
    return json.loads(data)["recording_cycles"]


def one_cycle(port, cookie, csrf):
    """A recording cycle now (POST /api/v1/poll), waited for."""
    n = recording_cycles(port, cookie)
    st, _, _, data = request(port, "POST", "/api/v1/poll", cookie=cookie,
                             csrf=csrf)
    if st != 202:
        die("POST /api/v1/poll: %d %s" % (st, data.decode()))
    deadline = time.monotonic() + HTTP_TIMEOUT_S
    while recording_cycles(port, cookie) <= n:
        if time.monotonic() > deadline:
            die("the recording cycle did not end in %d s" % HTTP_TIMEOUT_S)
        time.sleep(0.2)


# Headers evhttp itself writes on every answer; the peer's own evhttp adds
# them the same way.
OWN_HEADERS = ("date", "content-length")


def capture(port, target, cookie, tmp, name):
    """ewsd's answer to target, as a peer route: (headers file, body
    file, answer)."""
    answer = request(port, "GET", target, cookie=cookie)
    st, _, headers, body = answer
    if st != 200:
        die("GET %s: %d %s" % (target, st, body.decode(errors="replace")))
    hpath = os.path.join(tmp, name + ".headers")
    bpath = os.path.join(tmp, name + ".body")
    with open(hpath, "w") as f:
        for h, v in headers:
            if h.lower() not in OWN_HEADERS:
                f.write("%s: %s\n" % (h, v))
    with open(bpath, "wb") as f:
        f.write(body)
    return hpath, bpath, answer


def same_answer(a, b):
    """Equal status, reason, headers (Date's value aside) and body."""
    def norm(ans):
        st, reason, headers, body = ans
        return (st, reason, [(h, "" if h.lower() == "date" else v)
                             for h, v in headers], body)
    return norm(a) == norm(b)


# ---------------------------------------------------------------------
# wrk

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(a, port, target, cookie, seconds, server_pid):
    """One wrk run: {rps, p99_ms, requests, errors, cpu_us} (cpu_us: the
    server's CPU per request)."""
    argv = ["taskset", "-c", str(a.client_cpu), a.wrk, "-t1",
            "-c%d" % a.connections, "-d%ds" % seconds, "--latency"]
    if cookie:
        argv += ["-H", "Cookie: " + cookie]
    argv.append("http://127.0.0.1:%d%s" % (port, target))
    cpu0 = cpu_s(server_pid)
    r = subprocess.run(argv, capture_output=True, timeout=seconds + 120)
    cpu1 = cpu_s(server_pid)
    out = r.stdout.decode(errors="replace")
    if r.returncode != 0:
        die("wrk: exit %d: %s%s" % (r.returncode, out, r.stderr.decode()))
    m_rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    m_p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    m_n = re.search(r"(\d+) requests in", out)
    if not (m_rps and m_p99 and m_n):
        die("cannot read wrk's output:\n" + out)
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                  r"timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    n = int(m_n.group(1))
    return {"rps": float(m_rps.group(1)),
            "p99_ms": float(m_p99.group(1)) * UNIT_MS[m_p99.group(2)],
            "requests": n, "errors": errors,
            "cpu_us": (cpu1 - cpu0) * 1e6 / n if n else 0.0}


def verdict(ok):
    return "ok" if ok else "MISSED"


# ---------------------------------------------------------------------
# The run

def options():
    p = argparse.ArgumentParser(
        description="B3 HTTP and B4 footprint of ewsd (issue 7).")
    p.add_argument("build", nargs="?", default="build",
                   help="the build directory (default: build)")
    p.add_argument("--quick", action="store_true",
                   help="a 60 s soak instead of 600 s")
    p.add_argument("--soak", type=int, default=None,
                   help="seconds of soak after the warm-up (600)")
    p.add_argument("--warmup", type=int, default=60,
                   help="seconds of load before the soak's first RSS (60)")
    p.add_argument("--idle", type=int, default=60,
                   help="seconds without requests for idle RSS (60)")
    p.add_argument("--duration", type=int, default=10,
                   help="seconds of each wrk run of B3 (10)")
    p.add_argument("--reps", type=int, default=3,
                   help="wrk runs per side and route (3)")
    p.add_argument("--connections", type=int, default=32,
                   help="wrk connections (32)")
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--client-cpu", type=int, default=1,
                   help="wrk's core, also the simulators' (1)")
    p.add_argument("--devices", type=int, default=255)
    p.add_argument("--gateways", type=int, default=8)
    p.add_argument("--history-devices", type=int, default=8,
                   help="devices with a year of hourly history (8)")
    p.add_argument("--dead", action="store_true",
                   help="gateways on loopback ports where nothing "
                   "listens, not ews-sim")
    p.add_argument("--sample-rate", type=int, default=0,
                   help="set sample_rate_min (default: the site's, 10)")
    p.add_argument("--skip-b3", action="store_true")
    p.add_argument("--skip-soak", action="store_true")
    p.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp"),
                   help="where the scratch directory goes")
    p.add_argument("--keep", action="store_true",
                   help="keep the scratch directory")
    p.add_argument("--catalog", default=os.path.join(SRC, "libews",
                                                     "catalog"))
    p.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    a = p.parse_args()
    if a.soak is None:
        a.soak = 60 if a.quick else 600
    a.ewsd = os.path.join(a.build, "frontends", "ewsd", "ewsd")
    a.ews = os.path.join(a.build, "frontends", "cli", "ews")
    a.peer = os.path.join(a.build, "bench", "http-peer")
    a.sim = None if a.dead else os.path.join(a.build, "frontends", "sim",
                                             "ews-sim")
    for exe in [a.ewsd, a.ews, a.peer, a.wrk] + ([a.sim] if a.sim else []):
        if not os.access(exe, os.X_OK):
            die("%s: not found (build first, or install wrk)" % exe)
    if not shutil.which("taskset"):
        die("taskset not found (util-linux)")
    if not (1 <= a.gateways and a.devices <= 247 * a.gateways):
        die("--devices must fit on --gateways (247 addresses each)")
    return a


def b3(a, ewsd, peer, ewsd_port, peer_port, routes, cookie):
    say("B3 HTTP: wrk -t1 -c%d -d%ds --latency, keep-alive; ewsd and the "
        "peer (bare evhttp, same" % (a.connections, a.duration))
    say("  bytes) alternately, %d runs each; server on CPU %d, wrk on CPU "
        "%d. Medians." % (a.reps, a.server_cpu, a.client_cpu))
    results = {}
    for rep in range(a.reps):
        for name, target, _ in routes:
            sides = [("ewsd", ewsd, ewsd_port), ("peer", peer, peer_port)]
            if rep % 2:
                sides.reverse()
            for side, proc, port in sides:
                r = wrk(a, port, target, cookie, a.duration, proc.pid)
                if r["errors"]:
                    die("%s %s: %d errors in wrk's run"
                        % (side, target, r["errors"]))
                results.setdefault((name, side), []).append(r)
    say("  %-24s %9s %9s %6s %7s  %8s %8s  %7s %7s"
        % ("route (body)", "ewsd/s", "peer/s", "ratio", "target",
           "ewsd p99", "peer p99", "ewsd", "peer"))
    say("  %-24s %9s %9s %6s %7s  %8s %8s  %7s %7s"
        % ("", "", "", "", "", "ms", "ms", "us/req", "us/req"))
    summary = []
    for name, target, size in routes:
        med = {}
        for side in ("ewsd", "peer"):
            rs = results[(name, side)]
            med[side] = {k: statistics.median(r[k] for r in rs)
                         for k in ("rps", "p99_ms", "cpu_us")}
        ratio = med["ewsd"]["rps"] / med["peer"]["rps"]
        want = TARGET_HIST if name == "histogram" else TARGET_SMALL
        say("  %-24s %9.0f %9.0f %6.2f %7s  %8.2f %8.2f  %7.1f %7.1f  %s"
            % ("%s (%d B)" % (name, size), med["ewsd"]["rps"],
               med["peer"]["rps"], ratio, ">= %.1f" % want,
               med["ewsd"]["p99_ms"], med["peer"]["p99_ms"],
               med["ewsd"]["cpu_us"], med["peer"]["cpu_us"],
               verdict(ratio >= want)))
        summary.append((name, med, ratio, want))
    for name, target, _ in routes:
        say("  runs %-10s ewsd %s; peer %s" % (
            name,
            " ".join("%.0f" % r["rps"] for r in results[(name, "ewsd")]),
            " ".join("%.0f" % r["rps"] for r in results[(name, "peer")])))
    for name, med, _, _ in summary:
        p99 = med["ewsd"]["p99_ms"]
        say("  p99 at c=%d, %-10s %.2f ms (target <= %.0f ms; peer "
            "%.2f ms)  %s" % (a.connections, name + ":", p99, TARGET_P99_MS,
                              med["peer"]["p99_ms"],
                              verdict(p99 <= TARGET_P99_MS)))


def soak(a, ewsd, port, routes, cookie, seconds):
    """wrk on ewsd for `seconds`, alternating the routes every
    SOAK_CHUNK_S: (requests, errors)."""
    n = errors = i = 0
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left < 1:
            break
        name, target, _ = routes[i % len(routes)]
        r = wrk(a, port, target, cookie, int(min(SOAK_CHUNK_S, left)),
                ewsd.pid)
        n += r["requests"]
        errors += r["errors"]
        i += 1
    return n, errors


def main():
    a = options()
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="ews-bench-http-", dir=a.dir)
    children = Children()
    try:
        run(a, tmp, children)
    finally:
        children.stop_all()
        if a.keep:
            say("scratch directory kept: %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    say("total %.0f s" % (time.monotonic() - t_start))


def run(a, tmp, children):
    site = Site(a, tmp)
    t0 = time.monotonic()
    site.build(children)
    say("site: %d Eastron SDM630 on %d gateways (%s), %d of them with a "
        "year of hourly" % (a.devices, a.gateways,
                            "ews-sim" if a.sim else "dead ports",
                            min(a.devices, a.history_devices)))
    say("  history (%d samples); built in %.0f s"
        % (site.history_samples, time.monotonic() - t0))

    # ewsd, idle
    port_file = os.path.join(tmp, "ewsd.port")
    err = os.path.join(tmp, "ewsd.err")
    ewsd = children.start([a.ewsd, "--site", site.dir, "--listen",
                           "127.0.0.1:0", "--port-file", port_file],
                          a.server_cpu, site.env, err)
    port = wait_port_file(port_file, ewsd, "ewsd", err)
    time.sleep(1)
    idle0 = proc_status(ewsd.pid)
    cpu0 = cpu_s(ewsd.pid)
    time.sleep(a.idle)
    idle1 = proc_status(ewsd.pid)
    idle_cpu = (cpu_s(ewsd.pid) - cpu0) / a.idle * 100
    cookie, csrf = login(port)
    cycles = recording_cycles(port, cookie)
    logged = proc_status(ewsd.pid)
    t0 = time.monotonic()
    one_cycle(port, cookie, csrf)
    t_cycle = time.monotonic() - t0
    time.sleep(1)
    cycled = proc_status(ewsd.pid)

    def rss(st):
        return "%.1f MiB (anon %.1f, file %.1f)" % (
            mib(st["VmRSS"]), mib(st.get("RssAnon", 0)),
            mib(st.get("RssFile", 0)))

    def idle_verdict(st):
        return "(target <= %.0f MiB)  %s" % (
            TARGET_IDLE_MIB, verdict(mib(st["VmRSS"]) <= TARGET_IDLE_MIB))

    say("B4 idle: VmRSS of ewsd, no request, CPU %d" % a.server_cpu)
    say("  1 s after start       %s" % rss(idle0))
    say("  after %3d s idle      %s %s" % (a.idle, rss(idle1),
                                          idle_verdict(idle1)))
    say("    (CPU %.2f %% of a core; recording cycles: %d)"
        % (idle_cpu, cycles))
    say("  after a login         %s" % rss(logged))
    say("  after a cycle         %s %s" % (rss(cycled),
                                          idle_verdict(cycled)))
    say("    (POST /api/v1/poll: every device read and recorded in %.1f s)"
        % t_cycle)

    # the routes and the peer
    end = datetime.datetime.fromtimestamp(site.history_end_s,
                                          datetime.timezone.utc)
    day = (end - datetime.timedelta(days=182)).strftime("%Y-%m-%d")
    routes = [("settings", "/api/v1/settings"),
              ("session", "/api/v1/session"),
              ("histogram", "/api/v1/consumption?scope=site&period=day"
               "&date=" + day)]
    peer_args, captured = [], []
    for name, target in routes:
        h, b, answer = capture(port, target, cookie, tmp, name)
        peer_args += [target, h, b]
        captured.append((name, target, answer))
    perr = os.path.join(tmp, "peer.err")
    pport_file = os.path.join(tmp, "peer.port")
    peer = children.start([a.peer, "--port-file", pport_file] + peer_args,
                          a.server_cpu, site.env, perr)
    pport = wait_port_file(pport_file, peer, "http-peer", perr)
    for name, target, answer in captured:
        if not same_answer(answer, request(pport, "GET", target,
                                           cookie=cookie)):
            die("the peer's answer to %s differs from ewsd's" % target)
    routes = [(name, target, len(answer[3]))
              for name, target, answer in captured]
    say("  peer answers checked: same status, headers and body as ewsd's "
        "(histogram of %s)" % day)

    if not a.skip_b3:
        b3(a, ewsd, peer, port, pport, routes, cookie)
    children.stop(peer)

    if not a.skip_soak:
        mixed = [routes[0], routes[2]]
        say("B4 soak: wrk -c%d on ewsd alternating %s and %s every %d s: "
            "%d s warm-up, then %d s"
            % (a.connections, mixed[0][0], mixed[1][0], SOAK_CHUNK_S,
               a.warmup, a.soak))
        soak(a, ewsd, port, mixed, cookie, a.warmup)
        before = proc_status(ewsd.pid)
        cycles_before = recording_cycles(port, cookie)
        n, errors = soak(a, ewsd, port, mixed, cookie, a.soak)
        after = proc_status(ewsd.pid)
        growth = after["VmRSS"] - before["VmRSS"]
        say("  VmRSS %.2f MiB after the warm-up, %.2f MiB after the soak: "
            "growth %+d KiB (target <= %d KiB)  %s"
            % (mib(before["VmRSS"]), mib(after["VmRSS"]), growth,
               TARGET_GROWTH_MIB * 1024,
               verdict(growth <= TARGET_GROWTH_MIB * 1024)))
        say("  VmHWM %.2f MiB; %d requests in the soak, %d errors; "
            "recording cycles: %d before, %d after"
            % (mib(after["VmHWM"]), n, errors, cycles_before,
               recording_cycles(port, cookie)))

    rc = children.stop(ewsd)
    if rc != 0:
        with open(err, errors="replace") as f:
            die("ewsd exit code %r after SIGTERM: %s" % (rc, f.read()))


if __name__ == "__main__":
    main()
