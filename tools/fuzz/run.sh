#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [TARGET...] - "make fuzz": every libFuzzer target of the tree (the
# packet library's and each app's, as tests/unit builds them), each for
# NDIV_FUZZ_SECONDS (default 300) with NDIV_FUZZ_JOBS parallel workers
# (default 1), its corpus kept under build/fuzz/corpus/TARGET and started
# from the seeds in the tree (tests/fuzz/corpus/, <app>/tests/corpus/).
#
# Writes build/fuzz/summary.json:
#   {"TARGET": {"execs": N, "seconds": S, "crashes": C}, ...}
# Crash inputs go to build/fuzz/crashes/TARGET/. Exit status 1 when any
# target crashed or did not run, 0 otherwise.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/fuzz
seconds=${NDIV_FUZZ_SECONDS:-300}
jobs=${NDIV_FUZZ_JOBS:-1}

make -s -C "$top/tests/unit" O="$out/bin" fuzzers || {
	echo "fuzz: the fuzzers do not build" >&2
	exit 1
}
if [ $# -eq 0 ]; then
	set -- $(cd "$out/bin" && ls fuzz_*)
fi

# seeds NAME: the tree's seed directory of target NAME, if any
seeds() {
	for d in "$top"/tests/fuzz/corpus "$top"/*/tests/corpus; do
		[ -d "$d/${1#fuzz_}" ] && echo "$d/${1#fuzz_}" && return
	done
}

# run_one NAME: one target; prints its JSON member
run_one() {
	name=$1
	corpus=$out/corpus/$name
	crashes=$out/crashes/$name
	log=$out/log/$name
	mkdir -p "$corpus" "$crashes" "$log"
	rm -f "$log"/*
	start=$(date +%s)
	# -fork keeps going after a crash and counts them; one log per job
	(cd "$log" && "$out/bin/$name" -fork="$jobs" \
		-ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
		-max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$corpus" $(seeds "$name") \
		>"$log/main.log" 2>&1)
	end=$(date +%s)
	# the fork driver reports "#N ... exec/s" lines: the last one is the total
	execs=$(grep -oE '^#[0-9]+' "$log/main.log" | tail -n 1 | tr -d '#')
	ncrash=$(find "$crashes" -type f \( -name 'crash-*' -o \
		-name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) |
		wc -l)
	printf '"%s": {"execs": %s, "seconds": %s, "crashes": %s}' \
		"$name" "${execs:-0}" "$((end - start))" "$ncrash"
	[ -n "$execs" ] && [ "$ncrash" -eq 0 ]
}

rc=0
sep=
{
	printf '{'
	for t in "$@"; do
		printf '%s' "$sep"
		run_one "$t" || rc=1
		sep=', '
	done
	printf '}\n'
} >"$out/summary.json.tmp"
mv "$out/summary.json.tmp" "$out/summary.json"
cat "$out/summary.json"
exit $rc
