# SPDX-License-Identifier: GPL-2.0
#
# ktap.sh - KTAP output for ndiv's shell test suites.
#
#	# shellcheck source=tests/lib/ktap.sh
#	. "$top/tests/lib/ktap.sh"
#	ktap_plan 3
#	ktap_result "patch applies" "$msg"	# ok when $msg is empty
#	ktap_skip "arm64 build" "no aarch64-linux-gnu-gcc"
#	ktap_not_ok "driver loads"
#	ktap_finish				# the totals; fails if a test did
#
# prints
#
#	KTAP version 1
#	1..3
#	ok 1 patch applies
#	ok 2 arm64 build # SKIP no aarch64-linux-gnu-gcc
#	not ok 3 driver loads
#	# Totals: pass:1 fail:1 skip:1
#
# (the kernel's Documentation/dev-tools/ktap.rst). tests/run.sh counts the
# "ok" and "not ok" lines of every suite. Each ktap_plan starts a new KTAP
# document, numbered from 1. The functions use no variables of the caller
# and only the ktap_ prefix for their own.
# shellcheck shell=sh

ktap_planned=0
ktap_n=0
ktap_pass=0
ktap_fail=0
ktap_skipped=0

# ktap_plan N: the header of a document of N tests.
ktap_plan() {
	ktap_planned=$1
	ktap_n=0
	ktap_pass=0
	ktap_fail=0
	ktap_skipped=0
	echo "KTAP version 1"
	echo "1..$1"
}

# ktap_diag TEXT...: TEXT, each of its lines as a "# " diagnostic;
# nothing if TEXT is empty.
ktap_diag() {
	[ -n "$*" ] || return 0
	printf '%s\n' "$*" | sed 's/^/# /'
}

# ktap_ok DESC: the next test passed.
ktap_ok() {
	ktap_n=$((ktap_n + 1))
	ktap_pass=$((ktap_pass + 1))
	echo "ok $ktap_n $*"
}

# ktap_not_ok DESC: the next test failed.
ktap_not_ok() {
	ktap_n=$((ktap_n + 1))
	ktap_fail=$((ktap_fail + 1))
	echo "not ok $ktap_n $*"
}

# ktap_skip DESC REASON: the next test did not run.
ktap_skip() {
	ktap_n=$((ktap_n + 1))
	ktap_skipped=$((ktap_skipped + 1))
	echo "ok $ktap_n $1 # SKIP $2"
}

# ktap_result DESC MSG: ok when MSG is empty, else MSG as diagnostic and
# not ok.
ktap_result() {
	if [ -z "$2" ]; then
		ktap_ok "$1"
	else
		ktap_diag "$2"
		ktap_not_ok "$1"
	fi
}

# ktap_skip_rest DESC REASON: skips the tests left in the plan.
ktap_skip_rest() {
	while [ "$ktap_n" -lt "$ktap_planned" ]; do
		ktap_skip "$1" "$2"
	done
}

# ktap_finish: the totals, and a note if the plan was not kept; returns
# non-zero if a test failed.
ktap_finish() {
	[ "$ktap_n" -eq "$ktap_planned" ] ||
		ktap_diag "ran $ktap_n tests, planned $ktap_planned"
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail skip:$ktap_skipped"
	[ "$ktap_fail" -eq 0 ]
}
