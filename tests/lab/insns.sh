#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# insns.sh - the lab's guest instruction counter (tools/lab/insns), run by
#   ndiv-lab run --nic NIC --count-insns -- tests/lab/insns.sh
# KTAP on stdout.
# shellcheck disable=SC2046 # $(insns) is three numbers, split on purpose

# shellcheck source=tests/lab/lib.sh
. "$(dirname "$0")/lib.sh"

LOOP=$TOP/build/lab/insns/loop

# insns: the counters now, as "total kernel user".
insns() {
	$NDIV_LAB_INSNS
}

case_totals_add_up_and_grow() {
	[ -n "$NDIV_LAB_INSNS" ] || {
		diag "NDIV_LAB_INSNS is empty: not run with --count-insns"
		return 1
	}
	set -- $(insns)
	t0=$1 k0=$2 u0=$3
	sleep 1
	set -- $(insns)
	echo "1 s of an idle guest: $(($1 - t0)) instructions," \
		"$(($2 - k0)) kernel, $(($3 - u0)) user"
	expect_eq "total = kernel + user" "$1" "$(($2 + $3))" &&
	expect_ge "kernel instructions in 1 s" "$(($2 - k0))" 1 &&
	expect_ge "user instructions never decrease" "$(($3 - u0))" 0
}

# user_delta N: user instructions counted around "loop N" in the guest.
user_delta() {
	set -- "$1" $(insns)
	G "$LOOP" "$1" || return 1
	set -- "$1" "$4" $(insns)
	echo $(($5 - $2))
}

# The loop runs 2 instructions per iteration in user space: ten million
# more iterations must count twenty million more user instructions. The
# rest (the agent starting the loop, the idle guest) is the same in both
# runs, to within a few thousand instructions.
case_loop_of_known_length() {
	a=$(user_delta 1000000) && b=$(user_delta 11000000) || return 1
	d=$((b - a - 20000000))
	echo "loop 1000000: $a user instructions, loop 11000000: $b;" \
		"difference - 20000000 = $d"
	[ "$d" -lt 0 ] && d=$((-d))
	[ "$d" -le 20000 ] || {
		diag "off by more than 0.1 %"
		return 1
	}
}

# The driver's text ranges count the frames it handles; the parts add up
# to the kernel's total.
case_split_by_module() {
	G sh "$TOP/tools/lab/insns/modranges.sh" "driver=$NDIV_LAB_DRIVER" \
		core=ndiv >"$TMPF" || return 1
	if ! grep -q '^driver ' "$TMPF" || ! grep -q '^core ' "$TMPF"; then
		diag "ranges: $(cat "$TMPF")"
		return 1
	fi
	$NDIV_LAB_INSNS split "$TMPF" >"$TMPF.0" || return 1
	ping -q -c 200 -i 0.002 "$NDIV_LAB_GUEST_IP" >/dev/null || return 1
	$NDIV_LAB_INSNS split "$TMPF" >"$TMPF.1" || return 1
	drv=$(($(awk '$1 == "driver" { print $2 }' "$TMPF.1") -
		$(awk '$1 == "driver" { print $2 }' "$TMPF.0")))
	echo "200 pings: $drv instructions in $NDIV_LAB_DRIVER"
	sum=$(awk 'NR > 1 { s += $2 } END { printf "%.0f", s }' "$TMPF.1")
	kernel=$(awk 'NR == 1 { print $2 }' "$TMPF.1")
	expect_ge "driver instructions for 200 pings" "$drv" 200 &&
	expect_eq "driver + core + kernel-other = kernel" "$sum" "$kernel"
}

TMPF=$(mktemp)
trap 'rm -f "$TMPF" "$TMPF.0" "$TMPF.1"' EXIT
run_cases case_totals_add_up_and_grow case_loop_of_known_length \
	case_split_by_module
