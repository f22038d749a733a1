#!/bin/sh
# Keep the ABI reviewed (STYLE.md §8, §9).
#
#   check-exports.sh <libews.so> <libews.sym>
#	The dynamic symbols libews.so defines (nm -D --defined-only, minus
#	their @@EWS_x.y suffix and the version nodes) are exactly the names
#	listed in libews.sym, and every one starts with "ews_".
#
#   check-exports.sh --headers <libews.sym> <header.h>...
#	Every function declared with EWS_API in the headers is listed in
#	libews.sym and the other way round, so a header change without a
#	.sym change fails.
#
#   check-exports.sh --history <libews.sym> <api-history.md>
#	Every name of libews.sym has a row in docs/api-history.md and every
#	row that is not marked removed names a symbol of libews.sym.
#
# Prints the differences and exits 1 on any; 77 (skip) when nm is missing.
set -eu

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ews-exports-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

usage() {
	echo "usage: $0 <libews.so> <libews.sym>" >&2
	echo "       $0 --headers <libews.sym> <header.h>..." >&2
	echo "       $0 --history <libews.sym> <api-history.md>" >&2
	exit 2
}

# Names listed in a version script: every "name;" that is not "*;" and not
# a "global:"/"local:" label, sorted.
sym_names() {
	sed -e 's,#.*$,,' -e 's,/\*.*\*/,,g' "$1" |
		tr -s ' \t;' '\n' |
		grep -E '^[A-Za-z_][A-Za-z0-9_]*$' |
		LC_ALL=C sort -u
}

# Prints "<label>: <name>" for each line only in the first / second file.
# Returns 1 when they differ.
compare() {
	only_a=$(LC_ALL=C comm -23 "$1" "$2")
	only_b=$(LC_ALL=C comm -13 "$1" "$2")
	[ -z "$only_a" ] && [ -z "$only_b" ] && return 0
	for n in $only_a; do
		echo "$3: $n"
	done
	for n in $only_b; do
		echo "$4: $n"
	done
	return 1
}

case "${1:-}" in
--headers)
	[ $# -ge 3 ] || usage
	sym=$2
	shift 2
	# Strip comments and preprocessor lines, then take the identifier
	# right before the "(" of every EWS_API declaration.
	perl -0777 -ne '
		s{/\*.*?\*/}{}gs; s{//[^\n]*}{}g; s{^\s*#.*$}{}mg;
		while (/\bEWS_API\b[^;{]*?\b([A-Za-z_]\w*)\s*\(/g) {
			print "$1\n";
		}' "$@" | LC_ALL=C sort -u >"$tmp/headers"
	sym_names "$sym" >"$tmp/sym"
	if [ ! -s "$tmp/headers" ]; then
		echo "no EWS_API declaration found in: $*"
		exit 1
	fi
	if ! compare "$tmp/headers" "$tmp/sym" \
		"declared with EWS_API but missing from $(basename "$sym")" \
		"listed in $(basename "$sym") but not declared in a header"; then
		exit 1
	fi
	echo "$(wc -l <"$tmp/sym") symbols: headers and $(basename "$sym") agree"
	exit 0
	;;
--history)
	[ $# -eq 3 ] || usage
	sym_names "$2" >"$tmp/sym"
	# Rows "| `name` | added | deprecated | removed |"; a row whose
	# removed column is not empty or "-" is no longer in the .sym.
	awk -F'|' '/^\|[ \t]*`ews_/ {
		name = $2; gsub(/[ \t`]/, "", name);
		removed = $5; gsub(/[ \t]/, "", removed);
		if (removed == "" || removed == "-") print name;
	}' "$3" | LC_ALL=C sort -u >"$tmp/history"
	if ! compare "$tmp/sym" "$tmp/history" \
		"in $(basename "$2") but no row in $(basename "$3")" \
		"row in $(basename "$3") but not in $(basename "$2")"; then
		exit 1
	fi
	echo "$(wc -l <"$tmp/sym") symbols: $(basename "$3") agrees"
	exit 0
	;;
esac

[ $# -eq 2 ] || usage
lib=$1
sym=$2
command -v nm >/dev/null 2>&1 || {
	echo "nm not found: skipped"
	exit 77
}

nm -D --defined-only "$lib" >"$tmp/nm"
# "<value> <type> <name>[@@EWS_x.y]"; drop the version nodes themselves.
awk 'NF >= 3 { print $3 }' "$tmp/nm" |
	sed -e 's/@.*$//' |
	grep -Ev '^EWS_[0-9]+\.[0-9]+$' |
	LC_ALL=C sort -u >"$tmp/exported"
sym_names "$sym" >"$tmp/sym"

status=0
if ! compare "$tmp/exported" "$tmp/sym" \
	"exported but not in $(basename "$sym")" \
	"in $(basename "$sym") but not exported"; then
	status=1
fi
bad=$(grep -v '^ews_' "$tmp/exported" || true)
for n in $bad; do
	echo "exported without the ews_ prefix: $n"
	status=1
done
if [ $status -eq 0 ]; then
	echo "$(wc -l <"$tmp/exported") symbols exported, as listed in $(basename "$sym")"
fi
exit $status
