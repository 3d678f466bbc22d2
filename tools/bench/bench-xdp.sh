#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-xdp.sh - ndiv against XDP, side by side (make bench-xdp).
#
#   tools/bench/bench-xdp.sh [all]      lab runs + report (the default)
#   tools/bench/bench-xdp.sh lab        the lab runs only
#   tools/bench/bench-xdp.sh report     JSON, plot and table from
#                                       build/bench/xdp-raw
#   tools/bench/bench-xdp.sh inner DIR  (internal) the measurements of one
#                                       lab, run by "ndiv-lab run" on the
#                                       host side of the lab's namespace
#
# For each NIC of BENCH_NICS, one lab VM (TCG, BENCH_SMP vCPUs, one queue
# pair) takes the same UDP flood from the host side of the tap: trafgen
# sends 64-byte frames (random source ports) to the guest, at two loads:
#   max    as fast as it can: the rate each contender sustains;
#   fixed  BENCH_FRAMES frames at BENCH_RATE frames/s, below every
#          contender's maximum: the guest's instructions per frame
#          (ndiv-lab run --count-insns) at the same rate for all (batching
#          in the NAPI poll, and so the cost per frame, depends on the
#          rate), split into the driver's, ndiv's and ndiv_bench's text
#          (the modules' ranges in the guest), the rest of the kernel
#          (XDP programs included) and user space.
# In the guest, one after the other:
#   drop  ndiv_bench's bench-drop (ndiv, the driver's hook) against
#         xdp-bench drop (no-touch), in native mode where the driver has
#         XDP (virtio_net) and in generic (skb) mode on every driver;
#   tx    bench-reflect (swaps MAC, IP and UDP addresses) against
#         xdp-bench tx (swap-macs), same modes. The frames coming back are
#         counted, and dropped, by an nftables rule on the host's tap.
# At the maximum load, measured over BENCH_DURATION seconds after
# BENCH_WARMUP seconds of flood: frames the guest driver received per
# second (its rx_packets over the guest's own clock), frames returned per
# second (tx), and how busy the vCPUs were (/proc/stat, all and each): a
# rate is load-bound when no vCPU was busy. The guest samples itself from
# a job started before the flood: a saturated guest takes seconds to
# start anything. The instructions of the idle guest over BENCH_IDLE
# seconds are measured once per lab. BENCH_REPEAT rounds, alternating the
# order of the contenders; the report takes the median.
#
# Results: build/bench/xdp.json, build/bench/xdp.png (copied to
# Documentation/benchmarks/), and the table in
# Documentation/benchmarks/xdp.rst (between its RESULTS markers).
set -eu

BENCH_NAME=xdp
BENCH_RAW=$(cd "$(dirname "$0")/../.." && pwd)/build/bench/xdp-raw
BENCH_REPORT=report-xdp.py
BENCH_RESULT=xdp
# shellcheck source=tools/bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_settings BENCH_NICS BENCH_SMP BENCH_DURATION BENCH_WARMUP \
	BENCH_REPEAT BENCH_RATE BENCH_TESTS BENCH_FRAMES BENCH_IDLE

BENCH_NICS=${BENCH_NICS:-"virtio e1000e"}
BENCH_SMP=${BENCH_SMP:-2}
BENCH_DURATION=${BENCH_DURATION:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_REPEAT=${BENCH_REPEAT:-3}
BENCH_RATE=${BENCH_RATE:-5000}
BENCH_TESTS=${BENCH_TESTS:-"drop tx"}
BENCH_FRAMES=${BENCH_FRAMES:-50000}
BENCH_IDLE=${BENCH_IDLE:-5}
export BENCH_NICS BENCH_SMP BENCH_DURATION BENCH_WARMUP BENCH_REPEAT \
	BENCH_RATE BENCH_TESTS BENCH_FRAMES BENCH_IDLE

UDP_PORT=9

# --- lab: runs on the host side of the lab namespace -------------------------

# Is an XDP program attached to the guest's NIC? ("ip link" says xdp or
# xdpgeneric.)
guest_has_xdp() {
	G ip -o link show dev "$NDIV_LAB_GUEST_DEV" | grep -q ' xdp'
}

# start TEST TARGET: bind the ndiv app or load the XDP program.
start_target() {
	test=$1 target=$2
	case $target in
	ndiv)
		app=bench-drop
		[ "$test" = tx ] && app=bench-reflect
		G ndivctl link attach dev "$NDIV_LAB_GUEST_DEV" app "$app" >&2
		;;
	xdp-native | xdp-generic)
		mode=native
		[ "$target" = xdp-generic ] && mode=skb
		prog=no-touch
		[ "$test" = tx ] && prog=swap-macs
		# shellcheck disable=SC2016 # expanded by the guest's shell
		G sh -c 'xdp-bench "$1" -m "$2" -p "$3" -i 1 "$4" \
			>/tmp/xdp-bench.log 2>&1 </dev/null &
			echo $! >/tmp/xdp-bench.pid' sh "$test" "$mode" "$prog" \
			"$NDIV_LAB_GUEST_DEV" || return 1
		i=0
		until guest_has_xdp; do
			i=$((i + 1))
			if [ "$i" -gt 100 ]; then
				G cat /tmp/xdp-bench.log >&2 || true
				return 1
			fi
			sleep 0.1
		done
		;;
	esac
}

stop_target() {
	target=$1
	case $target in
	ndiv)
		G ndivctl link detach dev "$NDIV_LAB_GUEST_DEV" >&2
		;;
	xdp-*)
		G sh -c 'kill -INT "$(cat /tmp/xdp-bench.pid)"' || true
		i=0
		while guest_has_xdp; do
			i=$((i + 1))
			[ "$i" -gt 100 ] && return 1
			sleep 0.1
		done
		;;
	esac
}

write_trafgen_cfg() {
	cat >"$1" <<EOF
{
  eth(da=$NDIV_LAB_GUEST_MAC, sa=$NDIV_LAB_HOST_MAC),
  ipv4(saddr=$NDIV_LAB_HOST_IP, daddr=$NDIV_LAB_GUEST_IP, ttl=64),
  udp(sp=drnd(), dp=$UDP_PORT),
  "ndiv-bench-xdp-64b",
}
EOF
}

# The maximum load: the guest's sampler, the host's counters.
flood() {
	dir=$1
	guest_window "$dir/guest-window" $((BENCH_WARMUP + 1)) \
		"$BENCH_DURATION"
	sleep 1
	start_trafgen "$dir/trafgen.out" "$TMPD/udp.cfg"
	sleep "$BENCH_WARMUP"
	check_trafgen "$dir/trafgen.out"
	host_snap "$dir/host0"
	sleep "$BENCH_DURATION"
	host_snap "$dir/host1"
	# the guest's window started later than ours (the agent's latency):
	# keep the load on until it has surely ended
	sleep 3
	stop_trafgen
	wait_guest_window "$dir"
}

# The fixed load: the guest's instructions over BENCH_FRAMES frames.
count_frames() {
	dir=$1
	insns_snap "$dir/insns0"
	start_trafgen "$dir/trafgen.out" "$TMPD/udp.cfg" -n "$BENCH_FRAMES" \
		-b "${BENCH_RATE}pps"
	wait_trafgen
	sleep 1
	insns_snap "$dir/insns1"
}

measure() {
	rep=$1 test=$2 load=$3 target=$4
	dir=$LABRAW/$rep-$test-$load-$target
	mkdir -p "$dir"
	say "$NDIV_LAB_NIC round $rep: $test, $load load, $target"
	printf 'rep %s\ntest %s\nload %s\ntarget %s\n' "$rep" "$test" \
		"$load" "$target" >"$dir/meta"
	start_target "$test" "$target" || die "cannot start $target ($test)"
	# Count, and drop before the host stack sees them, the frames the
	# guest sends back (both reflectors keep the guest's MAC as source).
	count_replies "ether saddr $NDIV_LAB_GUEST_MAC meta l4proto udp"
	if [ "$load" = max ]; then
		flood "$dir"
	else
		count_frames "$dir"
	fi
	uncount_replies
	# let the guest drain the tap before the next load
	sleep 2
	case $target in
	ndiv)
		# shellcheck disable=SC2016 # expanded by the guest's shell
		G sh -c 'cd "/sys/class/net/$1/ndiv/stats" && grep . *' sh \
			"$NDIV_LAB_GUEST_DEV" >"$dir/ndiv-stats" || true
		;;
	xdp-*)
		G cat /tmp/xdp-bench.log >"$dir/xdp-bench.log" 2>&1 || true
		;;
	esac
	stop_target "$target" || die "cannot stop $target ($test)"
}

# The contenders on this NIC: XDP native only where the driver has it.
targets() {
	case $NDIV_LAB_DRIVER in
	virtio_net) echo "ndiv xdp-native xdp-generic" ;;
	*) echo "ndiv xdp-generic" ;;
	esac
}

inner() {
	inner_begin "$1"
	write_trafgen_cfg "$TMPD/udp.cfg"
	cp "$TMPD/udp.cfg" "$LABRAW/trafgen.cfg"
	{
		echo "xdp_bench $(G xdp-bench --version 2>&1 | head -n 1)"
		echo "targets $(targets)"
		echo "rate $BENCH_RATE"
		echo "frames $BENCH_FRAMES"
	} >>"$LABRAW/lab"
	G modprobe ndiv_bench || die "cannot load ndiv_bench.ko in the guest"
	insns_ranges "driver=$NDIV_LAB_DRIVER" core=ndiv app=ndiv_bench
	insns_idle

	rep=1
	while [ "$rep" -le "$BENCH_REPEAT" ]; do
		order=$(targets)
		if [ $((rep % 2)) = 0 ]; then
			order=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' ')
		fi
		for test in $BENCH_TESTS; do
			for load in max fixed; do
				for target in $order; do
					measure "$rep" "$test" "$load" \
						"$target"
				done
			done
		done
		rep=$((rep + 1))
	done
	inner_end
}

lab() {
	[ -f "$TOP/build/modules/ndiv_bench.ko" ] ||
		die "build/modules/ndiv_bench.ko is missing: run make"
	command -v xdp-bench >/dev/null ||
		die "xdp-bench is missing: run tools/build/deps.sh (package xdp-tools)"
	labs "${BENCH_DURATION}s floods and counts"
}

bench_main "$@"
