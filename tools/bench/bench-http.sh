#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-http.sh - slhttpd against nginx, side by side (make bench-http).
#
#   tools/bench/bench-http.sh [all]     native + lab + report (the default)
#   tools/bench/bench-http.sh native    the native engine benchmark only
#   tools/bench/bench-http.sh lab       the lab runs only
#   tools/bench/bench-http.sh report    JSON, plot and table from
#                                       build/bench/raw
#   tools/bench/bench-http.sh inner DIR (internal) the measurements of one
#                                       lab, run by "ndiv-lab run" on the host
#                                       side of the lab's namespace
#
# Native: slhttpd_bench (slhttpd/tests/bench_engine.c) drives slh_handle() over
# pre-built frames (SYN, the handshake's ACK, a GET, a frame for another
# port), ns per frame (best of BENCH_NATIVE_RUNS) and instructions per
# frame under callgrind (two iteration counts, the difference).
#
# Lab: for each NIC of BENCH_NICS, one lab VM (TCG, BENCH_SMP vCPUs) in
# which slhttpd (bound to the ndiv driver, port 80) and nginx (port 8080,
# tools/bench/nginx.conf, slhttpd unbound while it is measured) take the
# same loads from the host side of the tap, one after the other:
#   keepalive  wrk $BENCH_WRK -d BENCH_DURATION, HTTP/1.1 keep-alive
#   close      the same with "Connection: close": one TCP connection per
#              request
#   synflood   trafgen sends SYNs to the port as fast as it can (or at
#              BENCH_SYN_RATE); the SYN-ACKs coming back are counted (and
#              dropped) by an nftables rule on the tap over BENCH_DURATION
#              seconds, after BENCH_SYN_WARMUP seconds. The guest's Linux
#              stack runs with net.ipv4.tcp_syncookies=BENCH_SYNCOOKIES
#              (default 2: a cookie for every SYN, stateless like slhttpd).
# Guest CPU: /proc/stat in the guest (all vCPUs and each) before and
# after each wrk load; for the flood, sampled by the guest itself at two
# points inside the flood, with the NIC's transmit counter. A rate is
# load-bound when no vCPU was busy: the load generator and the emulator
# set it, not the server.
# Guest instructions (ndiv-lab run --count-insns), over a fixed amount of
# work after each load, with nothing else running in the guest:
#   keepalive  ab -k -n BENCH_REQUESTS -c BENCH_AB_CONC (HTTP/1.0
#              keep-alive)
#   close      ab -n BENCH_REQUESTS -c BENCH_AB_CONC (a connection per
#              request)
#   synflood   trafgen sends BENCH_SYNS SYNs at BENCH_SYNS_RATE
# split into the driver's, ndiv's and slhttpd's text (the modules' ranges
# in the guest), the rest of the kernel and user space. The idle guest's
# instructions over BENCH_IDLE seconds are measured once per lab.
# BENCH_REPEAT rounds, alternating which server goes first; the report
# takes the median.
#
# Results: build/bench/slhttpd.json, build/bench/slhttpd.png (copied to
# Documentation/benchmarks/), and the table in
# Documentation/benchmarks/slhttpd.rst (between its RESULTS markers).
set -eu

BENCH_NAME=http
BENCH_RAW=$(cd "$(dirname "$0")/../.." && pwd)/build/bench/raw
BENCH_REPORT=report.py
BENCH_RESULT=slhttpd
# shellcheck source=tools/bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_settings BENCH_NICS BENCH_SMP BENCH_DURATION BENCH_REPEAT BENCH_WRK \
	BENCH_SYN_WARMUP BENCH_SYN_RATE BENCH_SYNCOOKIES BENCH_NATIVE_ITERS \
	BENCH_NATIVE_RUNS BENCH_CG_ITERS BENCH_REQUESTS BENCH_AB_CONC \
	BENCH_SYNS BENCH_SYNS_RATE BENCH_IDLE

BENCH_NICS=${BENCH_NICS:-"e1000e virtio"}
BENCH_SMP=${BENCH_SMP:-2}
BENCH_DURATION=${BENCH_DURATION:-10}
BENCH_REPEAT=${BENCH_REPEAT:-3}
BENCH_WRK=${BENCH_WRK:-"-t1 -c32"}
BENCH_SYN_WARMUP=${BENCH_SYN_WARMUP:-2}
BENCH_SYN_RATE=${BENCH_SYN_RATE:-}
BENCH_SYNCOOKIES=${BENCH_SYNCOOKIES:-2}
BENCH_NATIVE_ITERS=${BENCH_NATIVE_ITERS:-1000000}
BENCH_NATIVE_RUNS=${BENCH_NATIVE_RUNS:-9}
BENCH_CG_ITERS=${BENCH_CG_ITERS:-"2000 12000"}
BENCH_REQUESTS=${BENCH_REQUESTS:-5000}
BENCH_AB_CONC=${BENCH_AB_CONC:-8}
BENCH_SYNS=${BENCH_SYNS:-20000}
BENCH_SYNS_RATE=${BENCH_SYNS_RATE:-5000}
BENCH_IDLE=${BENCH_IDLE:-5}
export BENCH_NICS BENCH_SMP BENCH_DURATION BENCH_REPEAT BENCH_WRK \
	BENCH_SYN_WARMUP BENCH_SYN_RATE BENCH_SYNCOOKIES BENCH_NATIVE_ITERS \
	BENCH_NATIVE_RUNS BENCH_CG_ITERS BENCH_REQUESTS BENCH_AB_CONC \
	BENCH_SYNS BENCH_SYNS_RATE BENCH_IDLE

SLH_PORT=80
NGX_PORT=8080
URL_PATH="/?s=64"

# --- native ---------------------------------------------------------------

native() {
	rm -rf "$RAW/native"
	mkdir -p "$RAW/native"
	make -s -C "$BENCH/native" O="$OUT" >&2 ||
		die "cannot build the native harness"
	bin=$OUT/slhttpd_bench
	"$bin" --mode get --check 2>"$RAW/native/get-reply.txt" ||
		{ cat "$RAW/native/get-reply.txt" >&2; die "native GET check failed"; }
	for m in syn ack get pass copy; do
		say "native: $m, $BENCH_NATIVE_RUNS x $BENCH_NATIVE_ITERS frames"
		"$bin" --mode "$m" --iters "$BENCH_NATIVE_ITERS" \
			--runs "$BENCH_NATIVE_RUNS" >"$RAW/native/$m.json" ||
			die "native $m failed"
		for n in $BENCH_CG_ITERS; do
			valgrind --tool=callgrind \
				--callgrind-out-file="$RAW/native/$m-$n.callgrind" \
				"$bin" --mode "$m" --iters "$n" --runs 1 \
				>/dev/null 2>"$RAW/native/$m-$n.log" ||
				die "callgrind $m $n failed"
		done
	done
}

# --- lab: runs on the host side of the lab namespace -------------------------

ATTACHED=0

set_target() {
	case $1 in
	slhttpd)
		[ "$ATTACHED" = 1 ] && return 0
		G ndivctl link attach dev "$NDIV_LAB_GUEST_DEV" app slhttpd \
			>&2 || return 1
		ATTACHED=1
		;;
	nginx)
		[ "$ATTACHED" = 0 ] && return 0
		G ndivctl link detach dev "$NDIV_LAB_GUEST_DEV" >&2 || return 1
		ATTACHED=0
		;;
	esac
}

# Guest side counters: /proc/stat's cpu lines, slhttpd's and ndiv's
# counters, the TCP MIB counters that matter here.
guest_snap() {
	# shellcheck disable=SC2016 # expanded by the guest's shell
	G sh -c 'grep "^cpu" /proc/stat
		for f in /sys/kernel/ndiv/slhttpd/stats/* \
			/sys/class/net/$1/ndiv/stats/* \
			/sys/class/net/$1/statistics/[rt]x_packets \
			/sys/class/net/$1/statistics/rx_errors; do
			[ -f "$f" ] && echo "$f $(cat "$f")"
		done
		nstat -asz 2>/dev/null | grep -E "^(Tcp(Passive|Active)Opens|\
Tcp(In|Out)Segs|TcpOutRsts|TcpEstabResets|TcpExt(Syncookies|Listen)|\
TcpExtTCPReqQFullDrop)" || true' \
		sh "$NDIV_LAB_GUEST_DEV" >"$1" || return 1
}

run_wrk() {
	dir=$1 port=$2 mode=$3
	set -- -d "${BENCH_DURATION}s" -s "$BENCH/wrk-json.lua"
	if [ "$mode" = close ]; then
		set -- "$@" -H "Connection: close"
	fi
	# shellcheck disable=SC2086 # BENCH_WRK is a list of options
	timeout $((BENCH_DURATION + 60)) wrk $BENCH_WRK "$@" \
		"http://$NDIV_LAB_GUEST_IP:$port$URL_PATH" >"$dir/wrk.out" 2>&1 ||
		say "wrk exited with $? ($dir)"
}

# count_requests DIR PORT MODE: the guest's instructions over
# BENCH_REQUESTS requests made by ab (-k for keep-alive).
count_requests() {
	dir=$1 port=$2 mode=$3
	set -- -n "$BENCH_REQUESTS" -c "$BENCH_AB_CONC"
	[ "$mode" = keepalive ] && set -- "$@" -k
	insns_snap "$dir/insns0"
	timeout 600 ab "$@" "http://$NDIV_LAB_GUEST_IP:$port$URL_PATH" \
		>"$dir/ab.out" 2>&1 || say "ab exited with $? ($dir)"
	# the last connections close
	sleep 1
	insns_snap "$dir/insns1"
}

# count_syns DIR: the guest's instructions over BENCH_SYNS SYNs (replies
# counted and dropped on the tap).
count_syns() {
	dir=$1
	insns_snap "$dir/insns0"
	start_trafgen "$dir/trafgen-count.out" "$TMPD/syn.cfg" \
		-n "$BENCH_SYNS" -b "${BENCH_SYNS_RATE}pps"
	wait_trafgen
	sleep 1
	insns_snap "$dir/insns1"
}

run_synflood() {
	dir=$1 port=$2
	cat >"$TMPD/syn.cfg" <<EOF
{
  eth(da=$NDIV_LAB_GUEST_MAC, sa=$NDIV_LAB_HOST_MAC),
  ipv4(saddr=$NDIV_LAB_HOST_IP, daddr=$NDIV_LAB_GUEST_IP, ttl=64, df),
  tcp(sp=drnd(), dp=$port, seq=drnd(), syn, window=64240, doff=10),
  0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, drnd(4), 0, 0, 0, 0,
  0x01, 0x03, 0x03, 0x07,
}
EOF
	cp "$TMPD/syn.cfg" "$dir/trafgen.cfg"
	count_replies "ip saddr $NDIV_LAB_GUEST_IP tcp sport $port \
tcp flags & (syn | ack) == (syn | ack)"
	guest_snap "$dir/guest0"
	# The guest's CPU and transmit counters over a window inside the
	# flood.
	guest_window "$dir/guest-window" $((BENCH_SYN_WARMUP + 1)) \
		$((BENCH_DURATION - 1))
	sleep 1
	# shellcheck disable=SC2086 # no option when there is no rate
	start_trafgen "$dir/trafgen.out" "$TMPD/syn.cfg" \
		${BENCH_SYN_RATE:+-b "$BENCH_SYN_RATE"}
	sleep "$BENCH_SYN_WARMUP"
	check_trafgen "$dir/trafgen.out"
	host_snap "$dir/host0"
	sleep "$BENCH_DURATION"
	host_snap "$dir/host1"
	stop_trafgen
	wait_guest_window "$dir"
	# let the guest drain the tap before the next load
	sleep 2
	guest_snap "$dir/guest1"
	count_syns "$dir"
	uncount_replies
}

measure() {
	rep=$1 test=$2 target=$3
	dir=$LABRAW/$rep-$test-$target
	mkdir -p "$dir"
	port=$SLH_PORT
	[ "$target" = nginx ] && port=$NGX_PORT
	say "$NDIV_LAB_NIC round $rep: $test $target"
	set_target "$target" || die "cannot switch to $target"
	printf 'rep %s\ntest %s\ntarget %s\nport %s\n' "$rep" "$test" \
		"$target" "$port" >"$dir/meta"
	case $test in
	keepalive | close)
		guest_snap "$dir/guest0"
		host_snap "$dir/host0"
		run_wrk "$dir" "$port" "$test"
		host_snap "$dir/host1"
		guest_snap "$dir/guest1"
		sleep 1
		count_requests "$dir" "$port" "$test"
		;;
	synflood)
		if [ "$target" = nginx ]; then
			G sysctl -q -w \
				"net.ipv4.tcp_syncookies=$BENCH_SYNCOOKIES"
		fi
		run_synflood "$dir" "$port"
		if [ "$target" = nginx ]; then
			G sysctl -q -w net.ipv4.tcp_syncookies=1
		fi
		;;
	esac
}

inner() {
	inner_begin "$1"
	# The client side lives in the lab's own namespace: these only
	# change it. Closed connections would otherwise exhaust ports.
	sysctl -q -w net.ipv4.ip_local_port_range="1024 65535"
	sysctl -q -w net.ipv4.tcp_tw_reuse=1
	{
		echo "nginx $(G nginx -v 2>&1)"
		echo "wrk $BENCH_WRK -d ${BENCH_DURATION}s"
		echo "syncookies $BENCH_SYNCOOKIES"
		echo "syn_rate ${BENCH_SYN_RATE:-max}"
		echo "ab -n $BENCH_REQUESTS -c $BENCH_AB_CONC"
		echo "syns $BENCH_SYNS at ${BENCH_SYNS_RATE}/s"
	} >>"$LABRAW/lab"

	G modprobe slhttpd || die "cannot load slhttpd.ko in the guest"
	# shellcheck disable=SC2016 # expanded by the guest's shell
	G sh -c 'mkdir -p /tmp/bench-nginx &&
		nginx -p /tmp/bench-nginx/ -e /tmp/bench-nginx/error.log -c "$1"' \
		sh "$BENCH/nginx.conf" || die "cannot start nginx in the guest"
	G sh -c 'ps -e -o comm= | grep -c "^nginx"' >"$LABRAW/nginx-procs" || true

	# Both must serve the same 64 bytes.
	set_target slhttpd
	curl -sS --max-time 10 --retry 5 --retry-connrefused \
		-D "$LABRAW/slhttpd.headers" \
		-o "$LABRAW/slhttpd.body" \
		"http://$NDIV_LAB_GUEST_IP:$SLH_PORT$URL_PATH" ||
		die "no answer from slhttpd"
	set_target nginx
	curl -sS --max-time 10 --retry 5 --retry-connrefused \
		-D "$LABRAW/nginx.headers" \
		-o "$LABRAW/nginx.body" \
		"http://$NDIV_LAB_GUEST_IP:$NGX_PORT$URL_PATH" ||
		die "no answer from nginx"
	cmp "$LABRAW/slhttpd.body" "$LABRAW/nginx.body" >&2 ||
		die "slhttpd and nginx serve different bodies"
	[ "$(wc -c <"$LABRAW/nginx.body")" -eq 64 ] ||
		die "the body is not 64 bytes"
	insns_ranges "driver=$NDIV_LAB_DRIVER" core=ndiv app=slhttpd
	insns_idle

	rep=1
	while [ "$rep" -le "$BENCH_REPEAT" ]; do
		if [ $((rep % 2)) = 1 ]; then
			order="slhttpd nginx"
		else
			order="nginx slhttpd"
		fi
		for test in keepalive close synflood; do
			for target in $order; do
				measure "$rep" "$test" "$target"
			done
		done
		rep=$((rep + 1))
	done
	set_target nginx
	inner_end
}

lab() {
	[ -f "$TOP/build/modules/slhttpd.ko" ] ||
		die "build/modules/slhttpd.ko is missing: run make"
	labs "${BENCH_DURATION}s loads and counts"
}

bench_main "$@"
