# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# lib.sh - what every lab benchmark of tools/bench shares: settings,
# messages, the lab loop, trafgen, nftables counters on the tap, host and
# guest samples, the report step and the command line. A bench sets
#
#   BENCH_NAME     its name, as in "make bench-NAME" (messages, results)
#   BENCH_RAW      its raw results directory (under build/bench)
#   BENCH_REPORT   its report script, in tools/bench (it imports
#                  benchreport.py, the reports' shared module)
#   BENCH_RESULT   the base name of its results (build/bench/RESULT.json,
#                  .png and Documentation/benchmarks/RESULT.rst)
#
# then sources this file, calls bench_settings with the names of its
# BENCH_* variables before giving them defaults, defines inner() (and
# native() if it has a native part) and ends with bench_main "$@".

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$TOP/tools/bench
OUT=$TOP/build/bench
RAW=$BENCH_RAW
PY=/usr/bin/python3
TRAFGEN_PID=
NFT_TABLE=bench_$(echo "$BENCH_NAME" | tr -c 'a-z0-9\n' '_')

say() {
	echo "bench-$BENCH_NAME: $*" >&2
}

die() {
	say "$*"
	exit 1
}

now() {
	date +%s.%N
}

# bench_settings VAR...: the BENCH_* variables the caller gave
# (BENCH_SET, for the reproducing command in the report).
bench_settings() {
	BENCH_SET=
	for v in "$@"; do
		eval "[ -z \"\${$v+x}\" ]" || BENCH_SET="$BENCH_SET $v"
	done
	export BENCH_SET
}

# Run a command in the guest.
G() {
	# shellcheck disable=SC2086 # $NDIV_LAB is a command line
	$NDIV_LAB "$@"
}

# --- trafgen on the host side of the tap ------------------------------------

# start_trafgen LOG CFG [TRAFGEN OPTIONS]: one trafgen process on the tap,
# in a session of its own: its worker only stops on a signal of its own,
# so stop_trafgen signals the whole group.
start_trafgen() {
	tg_log=$1 tg_cfg=$2
	shift 2
	setsid trafgen -o "$NDIV_LAB_HOST_DEV" -i "$tg_cfg" -P 1 \
		--no-sock-mem -Q -C "$@" >"$tg_log" 2>&1 &
	TRAFGEN_PID=$!
}

# check_trafgen LOG: dies unless trafgen is still sending.
check_trafgen() {
	kill -0 "$TRAFGEN_PID" 2>/dev/null && return 0
	cat "$1" >&2
	die "trafgen is not running"
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

# wait_trafgen: waits for a trafgen with a frame count (-n) to finish.
wait_trafgen() {
	[ -n "$TRAFGEN_PID" ] || return 0
	wait "$TRAFGEN_PID" 2>/dev/null || true
	TRAFGEN_PID=
}

# --- counting the guest's replies on the tap --------------------------------

# count_replies MATCH: an nftables rule on the tap's ingress counts the
# frames from the guest that MATCH, and drops them before the host's
# stack answers them.
count_replies() {
	nft -f - <<EOF
table netdev $NFT_TABLE {
	chain in {
		type filter hook ingress device "$NDIV_LAB_HOST_DEV" priority 0; policy accept;
		$1 counter drop
	}
}
EOF
}

uncount_replies() {
	nft delete table netdev "$NFT_TABLE" 2>/dev/null || true
}

# host_counters: time, the tap's counters, the replies counted so far
# ("replies N", while count_replies is on).
host_counters() {
	echo "time $(now)"
	for c in rx_packets tx_packets rx_dropped tx_dropped; do
		echo "tap_$c $(cat "/sys/class/net/$NDIV_LAB_HOST_DEV/statistics/$c")"
	done
	nft list chain netdev "$NFT_TABLE" in 2>/dev/null |
		sed -n 's/.*counter packets \([0-9]*\) bytes.*/replies \1/p'
}

host_snap() {
	host_counters >"$1"
}

# guest_window FILE DELAY LENGTH: in the background, the guest samples
# itself DELAY seconds from now and LENGTH seconds later: lines
# "N uptime rx_packets tx_packets <cpu line of /proc/stat>" (N = 0, 1),
# each followed by the per-vCPU lines of /proc/stat as "N cpuK ...".
# Started before a flood: once the guest is saturated, the agent takes
# seconds to start anything. Sets SAMPLER to the job's pid.
guest_window() {
	# shellcheck disable=SC2016,SC2086 # guest's shell; a command line
	timeout $(($2 + $3 + 120)) $NDIV_LAB sh -c '
		snap() {
			read -r up _ </proc/uptime
			read -r cpu </proc/stat
			read -r rx <"/sys/class/net/$1/statistics/rx_packets"
			read -r tx <"/sys/class/net/$1/statistics/tx_packets"
			echo "$2 $up $rx $tx $cpu"
			grep "^cpu[0-9]" /proc/stat | sed "s/^/$2 /"
		}
		sleep "$2"; snap "$1" 0; sleep "$3"; snap "$1" 1' sh \
		"$NDIV_LAB_GUEST_DEV" "$2" "$3" >"$1" 2>&1 &
	SAMPLER=$!
}

# wait_guest_window DIR: waits for the sampler of guest_window.
wait_guest_window() {
	wait "$SAMPLER" || say "guest sampler exited with $? ($1)"
}

# --- guest instructions (ndiv-lab run --count-insns) -------------------------

# insns_ranges NAME=MODULE...: the modules' text ranges (driver, core,
# app) by which every insns_snap splits the kernel's instructions.
insns_ranges() {
	INSNS_RANGES=$LABRAW/insns-ranges
	G sh "$TOP/tools/lab/insns/modranges.sh" "$@" >"$INSNS_RANGES" ||
		die "cannot read the modules' text ranges in the guest"
}

# insns_snap FILE: host_counters and the guest's instruction counters
# ("insns TOTAL KERNEL USER", then one line per range name and
# "kernel-other"). No guest command runs: it would count.
insns_snap() {
	{
		host_counters
		$NDIV_LAB_INSNS split "$INSNS_RANGES" | sed '1s/^/insns /'
	} >"$1"
}

# insns_idle: what the idle guest runs in BENCH_IDLE seconds
# (LABRAW/idle0, idle1), the floor under every count.
insns_idle() {
	sleep 1
	insns_snap "$LABRAW/idle0"
	sleep "$BENCH_IDLE"
	insns_snap "$LABRAW/idle1"
}

# --- the lab ----------------------------------------------------------------

inner_cleanup() {
	stop_trafgen
	uncount_replies
	[ -z "${TMPD:-}" ] || rm -rf "$TMPD"
}

# inner_begin DIR: the start of inner(), on the host side of a lab: the
# raw directory (LABRAW), a temporary one (TMPD), cleanup, and the lab's
# description in LABRAW/lab (inner() appends its own lines).
inner_begin() {
	LABRAW=$1
	: "${NDIV_LAB:?inner runs under tools/lab/ndiv-lab run}"
	: "${NDIV_LAB_INSNS:?inner runs under ndiv-lab run --count-insns}"
	TMPD=$(mktemp -d)
	trap 'inner_cleanup' EXIT
	trap 'exit 130' INT TERM HUP
	mkdir -p "$LABRAW"
	{
		echo "nic $NDIV_LAB_NIC"
		echo "driver $NDIV_LAB_DRIVER $NDIV_LAB_DRIVER_KIND"
		echo "accel $NDIV_LAB_ACCEL"
		echo "kver $NDIV_LAB_KVER"
		echo "guest_cpus $(G nproc)"
	} >"$LABRAW/lab"
}

# inner_end: the guest's last kernel messages, and the mark of a lab run
# that went through.
inner_end() {
	G sh -c 'dmesg | tail -n 20' >"$LABRAW/dmesg.tail" 2>&1 || true
	echo ok >"$LABRAW/done"
}

# labs WHAT [LAB OPTIONS]: one lab per NIC of BENCH_NICS, BENCH_SMP vCPUs,
# counting the guest's instructions, running "$0 inner RAW/lab-NIC" on
# its host side.
labs() {
	what=$1
	shift
	for nic in $BENCH_NICS; do
		rm -rf "$RAW/lab-$nic"
		mkdir -p "$RAW/lab-$nic"
		# shellcheck disable=SC2153 # the bench sets BENCH_SMP
		say "lab: $nic, $BENCH_SMP vCPUs, $BENCH_REPEAT rounds of $what"
		rc=0
		"$TOP/tools/lab/ndiv-lab" run --nic "$nic" --smp "$BENCH_SMP" \
			--count-insns "$@" -- "$0" inner "$RAW/lab-$nic" ||
			rc=$?
		echo "$rc" >"$RAW/lab-$nic/status"
		[ "$rc" = 0 ] || say "lab $nic exited with $rc"
	done
}

report() {
	doc=$TOP/Documentation/benchmarks/$BENCH_RESULT
	"$PY" -B "$BENCH/$BENCH_REPORT" --raw "$RAW" \
		--json "$OUT/$BENCH_RESULT.json" --png "$OUT/$BENCH_RESULT.png" \
		--rst "$doc.rst" || die "report failed"
	cp "$OUT/$BENCH_RESULT.png" "$doc.png"
	say "results: $OUT/$BENCH_RESULT.json, $OUT/$BENCH_RESULT.png," \
		"Documentation/benchmarks/$BENCH_RESULT.rst"
}

save_config() {
	mkdir -p "$RAW"
	env | grep '^BENCH_' | sort >"$RAW/config"
}

has_native() {
	command -v native >/dev/null 2>&1
}

# bench_main ARGS: all (the default) | native (if the bench has one) |
# lab | report | inner DIR.
bench_main() {
	case ${1:-all} in
	all)
		rm -rf "$RAW"
		save_config
		if has_native; then
			native
		fi
		lab
		report
		;;
	native)
		has_native || die "usage: $0 [all|lab|report]"
		native
		;;
	lab)
		save_config
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
		die "usage: $0 [all|$(has_native && echo native\|)lab|report]"
		;;
	esac
}
