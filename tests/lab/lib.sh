# SPDX-License-Identifier: GPL-2.0
# Helpers for lab tests: they run on the host side, inside the lab's
# namespace (tools/lab/ndiv-lab run), and reach the guest with $NDIV_LAB.
# shellcheck shell=sh

TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$TOP/tests/lib/ktap.sh"
LAB=$TOP/tests/lab
DEV=$NDIV_LAB_GUEST_DEV
ND=/sys/class/net/$DEV/ndiv
PY=/usr/bin/python3

# Run a command in the guest.
G() {
	$NDIV_LAB "$@"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] && return 0
	ktap_diag "$1: got '$2', want '$3'"
	return 1
}

# expect_ge WHAT GOT MIN
expect_ge() {
	[ "$2" -ge "$3" ] 2>/dev/null && return 0
	ktap_diag "$1: got $2, want >= $3"
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
	# The files are read one after the other, so a frame that arrives
	# meanwhile can be in rx_packets and not yet in its verdict's counter
	# (or the reverse): read the set until two reads in a row agree, at
	# most 50 times, so that the sums the cases compare hold.
	G sh -c "cd $ND/stats || exit 1; read_all() { echo rx=\$(cat rx_packets) \
pass=\$(cat pass) drop=\$(cat drop) tx=\$(cat tx) \
txerr=\$(cat tx_err) aborted=\$(cat aborted); }; \
a=\$(read_all); i=0; while [ \$i -lt 50 ]; do b=\$(read_all); \
[ \"\$a\" = \"\$b\" ] && break; a=\$b; i=\$((i + 1)); done; \
echo \$a \
udp=\$(awk '/^Udp: [0-9]/ { s += \$2 + \$3 + \$4 } END { print s }' \
/proc/net/snmp) \
udp6=\$(awk '/^Udp6(InDatagrams|NoPorts|InErrors) / { s += \$2 } \
END { print s }' /proc/net/snmp6)"
}

# Frames the host side has handed to the guest NIC so far.
host_tx() {
	cat "/sys/class/net/$NDIV_LAB_HOST_DEV/statistics/tx_packets"
}

# Swap apps 30 times while frames flow; every frame the NIC got must be
# counted exactly once, and the link must not bounce. In whatever mode
# the device is in (native.sh: native, generic.sh: generic).
case_swap_under_traffic_counts_once() {
	# The count must match exactly: no ARP or ND refresh from the host
	# may slip in between the host and guest snapshots.
	mac=$(G cat "/sys/class/net/$DEV/address")
	ip neigh replace "$NDIV_LAB_GUEST_IP" lladdr "$mac" \
		dev "$NDIV_LAB_HOST_DEV" nud permanent &&
	ip -6 neigh replace "$NDIV_LAB_GUEST_IP6" lladdr "$mac" \
		dev "$NDIV_LAB_HOST_DEV" nud permanent || return 1
	swap_under_traffic
	rc=$?
	ip neigh del "$NDIV_LAB_GUEST_IP" dev "$NDIV_LAB_HOST_DEV"
	ip -6 neigh del "$NDIV_LAB_GUEST_IP6" dev "$NDIV_LAB_HOST_DEV"
	return $rc
}

# Baseline for an exact count: rx0 and h0 taken while nothing is in
# flight. A frame the host sent just before (an ICMP error for an earlier
# case's reflected frame, an MLD report) could otherwise be in h0 and
# still reach the guest after rx0 was read, and be counted once too often.
# Quiet means two reads 0.3 s apart that agree on both sides; at most 30.
# shellcheck disable=SC2154 # rx is set by eval "$(snapshot)"
quiet_baseline() {
	for _ in $(seq 30); do
		h0=$(host_tx)
		eval "$(snapshot)"
		rx0=$rx
		sleep 0.3
		eval "$(snapshot)"
		[ "$rx" = "$rx0" ] && [ "$(host_tx)" = "$h0" ] && return 0
	done
	return 1
}

# ICMP messages the host has sent (its namespace's Icmp OutMsgs).
host_icmp_out() {
	awk '/^Icmp: [A-Z]/ { for (i = 2; i <= NF; i++) if ($i == "OutMsgs") c = i }
		/^Icmp: [0-9]/ { print $c }' /proc/net/snmp
}

# Frames the guest NIC itself dropped, for want of RX buffers (QEMU's
# e1000 models count them in the missed-packets register, which the
# driver reads into rx_missed_errors every two seconds): they never reach
# a driver's hook, so ndiv cannot count them.
nic_missed() {
	G sh -c "cd /sys/class/net/$DEV/statistics &&
		echo \$((\$(cat rx_missed_errors) + \$(cat rx_fifo_errors) +
		\$(cat rx_over_errors)))"
}

# shellcheck disable=SC2154 # rx, tx, ... are set by eval "$(snapshot)"
swap_under_traffic() {
	attach bench-pass || return 1
	car0=$(G cat "/sys/class/net/$DEV/carrier_changes")
	quiet_baseline || { ktap_diag "the link never went quiet"; return 1; }
	m0=$(nic_missed)
	i0=$(host_icmp_out)
	h0=$(host_tx)
	sent_json=$(mktemp) || return 1
	# 500 frames/s: enough for every swap to meet traffic, few enough
	# that a guest the host starves for a moment does not overrun the
	# NIC's RX ring
	$PY "$LAB/udp.py" send "$NDIV_LAB_GUEST_IP" 9 100000000 --rate 500 \
		>"$sent_json" &
	sender=$!
	G sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do
		for a in bench-reflect bench-drop bench-pass; do
			echo \$a > $ND/app || exit 1; done; done"
	swapped=$?
	# the sender must have outlived the swaps, or they saw no traffic
	kill -0 "$sender" 2>/dev/null
	overlapped=$?
	kill "$sender" 2>/dev/null
	wait "$sender" 2>/dev/null
	sent=$(json_get "$(cat "$sent_json")" sent)
	rm -f "$sent_json"
	# What the host sent the guest in the window lies between two counts:
	# at least the datagrams and the ICMP errors for reflected frames that
	# reached it after the sender's socket closed, at most everything the
	# tap handed to the NIC, which also holds the host's multicast (MLD,
	# router solicitations: the NIC's filter drops them) and its own
	# unicast neighbour probes. Every datagram must be counted (none lost)
	# and nothing beyond what the NIC got (none twice). Frames may still
	# be on their way: poll until the counts settle, bounded (the NIC's
	# missed count lags by up to two seconds).
	last=
	for _ in $(seq 60); do
		h=$((sent + $(host_icmp_out) - i0))
		h1=$(host_tx)
		eval "$(snapshot)"
		m1=$(nic_missed)
		c=$((rx - rx0 + m1 - m0))
		now="$rx $h $h1 $m1"
		[ "$c" -ge "$h" ] && [ "$c" -le "$((h1 - h0))" ] &&
			[ "$now" = "$last" ] && break
		last=$now
		sleep 0.1
	done
	car1=$(G cat "/sys/class/net/$DEV/carrier_changes")
	detach || return 1
	echo "datagrams and ICMP sent to the guest $h, frames the tap handed" \
		"to the NIC $((h1 - h0)), counted by ndiv $((rx - rx0))," \
		"dropped by the NIC for want of buffers $((m1 - m0))"
	[ "$c" -ge "$h" ] && [ "$c" -le "$((h1 - h0))" ] ||
		ktap_diag "guest: $(G sh -c "cd /sys/class/net/$DEV/statistics &&
			echo rx_packets \$(cat rx_packets) rx_dropped \$(cat rx_dropped) \
			rx_errors \$(cat rx_errors) softnet_dropped_hex_per_cpu \
			\$(cut -d' ' -f2 /proc/net/softnet_stat)")"
	expect_eq "30 swaps" "$swapped" 0 &&
	expect_eq "traffic during all swaps" "$overlapped" 0 &&
	expect_ge "frames during swaps" "$h" 100 &&
	expect_eq "carrier changes" "$car1" "$car0" &&
	expect_ge "frames counted (+ NIC drops) vs datagrams and ICMP sent" \
		"$c" "$h" &&
	expect_ge "frames the tap handed to the NIC vs frames counted" \
		"$((h1 - h0))" "$c" &&
	expect_eq "rx = pass + drop + tx + aborted" "$rx" \
		"$((pass + drop + tx + aborted))" &&
	expect_eq "aborted" "$aborted" 0
}

# json_get JSON KEY
json_get() {
	echo "$1" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

# run_cases CASE... : KTAP plan and one result line per case function,
# after the case's output as diagnostics. Returns 0: the lab run is a test
# of its own, which fails on the lab (boot, kernel log, teardown), not on
# a case.
run_cases() {
	ktap_plan $#
	for c in "$@"; do
		if out=$("$c" 2>&1); then
			ktap_diag "$out"
			ktap_ok "$c${NDIV_TEST_TAG:+ $NDIV_TEST_TAG}"
		else
			ktap_diag "$out"
			ktap_not_ok "$c${NDIV_TEST_TAG:+ $NDIV_TEST_TAG}"
		fi
	done
	ktap_finish || :
}
