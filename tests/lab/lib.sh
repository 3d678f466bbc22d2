# SPDX-License-Identifier: GPL-2.0
# Helpers for lab tests: they run on the host side, inside the lab's
# namespace (tools/lab/ndiv-lab run), and reach the guest with $NDIV_LAB.
# shellcheck shell=sh

TOP=$(cd "$(dirname "$0")/../.." && pwd)
LAB=$TOP/tests/lab
DEV=$NDIV_LAB_GUEST_DEV
ND=/sys/class/net/$DEV/ndiv
PY=/usr/bin/python3

# Run a command in the guest.
G() {
	$NDIV_LAB "$@"
}

diag() {
	echo "$*" | sed 's/^/# /'
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] && return 0
	diag "$1: got '$2', want '$3'"
	return 1
}

# expect_ge WHAT GOT MIN
expect_ge() {
	[ "$2" -ge "$3" ] 2>/dev/null && return 0
	diag "$1: got $2, want >= $3"
	return 1
}

# Guest sysfs write, prints OK or the errno name.
gwrite() {
	G "$PY" "$LAB/sysfs_write.py" "$1" "$2"
}

attach() {
	G ndivctl link attach dev "$DEV" app "$1"
}

detach() {
	G ndivctl link detach dev "$DEV"
}

# One snapshot of ndiv counters on the guest device plus the guest stack's
# UDP receive counters (InDatagrams + NoPorts + InErrors, v4 and v6), as
# shell assignments: rx pass drop tx txerr aborted udp
snapshot() {
	G sh -c "cd $ND/stats && echo rx=\$(cat rx_packets) \
pass=\$(cat pass) drop=\$(cat drop) tx=\$(cat tx) \
txerr=\$(cat tx_err) aborted=\$(cat aborted) \
udp=\$(awk '/^Udp: [0-9]/ { s += \$2 + \$3 + \$4 } END { print s }' \
/proc/net/snmp) \
udp6=\$(awk '/^Udp6(InDatagrams|NoPorts|InErrors) / { s += \$2 } \
END { print s }' /proc/net/snmp6)"
}

# Frames the host side has handed to the guest NIC so far.
host_tx() {
	cat "/sys/class/net/$NDIV_LAB_HOST_DEV/statistics/tx_packets"
}

# json_get JSON KEY
json_get() {
	echo "$1" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

# run_cases CASE... : KTAP plan and one result line per case function.
run_cases() {
	echo "KTAP version 1"
	echo "1..$#"
	n=0
	for c in "$@"; do
		n=$((n + 1))
		if out=$("$c" 2>&1); then
			[ -n "$out" ] && diag "$out"
			echo "ok $n $c ${NDIV_TEST_TAG:-}"
		else
			[ -n "$out" ] && diag "$out"
			echo "not ok $n $c ${NDIV_TEST_TAG:-}"
		fi
	done
}
