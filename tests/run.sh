#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [SUITE...] - ndiv's test runner, called by "make check".
#
# Suites: unit (user-space tests of packet logic and ndivctl), fuzz (a short
# libFuzzer run per target), style (checkpatch), intree (the in-tree
# series, Kconfig and Makefiles, dkms.conf, the kernel range; no kernel
# build), compile (drivers without a QEMU model: built against the Debian
# headers or cross-compiled), lab (real drivers in the QEMU lab). Every
# suite prints KTAP; the runner counts "ok"/"not ok" result lines and ends
# with "N passed, N failed". Output of each suite is kept in
# build/tests/<suite>.log.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
out=$top/build/tests
mkdir -p "$out"
suites=${*:-unit fuzz style intree compile lab}
fuzz_seconds=${NDIV_FUZZ_SECONDS:-20}

suite_unit() {
	make -s -C "$top/tests/unit" O="$out/unit" all || {
		ktap_plan 1
		ktap_not_ok "unit tests build"
		return
	}
	for t in "$out"/unit/test_*; do
		"$t"
	done
	"$top/tests/unit/ndivctl/test_ndivctl.sh" "$top/build/bin/ndivctl"
	"$top/tests/unit/ndivctl/test_man.sh" "$top/build/man/ndivctl.8" \
		"$top/build/bin/ndivctl"
	# the same tests against ndivctl built with ASan and UBSan
	san="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all"
	if make -s -C "$top/tools/ndivctl" O="$out/unit/ndivctl-san" \
		CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined"; then
		NDIVCTL_TEST_TAG=" (ASan, UBSan)" \
			"$top/tests/unit/ndivctl/test_ndivctl.sh" \
			"$out/unit/ndivctl-san/ndivctl"
	else
		ktap_plan 1
		ktap_not_ok "ndivctl build with ASan and UBSan"
	fi
}

suite_fuzz() {
	if ! make -s -C "$top/tests/unit" O="$out/unit" fuzzers; then
		ktap_plan 1
		ktap_not_ok "fuzzers build"
		return
	fi
	# shellcheck disable=SC2012 # names without spaces
	ktap_plan "$(ls "$out"/unit/fuzz_* | wc -l)"
	for f in "$out"/unit/fuzz_*; do
		name=$(basename "$f")
		mkdir -p "$out/corpus/$name"
		# seeds in the tree (valid frames the fuzzer cannot invent):
		# tests/fuzz/corpus/ for the library, <app>/tests/corpus/
		seeds=
		for d in "$top"/tests/fuzz/corpus "$top"/*/tests/corpus; do
			[ -d "$d/${name#fuzz_}" ] && seeds=$d/${name#fuzz_}
		done
		if "$f" -max_total_time="$fuzz_seconds" "$out/corpus/$name" \
			${seeds:+"$seeds"} > "$out/$name.log" 2>&1; then
			ktap_ok "$name ${fuzz_seconds}s"
		else
			ktap_diag "$(tail -n 30 "$out/$name.log")"
			ktap_not_ok "$name"
		fi
	done
	ktap_finish
}

suite_style() {
	"$top/tools/build/checkpatch.sh"
}

suite_intree() {
	"$top/tests/intree/check.sh"
}

suite_compile() {
	for t in "$top"/tests/compile/*.sh; do
		[ -x "$t" ] && "$t"
	done
}

suite_lab() {
	"$top/tests/lab/run.sh"
}

pass=0
fail=0
for s in $suites; do
	echo "# suite $s"
	suite_"$s" 2>&1 | tee "$out/$s.log"
	p=$(grep -c '^ *ok ' "$out/$s.log")
	f=$(grep -c '^ *not ok ' "$out/$s.log")
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
