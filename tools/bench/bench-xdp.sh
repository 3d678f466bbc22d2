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
#   fixed  BENCH_RATE frames/s, below every contender's maximum: guest CPU
#          per frame at the same rate (batching in the NAPI poll, and so
#          the cost per frame, depends on the rate).
# In the guest, one after the other:
#   drop  ndiv_bench's bench-drop (ndiv, the driver's hook) against
#         xdp-bench drop (no-touch), in native mode where the driver has
#         XDP (virtio_net) and in generic (skb) mode on every driver;
#   tx    bench-reflect (swaps MAC, IP and UDP addresses) against
#         xdp-bench tx (swap-macs), same modes. The frames coming back are
#         counted, and dropped, by an nftables rule on the host's tap.
# Measured over BENCH_DURATION seconds after BENCH_WARMUP seconds of
# flood: frames the guest driver received per second (its rx_packets over
# the guest's own clock), frames returned per second (tx), and guest CPU
# per received frame (/proc/stat, all CPUs, busy time). The guest samples
# itself from a job started before the flood: a saturated guest takes
# seconds to start anything. BENCH_REPEAT rounds, alternating the order of
# the contenders; the report takes the median.
#
# Results: build/bench/xdp.json, build/bench/xdp.png (copied to
# Documentation/benchmarks/), and the table in
# Documentation/benchmarks/xdp.rst (between its RESULTS markers).
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$TOP/tools/bench
OUT=$TOP/build/bench
RAW=$OUT/xdp-raw
PY=/usr/bin/python3

# The BENCH_* variables given by the caller, for the reproducing command.
BENCH_SET=
for v in BENCH_NICS BENCH_SMP BENCH_DURATION BENCH_WARMUP BENCH_REPEAT \
	BENCH_RATE BENCH_TESTS; do
	eval "[ -z \"\${$v+x}\" ]" || BENCH_SET="$BENCH_SET $v"
done

BENCH_NICS=${BENCH_NICS:-"virtio e1000e"}
BENCH_SMP=${BENCH_SMP:-2}
BENCH_DURATION=${BENCH_DURATION:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_REPEAT=${BENCH_REPEAT:-3}
BENCH_RATE=${BENCH_RATE:-5000}
BENCH_TESTS=${BENCH_TESTS:-"drop tx"}
export BENCH_NICS BENCH_SMP BENCH_DURATION BENCH_WARMUP BENCH_REPEAT \
	BENCH_RATE BENCH_TESTS BENCH_SET

UDP_PORT=9
NFT_TABLE=bench_xdp

say() {
	echo "bench-xdp: $*" >&2
}

die() {
	say "$*"
	exit 1
}

# --- lab: runs on the host side of the lab namespace -------------------------

G() {
	# shellcheck disable=SC2086 # $NDIV_LAB is a command line
	$NDIV_LAB "$@"
}

TRAFGEN_PID=

inner_cleanup() {
	stop_trafgen
	nft delete table netdev "$NFT_TABLE" 2>/dev/null || true
	[ -z "${TMPD:-}" ] || rm -rf "$TMPD"
}

stop_trafgen() {
	[ -n "$TRAFGEN_PID" ] || return 0
	kill -TERM "-$TRAFGEN_PID" 2>/dev/null || true
	i=0
	while kill -0 "$TRAFGEN_PID" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "-$TRAFGEN_PID" 2>/dev/null || true
	wait "$TRAFGEN_PID" 2>/dev/null || true
	TRAFGEN_PID=
}

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

now() {
	date +%s.%N
}

# Host side: time, tap counters, the frames that came back.
host_snap() {
	{
		echo "time $(now)"
		for c in rx_packets tx_packets rx_dropped tx_dropped; do
			echo "tap_$c $(cat "/sys/class/net/$NDIV_LAB_HOST_DEV/statistics/$c")"
		done
		nft list chain netdev "$NFT_TABLE" in 2>/dev/null |
			sed -n 's/.*counter packets \([0-9]*\) bytes.*/returned \1/p'
	} >"$1"
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

# One measurement: the flood, the guest's sampler, the host's counters.
flood() {
	dir=$1 load=$2
	# Count, and drop before the host stack sees them, the frames the
	# guest sends back (both reflectors keep the guest's MAC as source).
	nft -f - <<EOF
table netdev $NFT_TABLE {
	chain in {
		type filter hook ingress device "$NDIV_LAB_HOST_DEV" priority 0; policy accept;
		ether saddr $NDIV_LAB_GUEST_MAC meta l4proto udp counter drop
	}
}
EOF
	# shellcheck disable=SC2016,SC2086 # guest's shell; a command line
	timeout $((BENCH_WARMUP + BENCH_DURATION + 120)) $NDIV_LAB sh -c '
		snap() {
			read -r up _ </proc/uptime
			read -r cpu </proc/stat
			read -r rx <"/sys/class/net/$1/statistics/rx_packets"
			read -r tx <"/sys/class/net/$1/statistics/tx_packets"
			echo "$2 $up $rx $tx $cpu"
		}
		sleep "$2"; snap "$1" 0; sleep "$3"; snap "$1" 1' sh \
		"$NDIV_LAB_GUEST_DEV" $((BENCH_WARMUP + 1)) \
		"$BENCH_DURATION" >"$dir/guest-window" 2>&1 &
	sampler=$!
	sleep 1
	set -- -o "$NDIV_LAB_HOST_DEV" -i "$TMPD/udp.cfg" -P 1 --no-sock-mem \
		-Q -C
	[ "$load" = max ] || set -- "$@" -b "${BENCH_RATE}pps"
	setsid trafgen "$@" >"$dir/trafgen.out" 2>&1 &
	TRAFGEN_PID=$!
	sleep "$BENCH_WARMUP"
	kill -0 "$TRAFGEN_PID" 2>/dev/null || {
		cat "$dir/trafgen.out" >&2
		die "trafgen is not running"
	}
	host_snap "$dir/host0"
	sleep "$BENCH_DURATION"
	host_snap "$dir/host1"
	# the guest's window started later than ours (the agent's latency):
	# keep the load on until it has surely ended
	sleep 3
	stop_trafgen
	nft delete table netdev "$NFT_TABLE"
	wait "$sampler" || say "guest sampler exited with $? ($dir)"
	# let the guest drain the tap before the next load
	sleep 2
}

measure() {
	rep=$1 test=$2 load=$3 target=$4
	dir=$LABRAW/$rep-$test-$load-$target
	mkdir -p "$dir"
	say "$NDIV_LAB_NIC round $rep: $test, $load load, $target"
	printf 'rep %s\ntest %s\nload %s\ntarget %s\n' "$rep" "$test" \
		"$load" "$target" >"$dir/meta"
	start_target "$test" "$target" || die "cannot start $target ($test)"
	flood "$dir" "$load"
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
	LABRAW=$1
	: "${NDIV_LAB:?inner runs under tools/lab/ndiv-lab run}"
	TMPD=$(mktemp -d)
	trap 'inner_cleanup' EXIT
	trap 'exit 130' INT TERM HUP
	mkdir -p "$LABRAW"
	write_trafgen_cfg "$TMPD/udp.cfg"
	cp "$TMPD/udp.cfg" "$LABRAW/trafgen.cfg"
	{
		echo "nic $NDIV_LAB_NIC"
		echo "driver $NDIV_LAB_DRIVER $NDIV_LAB_DRIVER_KIND"
		echo "accel $NDIV_LAB_ACCEL"
		echo "kver $NDIV_LAB_KVER"
		echo "guest_cpus $(G nproc)"
		echo "xdp_bench $(G xdp-bench --version 2>&1 | head -n 1)"
		echo "targets $(targets)"
		echo "rate $BENCH_RATE"
	} >"$LABRAW/lab"
	G modprobe ndiv_bench || die "cannot load ndiv_bench.ko in the guest"

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
	G sh -c 'dmesg | tail -n 20' >"$LABRAW/dmesg.tail" 2>&1 || true
	echo ok >"$LABRAW/done"
}

lab() {
	[ -f "$TOP/build/modules/ndiv_bench.ko" ] ||
		die "build/modules/ndiv_bench.ko is missing: run make"
	command -v xdp-bench >/dev/null ||
		die "xdp-bench is missing: run tools/build/deps.sh (package xdp-tools)"
	for nic in $BENCH_NICS; do
		rm -rf "$RAW/lab-$nic"
		mkdir -p "$RAW/lab-$nic"
		say "lab: $nic, $BENCH_SMP vCPUs," \
			"$BENCH_REPEAT rounds of ${BENCH_DURATION}s floods"
		rc=0
		"$TOP/tools/lab/ndiv-lab" run --nic "$nic" --smp "$BENCH_SMP" -- \
			"$0" inner "$RAW/lab-$nic" || rc=$?
		echo "$rc" >"$RAW/lab-$nic/status"
		[ "$rc" = 0 ] || say "lab $nic exited with $rc"
	done
}

report() {
	"$PY" -B "$BENCH/report-xdp.py" --raw "$RAW" --json "$OUT/xdp.json" \
		--png "$OUT/xdp.png" \
		--rst "$TOP/Documentation/benchmarks/xdp.rst" ||
		die "report failed"
	cp "$OUT/xdp.png" "$TOP/Documentation/benchmarks/xdp.png"
	say "results: $OUT/xdp.json, $OUT/xdp.png," \
		"Documentation/benchmarks/xdp.rst"
}

case ${1:-all} in
all)
	rm -rf "$RAW"
	mkdir -p "$RAW"
	env | grep '^BENCH_' | sort >"$RAW/config"
	lab
	report
	;;
lab)
	mkdir -p "$RAW"
	env | grep '^BENCH_' | sort >"$RAW/config"
	lab
	;;
report)
	report
	;;
inner)
	[ $# = 2 ] || die "usage: $0 inner DIR"
	inner "$2"
	;;
*)
	die "usage: $0 [all|lab|report]"
	;;
esac
