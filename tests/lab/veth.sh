#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# veth.sh - the ndiv hook of veth, in the lab guest:
#   tools/lab/ndiv-lab run --nic e1000e -- tests/lab/veth.sh
#
# Everything happens inside the guest (tests/lab/veth_guest.sh): a veth
# pair joins two network namespaces, ndva in ndv-a, where the traffic
# comes from, and ndvb in ndv-b, where the apps are bound. The lab's NIC
# is not used. The link carries nothing but the test's own frames (static
# neighbours, no DAD or router solicitations), so counters are checked
# exactly wherever the traffic is known.
#
# The counters are set by eval "$(GV snap)"; single-quoted commands and
# conditions are expanded by the guest's shell or by wait_snap.
# shellcheck disable=SC2154,SC2016
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2034 # used by run_cases in lib.sh
NDIV_TEST_TAG="# veth"
IPB=198.19.1.2
IP6B=2001:2:0:1::2
NDB=/sys/class/net/ndvb/ndiv

# The guest side: veth_guest.sh CMD [ARGS].
GV() {
	G sh "$LAB/veth_guest.sh" "$@"
}

# Run a command in namespace ndv-a or ndv-b.
ga() {
	GV a "$@"
}

gb() {
	GV b "$@"
}

attach_b() {
	gb ndivctl link attach dev ndvb app "$1"
}

detach_b() {
	gb ndivctl link detach dev ndvb
}

# udp_echo DST COUNT: udp.py echo from ndv-a to DST port 9 (JSON).
udp_echo() {
	ga "$PY" "$LAB/udp.py" echo "$1" 9 "$2" --rate 1000
}

# tso_a: ndva's tcp-segmentation-offload, "on" or "off".
tso_a() {
	ga ethtool -k ndva | sed -n 's/^tcp-segmentation-offload: \([a-z]*\).*/\1/p'
}

# wait_snap TENTHS EXPR: take snapshots of ndvb (into the shell's
# variables) until EXPR holds, at most TENTHS times, 0.1 s apart.
wait_snap() {
	_n=$1
	while [ "$_n" -gt 0 ]; do
		eval "$(GV snap)"
		eval "[ $2 ]" && return 0
		_n=$((_n - 1))
		sleep 0.1
	done
	return 1
}

# TCP through the pair: a 200 KB file from a web server in ndv-b, fetched
# by curl in ndv-a, must arrive intact.
tcp_transfer() {
	G sh -c "mkdir -p /tmp/vethwww &&
		head -c 200000 /dev/urandom > /tmp/vethwww/blob" || return 1
	want=$(G md5sum /tmp/vethwww/blob | cut -d' ' -f1)
	gb sh -c "cd /tmp/vethwww && $PY -m http.server --bind $IPB 8080 \
		>/dev/null 2>&1 &" || return 1
	got=$(ga sh -c "curl -sf --max-time 60 --retry 20 \
		--retry-connrefused --retry-delay 1 http://$IPB:8080/blob |
		md5sum" | cut -d' ' -f1)
	G pkill -f "http.server --bind $IPB" || true
	expect_eq "TCP body through the pair" "$got" "$want"
}

case_setup_pair() {
	GV setup
}

# The guest must run the ndiv build of veth from build/modules (the same
# GNU build ID), with its hook on both ends of the pair.
case_hook_on_both_ends() {
	want=$(readelf -n "$TOP/build/modules/veth.ko" |
		sed -n 's/^ *Build ID: *//p') || return 1
	out=$(G sh -c "modinfo -F filename veth
		od -An -tx1 -v /sys/module/veth/notes/.note.gnu.build-id |
			tr -d ' \n'; echo
		ip netns exec ndv-a cat /sys/class/net/ndva/ndiv/hook
		ip netns exec ndv-b cat $NDB/hook
		ip netns exec ndv-b ndivctl -j features dev ndvb") || return 1
	echo "$out" | "$PY" -c "
import json, sys
lines = sys.stdin.read().splitlines()
path, note, hook_a, hook_b = lines[:4]
f = json.loads(lines[4])[0]
assert '/updates/' in path, path
assert '$want' and note.endswith('$want'), (note, '$want')
assert hook_a == hook_b == 'veth', (hook_a, hook_b)
assert f['hook'] == 'veth' and f['native'] and f['tx'], f
assert not f['multibuf'] and f['mode'] == 'native', f
" || { ktap_diag "$out"; return 1; }
}

case_pass_reaches_stack() {
	attach_b bench-pass || return 1
	tso=$(tso_a)
	eval "$(GV snap)"
	p0=$pass r0=$rx u0=$udp
	ga ping -q -c 5 -i 0.2 -W 2 $IPB >/dev/null ||
		{ ktap_diag "IPv4 ping failed"; return 1; }
	ga ping -6 -q -c 3 -i 0.2 -W 2 $IP6B >/dev/null ||
		{ ktap_diag "IPv6 ping failed"; return 1; }
	ga "$PY" "$LAB/udp.py" send $IPB 9999 200 >/dev/null || return 1
	# 5 + 3 echo requests and 200 datagrams, nothing else
	wait_snap 50 '$((pass - p0)) -ge 208 -a $((udp - u0)) -ge 200'
	expect_eq "peer TSO while bound" "$tso" off &&
	expect_eq "pass counter" "$((pass - p0))" 208 &&
	expect_eq "rx counter" "$((rx - r0))" 208 &&
	expect_eq "stack UDP datagrams" "$((udp - u0))" 200 &&
	expect_eq "drop" "$drop" 0 && expect_eq "tx" "$tx" 0 || return 1
	tcp_transfer || return 1
	eval "$(GV snap)"
	expect_eq "rx = pass with bench-pass" "$rx" "$pass" &&
	detach_b
}

case_drop_hides_frames() {
	attach_b bench-drop || return 1
	gb sh -c "$PY $LAB/veth_udp_sink.py $IPB 9999 >/tmp/vethsink.out \
		2>&1 & echo \$! >/tmp/vethsink.pid" || return 1
	i=0
	until [ -n "$(gb ss -Hlun 'sport = :9999')" ]; do
		i=$((i + 1))
		[ "$i" -le 100 ] || { ktap_diag "UDP sink not listening"; return 1; }
		sleep 0.1
	done
	eval "$(GV snap)"
	d0=$drop r0=$rx u0=$udp
	ga "$PY" "$LAB/udp.py" send $IPB 9999 500 >/dev/null || return 1
	if ga ping -q -c 2 -W 1 $IPB >/dev/null 2>&1; then
		ktap_diag "ping answered with bench-drop bound"
		return 1
	fi
	# 500 datagrams and 2 echo requests
	wait_snap 50 '$((drop - d0)) -ge 502'
	G sh -c 'kill $(cat /tmp/vethsink.pid)' || return 1
	i=0
	until sink=$(G cat /tmp/vethsink.out) && [ -n "$sink" ]; do
		i=$((i + 1))
		[ "$i" -le 100 ] || { ktap_diag "UDP sink did not report"; return 1; }
		sleep 0.1
	done
	detach_b || return 1
	expect_eq "drop counter" "$((drop - d0))" 502 &&
	expect_eq "rx counter" "$((rx - r0))" 502 &&
	expect_eq "UDP sink datagrams" "$(json_get "$sink" received)" 0 &&
	expect_eq "stack UDP datagrams" "$((udp - u0))" 0
}

case_reflect_swaps_addresses() {
	attach_b bench-reflect || return 1
	eval "$(GV snap)"
	t0=$tx r0=$rx e0=$txerr u0=$udp u60=$udp6
	r4=$(udp_echo $IPB 500) || return 1
	r6=$(udp_echo $IP6B 300) || return 1
	eval "$(GV snap)"
	detach_b || return 1
	expect_eq "IPv4 reflected" "$(json_get "$r4" received)" 500 &&
	expect_eq "IPv4 foreign replies" "$(json_get "$r4" bad)" 0 &&
	expect_eq "IPv6 reflected" "$(json_get "$r6" received)" 300 &&
	expect_eq "IPv6 foreign replies" "$(json_get "$r6" bad)" 0 &&
	expect_eq "tx counter" "$((tx - t0))" 800 &&
	expect_eq "rx counter" "$((rx - r0))" 800 &&
	expect_eq "tx errors" "$((txerr - e0))" 0 &&
	expect_eq "stack UDP datagrams" "$((udp - u0 + udp6 - u60))" 0
}

# Apps on both ends: each end keeps NAPI on for itself and for the other,
# and unbinding one leaves the other working.
case_apps_on_both_ends() {
	ga ndivctl link attach dev ndva app bench-pass || return 1
	attach_b bench-reflect || return 1
	eval "$(GV snap a)"
	pa0=$pass
	eval "$(GV snap)"
	t0=$tx
	r4=$(udp_echo $IPB 200) || return 1
	eval "$(GV snap a)"
	pa1=$pass
	eval "$(GV snap)"
	expect_eq "reflected" "$(json_get "$r4" received)" 200 &&
	expect_eq "tx on ndvb" "$((tx - t0))" 200 &&
	expect_eq "pass on ndva (the reflections)" "$((pa1 - pa0))" 200 &&
	detach_b || return 1
	ga ping -q -c 3 -i 0.2 -W 2 $IPB >/dev/null ||
		{ ktap_diag "ping with ndva bound alone failed"; return 1; }
	eval "$(GV snap a)"
	expect_eq "pass on ndva (echo replies)" "$((pass - pa1))" 3 &&
	ga ndivctl link detach dev ndva
}

# XDP keeps priority: with an XDP program that drops everything, the app
# sees nothing; once the program is gone, the app gets every frame again
# (ndiv kept NAPI on when XDP left).
case_xdp_keeps_priority() {
	attach_b bench-reflect || return 1
	gb sh -c "xdp-bench drop -m native ndvb >/tmp/vethxdp.out 2>&1 &
		echo \$! >/tmp/vethxdp.pid" || return 1
	i=0
	until gb ip link show ndvb | grep -q prog/xdp; do
		i=$((i + 1))
		[ "$i" -le 100 ] || { ktap_diag "no XDP program on ndvb"; return 1; }
		sleep 0.1
	done
	eval "$(GV snap)"
	t0=$tx
	r1=$(udp_echo $IPB 100) || return 1
	eval "$(GV snap)"
	t1=$tx
	G sh -c 'kill -INT $(cat /tmp/vethxdp.pid)' || return 1
	i=0
	while gb ip link show ndvb | grep -q prog/xdp; do
		i=$((i + 1))
		[ "$i" -le 100 ] || { ktap_diag "XDP program not removed"; return 1; }
		sleep 0.1
	done
	r2=$(udp_echo $IPB 100) || return 1
	eval "$(GV snap)"
	detach_b || return 1
	expect_eq "reflected under XDP drop" "$(json_get "$r1" received)" 0 &&
	expect_eq "tx under XDP drop" "$((t1 - t0))" 0 &&
	expect_eq "reflected after XDP" "$(json_get "$r2" received)" 100 &&
	expect_eq "tx after XDP" "$((tx - t1))" 100
}

# veth_xmit() puts a frame on the RX queue of the index of the sender's TX
# queue: binding is refused while the peer has more TX queues than ndvb
# has RX queues, and works, on every queue, once they match.
case_queues() {
	ga ethtool -L ndva tx 2 || return 1
	refused=$(gb "$PY" "$LAB/sysfs_write.py" $NDB/app bench-reflect)
	gb ethtool -L ndvb rx 2 || return 1
	bound=$(gb "$PY" "$LAB/sysfs_write.py" $NDB/app bench-reflect)
	q0=$(($(gb sh -c "cat $NDB/queues/rx-*/tx" | paste -sd+)))
	r4=$(udp_echo $IPB 200) || return 1
	q1=$(($(gb sh -c "cat $NDB/queues/rx-*/tx" | paste -sd+)))
	detach_b
	ga ethtool -L ndva tx 1 && gb ethtool -L ndvb rx 1 || return 1
	expect_eq "more peer TX queues than RX queues" "$refused" ENOSPC &&
	expect_eq "as many RX queues" "$bound" OK &&
	expect_eq "reflected" "$(json_get "$r4" received)" 200 &&
	expect_eq "tx over the queues" "$((q1 - q0))" 200
}

# Swap apps 30 times while frames flow; every frame ndva sent must be
# counted exactly once, and the link must not bounce.
case_swap_under_traffic_counts_once() {
	# the previous case's channel changes bounced the link: let its MLD
	# reports pass, or one can cross between the two snapshots below
	GV quiet || return 1
	attach_b bench-pass || return 1
	car0=$(gb cat /sys/class/net/ndvb/carrier_changes)
	eval "$(GV snap)"
	rx0=$rx ptx0=$peer_sent
	ga sh -c "$PY $LAB/udp.py send $IPB 9 100000000 --rate 500 \
		>/dev/null 2>&1 & echo \$! >/tmp/vethsender.pid" || return 1
	wait_snap 100 "$((rx0 + 20)) -le \$rx" ||
		{ ktap_diag "no traffic from the sender"; return 1; }
	gb sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do
		for a in bench-reflect bench-drop bench-pass; do
			echo \$a > $NDB/app || exit 1; done; done"
	swapped=$?
	# the sender must have outlived the swaps, or they saw no traffic
	G sh -c 'kill -0 $(cat /tmp/vethsender.pid)'
	overlapped=$?
	G sh -c 'kill $(cat /tmp/vethsender.pid)'
	# frames may still be on their way: poll until the counts settle
	last=
	for _ in $(seq 50); do
		eval "$(GV snap)"
		now="$rx $peer_sent"
		[ "$((rx - rx0))" = "$((peer_sent - ptx0))" ] && [ "$now" = "$last" ] &&
			break
		last=$now
		sleep 0.1
	done
	car1=$(gb cat /sys/class/net/ndvb/carrier_changes)
	detach_b || return 1
	echo "frames sent by ndva $((peer_sent - ptx0)), counted by ndiv $((rx - rx0))"
	expect_eq "30 swaps" "$swapped" 0 &&
	expect_eq "traffic during all swaps" "$overlapped" 0 &&
	expect_ge "frames during swaps" "$((peer_sent - ptx0))" 100 &&
	expect_eq "carrier changes" "$car1" "$car0" &&
	expect_eq "frames counted vs frames sent" \
		"$((rx - rx0))" "$((peer_sent - ptx0))" &&
	expect_eq "rx = pass + drop + tx + aborted" "$rx" \
		"$((pass + drop + tx + aborted))" &&
	expect_eq "aborted" "$aborted" 0
}

# Every ndiv counter of every queue in ethtool -S equals its sysfs file.
case_ethtool_counters_match_sysfs() {
	attach_b bench-reflect || return 1
	udp_echo $IPB 100 >/dev/null || return 1
	detach_b || return 1
	# shellcheck disable=SC2016 # expanded by the guest shell
	out=$(gb sh -c 'ethtool -S ndvb | grep -E "rx_queue_[0-9]+_ndiv_" |
		while read -r name val; do
			name=${name%:}
			q=${name#rx_queue_}; c=${q#*_ndiv_}; q=${q%%_*}
			echo $q $c $val $(cat '"$NDB"'/queues/rx-$q/$c)
		done') || return 1
	n=$(echo "$out" | grep -c .)
	expect_eq "ndiv counters in ethtool -S" "$n" \
		"$(($(gb sh -c "ls -d $NDB/queues/rx-*" | grep -c .) * 7))" ||
		{ ktap_diag "$out"; return 1; }
	tx=0
	while read -r q c eth sys; do
		expect_eq "rx_queue_${q}_ndiv_$c: ethtool vs sysfs" "$eth" \
			"$sys" || return 1
		[ "$c" = tx ] && tx=$((tx + eth))
	done <<EOT
$out
EOT
	expect_eq "sum of rx_queue_N_ndiv_tx vs stats/tx" "$tx" \
		"$(gb cat $NDB/stats/tx)" &&
	expect_ge "sum of rx_queue_N_ndiv_tx" "$tx" 100
}

# The generic mode on a veth: the app runs from an rx_handler, NAPI and
# the peer's offloads are left alone.
case_generic_mode() {
	gb ndivctl link attach dev ndvb app bench-reflect mode generic ||
		return 1
	mode=$(gb cat $NDB/mode)
	tso=$(tso_a)
	eval "$(GV snap)"
	t0=$tx r0=$rx
	r4=$(udp_echo $IPB 300) || return 1
	eval "$(GV snap)"
	detach_b || return 1
	expect_eq "mode" "$mode" generic &&
	expect_eq "peer TSO untouched" "$tso" on &&
	expect_eq "reflected" "$(json_get "$r4" received)" 300 &&
	expect_eq "tx counter" "$((tx - t0))" 300 &&
	expect_eq "rx counter" "$((rx - r0))" 300 &&
	expect_eq "native again" "$(gb "$PY" "$LAB/sysfs_write.py" \
		$NDB/mode native)" OK
}

# slhttpd bound to ndvb answers curl in ndv-a, over IPv4 and IPv6.
case_slhttpd_get() {
	G modprobe slhttpd || return 1
	attach_b slhttpd || return 1
	eval "$(GV snap)"
	t0=$tx
	want=$("$PY" -c "
import hashlib
c = b'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n'
print(hashlib.md5(bytes(c[i % 64] for i in range(1000))).hexdigest())")
	got4=$(ga sh -c "curl -s --max-time 30 -o /tmp/vethslh.body \
		-w '%{http_code} %{size_download} ' http://$IPB/?s=1000 &&
		md5sum </tmp/vethslh.body")
	got6=$(ga sh -c "curl -s --max-time 30 -o /tmp/vethslh.body \
		-w '%{http_code} %{size_download} ' -g 'http://[$IP6B]/?s=1000' &&
		md5sum </tmp/vethslh.body")
	eval "$(GV snap)"
	detach_b
	G rmmod slhttpd
	expect_eq "GET over IPv4" "$(echo "$got4" | cut -d' ' -f1-3)" \
		"200 1000 $want" &&
	expect_eq "GET over IPv6" "$(echo "$got6" | cut -d' ' -f1-3)" \
		"200 1000 $want" &&
	expect_ge "tx counter" "$((tx - t0))" 4
}

# Unbinding gives the pair back as it was: the peer's TSO on again, the
# counters still, ping and TCP through the stack as before.
case_detach_restores_forwarding() {
	attach_b bench-drop || return 1
	tso_bound=$(tso_a)
	detach_b || return 1
	tso_after=$(tso_a)
	eval "$(GV snap)"
	r0=$rx
	ga ping -q -c 3 -i 0.2 -W 2 $IPB >/dev/null ||
		{ ktap_diag "ping after detach failed"; return 1; }
	gb ping -6 -q -c 3 -i 0.2 -W 2 2001:2:0:1::1 >/dev/null ||
		{ ktap_diag "IPv6 ping from ndv-b after detach failed"; return 1; }
	tcp_transfer || return 1
	eval "$(GV snap)"
	expect_eq "peer TSO while bound" "$tso_bound" off &&
	expect_eq "peer TSO after detach" "$tso_after" on &&
	expect_eq "ndiv counters after detach" "$rx" "$r0"
}

# Bound and after traffic: removing veth unbinds the app on the way, which
# can then be unloaded.
case_unload_after_traffic() {
	attach_b bench-reflect || return 1
	r4=$(udp_echo $IPB 200) || return 1
	expect_eq "reflected" "$(json_get "$r4" received)" 200 || return 1
	out=$(G sh -c "rmmod veth && rmmod ndiv_bench &&
		! test -e /sys/module/veth && echo unloaded" 2>&1)
	expect_eq "veth and the app unload while bound" "$out" unloaded
}

trap 'GV cleanup >/dev/null 2>&1' EXIT
run_cases case_setup_pair case_hook_on_both_ends case_pass_reaches_stack \
	case_drop_hides_frames case_reflect_swaps_addresses \
	case_apps_on_both_ends case_xdp_keeps_priority case_queues \
	case_swap_under_traffic_counts_once \
	case_ethtool_counters_match_sysfs case_generic_mode case_slhttpd_get \
	case_detach_restores_forwarding case_unload_after_traffic
