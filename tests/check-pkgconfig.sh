#!/bin/sh
# check-pkgconfig.sh <builddir> <list-catalog.c> [extra cc flags...]
#
# What an outside program sees of an installed libews:
#   1. `meson install --destdir $tmp` of the build;
#   2. libews.pc is installed and `pkg-config --cflags --libs libews` works
#      (PKG_CONFIG_SYSROOT_DIR=$tmp);
#   3. the soname of libews.so is libews.so.0 and the dev symlink exists;
#   4. examples/list-catalog.c builds with only those flags, runs against
#      the installed library and catalogue, and lists every installed model.
# Extra arguments are passed to cc (the sanitizer flags of the build).
set -eu

[ $# -ge 2 ] || {
	echo "usage: $0 <builddir> <list-catalog.c> [cc flags...]" >&2
	exit 2
}
build=$1
example=$2
shift 2

for tool in pkg-config readelf cc; do
	command -v $tool >/dev/null 2>&1 || {
		echo "$tool not found: skipped"
		exit 77
	}
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ews-pkgconfig-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/dest

fail() {
	echo "FAIL: $*"
	exit 1
}

echo "# meson install --destdir $dest"
meson install -C "$build" --no-rebuild --quiet --destdir "$dest" \
	>"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log"
	fail "meson install"
}

pc=$(find "$dest" -name libews.pc | head -n 1)
[ -n "$pc" ] || fail "libews.pc was not installed"
echo "# $pc"
sed 's/^/	/' "$pc"

pcdir=$(dirname "$pc")
flags=$(PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$dest \
	pkg-config --cflags --libs libews) || fail "pkg-config libews"
echo "# pkg-config --cflags --libs libews: $flags"

# Library directory from the -L flag (inside $dest thanks to the sysroot).
libdir=
for f in $flags; do
	case $f in
	-L*) libdir=${f#-L} ;;
	esac
done
if [ -z "$libdir" ]; then
	# pkg-config drops -L for a system directory (prefix /usr).
	libdir=$(dirname "$(find "$dest" -name 'libews.so*' | head -n 1)")
fi
[ -d "$libdir" ] || fail "no library directory inside $dest in: $flags"
[ -e "$libdir/libews.so" ] || fail "$libdir/libews.so (dev symlink) missing"

soname=$(readelf -d "$libdir/libews.so" |
	sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[ "$soname" = libews.so.0 ] || fail "soname is '$soname', expected libews.so.0"
[ -e "$libdir/libews.so.0" ] || fail "$libdir/libews.so.0 missing"
echo "# soname $soname"

# The installed catalogue: <datadir>/ews/catalog.
catdir=$(find "$dest" -type d -path '*/share/ews/catalog' | head -n 1)
[ -n "$catdir" ] || fail "catalogue directory share/ews/catalog not installed"

echo "# cc $example $* $flags"
# shellcheck disable=SC2086 # flags are words
cc -std=c99 -Wall -Wextra -Werror "$@" -o "$tmp/list-catalog" "$example" \
	$flags || fail "building $example against the installed libews"

LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
	"$tmp/list-catalog" "$catdir" >"$tmp/out" 2>"$tmp/err" || {
	cat "$tmp/out" "$tmp/err"
	fail "list-catalog exited with $?"
}
cat "$tmp/out"
if [ -s "$tmp/err" ]; then
	echo "# stderr:"
	cat "$tmp/err"
fi

# Every installed model file <key>.json is listed as "<key> …".
n=0
for f in "$catdir"/*.json; do
	[ -e "$f" ] || continue
	key=$(basename "$f" .json)
	grep -q "^$key " "$tmp/out" || fail "model $key missing from the listing"
	n=$((n + 1))
done
grep -q "^$n models, 0 files refused$" "$tmp/out" ||
	fail "expected a last line '$n models, 0 files refused'"

# A catalogue directory that does not exist: a clean failure with a message.
if LD_LIBRARY_PATH=$libdir "$tmp/list-catalog" /nonexistent/ews-catalog \
	>/dev/null 2>"$tmp/err2"; then
	fail "list-catalog succeeded on a missing directory"
fi
[ -s "$tmp/err2" ] || fail "list-catalog failed without a message"
echo "# missing directory: $(cat "$tmp/err2")"

# The installed Python package (when the binding was built) imports and
# reads the installed catalogue.
pkg=$(find "$dest" -type d -name ews -path '*/python3*/ews' | head -n 1)
if [ -n "$pkg" ]; then
	py=/usr/bin/python3
	[ -x "$py" ] || py=python3
	echo "# python: $pkg"
	PYTHONPATH=$(dirname "$pkg") LD_LIBRARY_PATH=$libdir PYTHONDONTWRITEBYTECODE=1 \
		"$py" -c 'import sys, ews
assert ews.__file__.startswith(sys.argv[1]), ews.__file__
print("ews", ews.version(), len(ews.Catalog.load(sys.argv[2]).models()), "models")' \
		"$pkg" "$catdir" || fail "the installed Python package"
fi
echo "ok: $n models listed by an example built with pkg-config libews"
