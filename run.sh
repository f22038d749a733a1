#!/usr/bin/env bash
# ews: one entry point for a fresh Debian 12 machine.
#
#   ./run.sh demo   install what is missing, build, create the demo site (an
#                   office building with a year of history) in ./demo-site,
#                   serve its devices with ews-sim and the site with ewsd,
#                   print the URL and the administrator codes, and stay
#                   in the foreground until Ctrl-C
#   ./run.sh test   install what is missing, build, run every test suite,
#                   again under AddressSanitizer + UBSan, then the
#                   pkg-config / example check; the last line of output is
#                   "N passed, N failed" (CI reads it)
#
# Environment: EWS_BUILD_DIR (build), EWS_ASAN_BUILD_DIR (build-asan),
# EWS_DEMO_SITE (./demo-site), EWS_DEMO_PORT (8080: ewsd's HTTP port),
# EWS_SKIP_APT=1 to never call apt-get.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
BUILD=${EWS_BUILD_DIR:-build}
BUILD_ASAN=${EWS_ASAN_BUILD_DIR:-build-asan}

PACKAGES=(build-essential g++ meson ninja-build pkg-config libsqlite3-dev
	libmodbus-dev libyajl-dev libcurl4-openssl-dev check libevent-dev
	python3 python3-dev python3-cffi python3-pymodbus python3-serial mbpoll valgrind
	tzdata zlib1g-dev libssl-dev libjs-chart.js chromium)

say() {
	printf '\n==> %s\n' "$*"
}

die() {
	printf 'run.sh: %s\n' "$*" >&2
	exit 1
}

# ---------------------------------------------------------------------------
# Dependencies: apt only when a package is missing, so reruns are fast.

install_deps() {
	local missing=() p
	if [ "${EWS_SKIP_APT:-0}" = 1 ]; then
		return 0
	fi
	command -v dpkg-query >/dev/null 2>&1 ||
		die "dpkg-query not found: this script expects Debian 12; install ${PACKAGES[*]} by hand and set EWS_SKIP_APT=1"
	for p in "${PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$'; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		return 0
	fi
	say "installing ${missing[*]}"
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 ||
			die "not root and sudo is missing: install ${missing[*]}"
		sudo=(sudo)
	fi
	"${sudo[@]}" apt-get update
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "${PACKAGES[@]}"
}

# ---------------------------------------------------------------------------
# Build

# configure <dir> [meson options...]: reconfigure an existing build
# directory, start afresh when that fails (e.g. after a meson upgrade).
configure() {
	local dir=$1
	shift
	if [ -f "$dir/meson-private/coredata.dat" ]; then
		meson setup --reconfigure "$dir" "$@" ||
			meson setup --wipe "$dir" "$@"
	else
		rm -rf "$dir"
		meson setup "$dir" "$@"
	fi
}

build() {
	local dir=$1
	shift
	say "building in $dir ($*)"
	configure "$dir" "$@" && ninja -C "$dir"
}

# ---------------------------------------------------------------------------
# Tests: sum meson test's summary over every run.

PASSED=0
FAILED=0
SKIPPED=0
STAGES_FAILED=()

# count <log>: add the "Ok:", "Fail:" … lines of a meson test summary.
count() {
	local log=$1 ok xfail fail xpass timeout skipped
	field() {
		sed -n "s/^$1:[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$log" |
			tail -n 1
	}
	ok=$(field 'Ok')
	xfail=$(field 'Expected Fail')
	fail=$(field 'Fail')
	xpass=$(field 'Unexpected Pass')
	timeout=$(field 'Timeout')
	skipped=$(field 'Skipped')
	if [ -z "$ok" ] && [ -z "$fail" ]; then
		return 1 # no summary: meson test did not run
	fi
	PASSED=$((PASSED + ${ok:-0} + ${xfail:-0}))
	FAILED=$((FAILED + ${fail:-0} + ${xpass:-0} + ${timeout:-0}))
	SKIPPED=$((SKIPPED + ${skipped:-0}))
}

# run_tests <name> <builddir> [meson test options...]
run_tests() {
	local name=$1 dir=$2 log rc=0
	shift 2
	log=$dir/run-sh-$name.log
	say "meson test -C $dir $* ($name)"
	meson test -C "$dir" --print-errorlogs "$@" 2>&1 | tee "$log" ||
		rc=$?
	if ! count "$log"; then
		# Nothing ran (build or setup failed): one failure, not silence.
		FAILED=$((FAILED + 1))
		rc=1
	fi
	if [ $rc -ne 0 ]; then
		STAGES_FAILED+=("$name")
	fi
}

# stage <name> <command...>: a build step; a failure counts as one failed
# test so that the final line never reads "0 failed" after it.
stage() {
	local name=$1
	shift
	if ! "$@"; then
		printf 'run.sh: %s failed\n' "$name" >&2
		FAILED=$((FAILED + 1))
		STAGES_FAILED+=("$name")
		return 1
	fi
}

# The browser tests drive Debian's chromium with playwright-core from npm
# (package-lock.json); no browser is ever downloaded.
install_node_modules() {
	if ! command -v npm >/dev/null 2>&1; then
		local sudo=()
		[ "$(id -u)" -eq 0 ] || sudo=(sudo)
		say "installing nodejs and npm"
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends nodejs npm
	fi
	say "npm ci"
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
}

cmd_test() {
	local start=$SECONDS
	install_deps
	stage npm install_node_modules || true

	if stage build build "$BUILD"; then
		run_tests tests "$BUILD" --no-suite pkgconfig
	fi

	# The Python binding cannot load an ASan library into a Python that
	# is not built with ASan: it is tested in the normal build only.
	# check's own per-test timeout is stretched like meson's (ASan runs
	# several times slower).
	# OpenSSL 3 allocates on every PBKDF2 round: with ASan's default
	# 256 MB quarantine one 600 000-round code check takes ~3 s instead
	# of ~0.2 s; 8 MB keeps freed memory poisoned long enough for tests.
	if stage build-asan build "$BUILD_ASAN" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dpython=disabled; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=8 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			CK_TIMEOUT_MULTIPLIER=4 \
			run_tests asan "$BUILD_ASAN" --no-suite pkgconfig \
			--timeout-multiplier 4
	fi

	if [ -f "$BUILD/build.ninja" ]; then
		run_tests pkgconfig "$BUILD" --suite pkgconfig
	fi

	say "done in $((SECONDS - start)) s; $SKIPPED skipped${STAGES_FAILED[*]:+; failed: ${STAGES_FAILED[*]}}"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ ${#STAGES_FAILED[@]} -eq 0 ]
}

# ---------------------------------------------------------------------------
# Demo

cmd_demo() {
	local site=${EWS_DEMO_SITE:-$ROOT/demo-site}
	local bin=$ROOT/$BUILD/frontends
	local http=${EWS_DEMO_PORT:-8080}
	local sim_pid="" ewsd_pid="" ports now p

	install_deps
	build "$BUILD"
	for p in demo/ews-demo sim/ews-sim ewsd/ewsd; do
		[ -x "$bin/$p" ] || die "$bin/$p was not built"
	done

	export EWS_CATALOG_DIR=$ROOT/libews/catalog
	if [ -e "$site" ]; then
		# Start over, but only on something that is a site (or empty).
		if [ -f "$site/site.db" ] || [ -z "$(ls -A "$site")" ]; then
			rm -rf "$site"
		else
			die "$site exists and is not an ews site: set EWS_DEMO_SITE"
		fi
	fi

	# Two loopback ports free now, for the two simulated gateways.
	ports=$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(",".join(str(x.getsockname()[1]) for x in s))')
	# The history ends now; ews-sim's counters go on from there.
	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	say "creating the demo site $site (a year of history)"
	"$bin/demo/ews-demo" --site "$site" --sim-config "$site/ews-sim.json" \
		--ports "$ports" --now "$now"

	# Stop ewsd, then ews-sim (SIGTERM: both stop cleanly), once.
	stop_demo() {
		local pid
		for pid in $ewsd_pid $sim_pid; do
			kill -TERM "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		done
		if [ -n "$ewsd_pid$sim_pid" ]; then
			say "stopped ewsd and ews-sim; the site stays in $site"
		fi
		ewsd_pid="" sim_pid=""
	}
	# wait_file FILE PID WHAT: until FILE exists; die if PID ends first.
	wait_file() {
		local i
		for i in $(seq 400); do
			[ -s "$1" ] && return 0
			kill -0 "$2" 2>/dev/null || break
			sleep 0.05
		done
		stop_demo
		die "$3 did not start"
	}
	trap stop_demo EXIT
	trap 'exit 130' INT TERM

	# Each in a session of its own: Ctrl-C reaches this script only,
	# which stops them in order.
	say "starting ews-sim: gateways on 127.0.0.1:${ports/,/ and 127.0.0.1:}"
	setsid "$bin/sim/ews-sim" --config "$site/ews-sim.json" \
		--start "$now" --port-file "$site/ews-sim.ports" &
	sim_pid=$!
	wait_file "$site/ews-sim.ports" "$sim_pid" ews-sim

	# One reading of every device now, so the pages show each one's status
	# at once instead of "not read yet" until ewsd's first cycle.
	say "reading every device once"
	"$bin/cli/ews" --site "$site" poll --once >/dev/null ||
		echo "run.sh: the first reading failed; ewsd will read on its cycle" >&2

	say "starting ewsd on 127.0.0.1:$http (log: $site/ewsd.log)"
	setsid "$bin/ewsd/ewsd" --site "$site" --www "$ROOT/frontends/www" \
		--listen "127.0.0.1:$http" --log "$site/ewsd.log" \
		--port-file "$site/ewsd.ports" &
	ewsd_pid=$!
	wait_file "$site/ewsd.ports" "$ewsd_pid" \
		"ewsd (see $site/ewsd.log; port $http taken? set EWS_DEMO_PORT)"

	say "the demo is running"
	cat <<-EOT
		  web UI         http://127.0.0.1:$http/
		  administrator  PIN 99999, PUK 00000 9999 00000
		  Green'Up pages user greenUp: PIN 88888, PUK 00000 88888 00000
		                 (the manual's default codes: ewsd accepts them only
		                 from local addresses, i.e. loopback and private
		                 networks, until they are changed)
		  Press Ctrl-C to stop ewsd and ews-sim.
	EOT
	# Until Ctrl-C, or until one of them ends.
	wait -n "$sim_pid" "$ewsd_pid" || true
	die "ewsd or ews-sim stopped by itself (see $site/ewsd.log)"
}

case "${1:-}" in
demo) cmd_demo ;;
test) cmd_test ;;
*)
	echo "usage: $0 demo|test" >&2
	exit 1
	;;
esac
