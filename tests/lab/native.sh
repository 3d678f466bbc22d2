#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# native.sh DRIVER - ndiv framework tests against a patched driver in the
# lab: tools/lab/ndiv-lab run --nic NIC -- tests/lab/native.sh DRIVER
#
# Real frames from host sockets through the tap, QEMU's NIC model and the
# ndiv build of DRIVER (e1000e, virtio_net) in the guest.
set -u
. "$(dirname "$0")/lib.sh"

DRIVER=$1
NDIV_TEST_TAG="# $DRIVER"

case_links_json() {
	out=$(G ndivctl link show -j) || return 1
	echo "$out" | "$PY" -c "
import json, sys
links = {l['ifname']: l for l in json.load(sys.stdin)}
dev = links['$DEV']
assert dev['hook'] == '$DRIVER', dev
assert dev['mode'] == 'native' and dev['app'] is None, dev
assert links['lo']['hook'] is None, links['lo']
" || { ktap_diag "$out"; return 1; }
}

# ndivctl features against the real driver: the hook, the core's hook ABI,
# TX, and as many RX queues as the guest kernel shows.
case_features_json() {
	out=$(G sh -c "ndivctl -j features dev $DEV;
		cat /sys/kernel/ndiv/hook_abi;
		ls -d /sys/class/net/$DEV/queues/rx-* | wc -l") || return 1
	echo "$out" | "$PY" -c "
import json, sys
lines = sys.stdin.read().splitlines()
f = json.loads(lines[0])[0]
abi, rxq = int(lines[1]), int(lines[2])
assert f['hook'] == '$DRIVER' and f['native'] and f['tx'], f
assert f['hook_abi'] == abi >= 1, (f, abi)
assert f['rx_queues'] == rxq >= 1 and not f['multibuf'], (f, rxq)
assert f['mode'] == 'native' and f['generic'], f
" || { ktap_diag "$out"; return 1; }
}

case_sysfs_rejects_bad_writes() {
	expect_eq "never-bound device: zero counters, no queue dirs" \
		"$(G sh -c 'cat /sys/class/net/lo/ndiv/stats/rx_packets;
		ls /sys/class/net/lo/ndiv/queues | wc -l')" "0
0" &&
	expect_eq "never-bound device in ndivctl" \
		"$(G ndivctl stats dev lo queues -j | "$PY" -c '
import json, sys
d = json.load(sys.stdin)[0]
print(d["rx_packets"], d["tx_err"], d["queues"])')" "0 0 []" &&
	expect_eq "unknown app" "$(gwrite $ND/app no-such-app)" ENOENT &&
	expect_eq "bad name" "$(gwrite $ND/app 'Bad!Name')" EINVAL &&
	expect_eq "blank name" "$(gwrite $ND/app ' ')" EINVAL &&
	expect_eq "bad mode" "$(gwrite $ND/mode turbo)" EINVAL &&
	expect_eq "hookless device" \
		"$(gwrite /sys/class/net/lo/ndiv/app bench-pass)" EOPNOTSUPP &&
	expect_eq "generic on loopback" \
		"$(G sh -c "echo generic > /sys/class/net/lo/ndiv/mode &&
		$PY $LAB/sysfs_write.py /sys/class/net/lo/ndiv/app bench-pass;
		echo native > /sys/class/net/lo/ndiv/mode")" EOPNOTSUPP &&
	expect_eq "attach" "$(gwrite $ND/app bench-pass)" OK &&
	expect_eq "mode while bound" "$(gwrite $ND/mode generic)" EBUSY &&
	expect_eq "app shown" "$(G cat $ND/app)" bench-pass &&
	expect_eq "app module pinned" \
		"$(G sh -c 'rmmod ndiv_bench 2>/dev/null && echo unloaded ||
		echo pinned')" pinned &&
	expect_eq "detach" "$(gwrite $ND/app none)" OK &&
	expect_eq "app none" "$(G cat $ND/app)" none
}

case_pass_reaches_stack() {
	attach bench-pass || return 1
	eval "$(snapshot)"
	p0=$pass
	ping -q -c 5 -i 0.2 -W 2 "$NDIV_LAB_GUEST_IP" >/dev/null ||
		{ ktap_diag "IPv4 ping failed"; return 1; }
	ping -6 -q -c 3 -i 0.2 -W 2 "$NDIV_LAB_GUEST_IP6" >/dev/null ||
		{ ktap_diag "IPv6 ping failed"; return 1; }
	G sh -c "mkdir -p /tmp/www &&
		head -c 100000 /dev/urandom > /tmp/www/blob" || return 1
	want=$(G md5sum /tmp/www/blob | cut -d' ' -f1)
	G sh -c "cd /tmp/www && $PY -m http.server 8080 >/dev/null 2>&1 &" ||
		return 1
	got=$(curl -sf --retry 20 --retry-connrefused --retry-delay 1 \
		"http://$NDIV_LAB_GUEST_IP:8080/blob" | md5sum | cut -d' ' -f1)
	G pkill -f 'http.server 8080' || true
	expect_eq "TCP body through bench-pass" "$got" "$want" || return 1
	eval "$(snapshot)"
	expect_ge "pass counter" "$((pass - p0))" 11 &&
	expect_eq "drop" "$drop" 0 && expect_eq "tx" "$tx" 0 &&
	detach
}

case_drop_hides_frames_from_stack() {
	attach bench-drop || return 1
	eval "$(snapshot)"
	d0=$drop u0=$udp
	$PY "$LAB/udp.py" send "$NDIV_LAB_GUEST_IP" 9999 500 >/dev/null
	if ping -q -c 2 -W 1 "$NDIV_LAB_GUEST_IP" >/dev/null 2>&1; then
		ktap_diag "ping answered with bench-drop bound"
		return 1
	fi
	eval "$(snapshot)"
	detach || return 1
	expect_ge "drop counter" "$((drop - d0))" 500 &&
	expect_eq "stack UDP datagrams" "$((udp - u0))" 0
}

case_reflect_swaps_addresses() {
	attach bench-reflect || return 1
	eval "$(snapshot)"
	t0=$tx u0=$udp u60=$udp6
	r4=$($PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP" 9 500)
	r6=$($PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP6" 9 300)
	eval "$(snapshot)"
	detach || return 1
	expect_eq "IPv4 reflected" "$(json_get "$r4" received)" 500 &&
	expect_eq "IPv4 foreign replies" "$(json_get "$r4" bad)" 0 &&
	expect_eq "IPv6 reflected" "$(json_get "$r6" received)" 300 &&
	expect_ge "tx counter" "$((tx - t0))" 800 &&
	expect_eq "tx errors" "$txerr" 0 &&
	expect_eq "stack UDP datagrams" "$((udp - u0 + udp6 - u60))" 0
}

# Per-CPU receive-queue interrupts of the NIC, "cpu0 cpu1 ..." summed over
# its queues (virtio: the virtioN-input.Q lines of /proc/interrupts).
queue_irqs_per_cpu() {
	G awk -v n="$1" '$NF ~ /-input\.[0-9]+$/ {
		for (c = 0; c < n; c++) s[c] += $(c + 2) }
		END { for (c = 0; c < n; c++) printf "%d ", s[c]; print "" }' \
		/proc/interrupts
}

# Several RX queues on several CPUs: flows spread over the queues, each
# queue's NAPI runs the app on the CPU its interrupt is bound to, and the
# per-queue, per-CPU counters add up to the device's. 16 flows (one socket
# each) leave one queue idle with probability 2^-15.
case_queues_on_every_cpu() {
	nq=$(G sh -c "ls -d /sys/class/net/$DEV/queues/rx-* | wc -l")
	ncpu=$(G nproc)
	if [ "$nq" -lt 2 ] || [ "$ncpu" -lt 2 ]; then
		echo "skip: $nq RX queues, $ncpu CPUs"
		return 0
	fi
	# bench-drop also drops ARP: the host must know the guest's MAC
	mac=$(G cat "/sys/class/net/$DEV/address")
	ip neigh replace "$NDIV_LAB_GUEST_IP" lladdr "$mac" \
		dev "$NDIV_LAB_HOST_DEV" nud permanent || return 1
	queues_on_every_cpu "$ncpu"
	rc=$?
	ip neigh del "$NDIV_LAB_GUEST_IP" dev "$NDIV_LAB_HOST_DEV"
	return $rc
}

# "DEVICE-DROPS QUEUE-DROPS..." read in the guest until two reads in a
# row agree: a frame the host sends meanwhile (a neighbour probe, which
# bench-drop drops too) cannot fall between the device's and the queues'
# counts.
drops_read() {
	G sh -c "r() { echo \$(cat $ND/stats/drop) \$(cat $ND/queues/rx-*/drop); }
		a=\$(r); i=0; while [ \$i -lt 50 ]; do b=\$(r);
		[ \"\$a\" = \"\$b\" ] && break; a=\$b; i=\$((i + 1)); done;
		echo \$a"
}

# shellcheck disable=SC2046 # the reads are split into words on purpose
queues_on_every_cpu() {
	ncpu=$1
	attach bench-drop || return 1
	set -- $(drops_read)
	d0=$1
	shift
	q0=$*
	i0=$(queue_irqs_per_cpu "$ncpu")
	for f in $(seq 16); do
		$PY "$LAB/udp.py" send "$NDIV_LAB_GUEST_IP" $((9000 + f)) 100 \
			>/dev/null &
	done
	wait
	for _ in $(seq 50); do
		set -- $(drops_read)
		[ "$(($1 - d0))" -ge 1600 ] && break
		sleep 0.1
	done
	set -- $(drops_read)
	drop=$1
	shift
	q1=$*
	i1=$(queue_irqs_per_cpu "$ncpu")
	detach || return 1
	echo "drops per queue before: $q0 after: $q1; irqs per CPU before: $i0 after: $i1"
	"$PY" -c "
import sys
q0, q1, i0, i1 = (list(map(int, a.split())) for a in sys.argv[1:5])
total = int(sys.argv[5])
dq = [b - a for a, b in zip(q0, q1)]
di = [b - a for a, b in zip(i0, i1)]
assert sum(dq) == total >= 1600, ('queues vs device', dq, total)
assert sum(1 for d in dq if d > 0) >= 2, ('one queue got every flow', dq)
assert all(d > 0 for d in di), ('a CPU took no queue interrupt', di)
" "$q0" "$q1" "$i0" "$i1" "$((drop - d0))" || return 1
}

# Every queue's ethtool -S counter equals its sysfs file; which queue the
# flow lands on is up to the NIC's steering, so only the sum is bounded.
case_ethtool_counters_match_sysfs() {
	attach bench-reflect || return 1
	$PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP" 9 100 >/dev/null
	detach || return 1
	out=$(G sh -c "ethtool -S $DEV | grep -E 'rx_queue_[0-9]+_ndiv_tx:' |
		while read -r name val; do
			q=\${name#rx_queue_}; q=\${q%%_*}
			echo \$q \$val \$(cat $ND/queues/rx-\$q/tx)
		done") || return 1
	[ -n "$out" ] || { ktap_diag "no rx_queue_N_ndiv_tx in ethtool -S"; return 1; }
	total=0
	while read -r q eth sys; do
		expect_eq "rx_queue_${q}_ndiv_tx: ethtool vs sysfs" "$eth" "$sys" ||
			return 1
		total=$((total + eth))
	done <<EOT
$out
EOT
	expect_ge "sum of rx_queue_N_ndiv_tx" "$total" 100
}

# A flood as fast as the host can send it, reflected: every reply the app
# produces must reach the TX ring (tx_err below 0.1 %), however far the
# driver's TX completion interrupts lag behind (e1000e with MSI-X reclaims
# in NAPI while an app is bound). After the unbind the device still sends:
# its own TX completion path is back. For the drivers whose TX completion
# the glue manages (e1000, e1000e); virtio_net's TX virtqueue is drained by
# the host, whose pace, not the guest's, decides its TX errors under a
# flood (about 4 % in the lab).
# shellcheck disable=SC2154 # rx, tx, txerr are set by eval "$(snapshot)"
case_reflect_flood_reaches_tx_ring() {
	case $DRIVER in
	e1000|e1000e) ;;
	*)
		echo "skip: $DRIVER's TX completion is the host's"
		return 0 ;;
	esac
	cfg=$(mktemp) || return 1
	cat >"$cfg" <<EOF
{
  eth(da=$NDIV_LAB_GUEST_MAC, sa=$NDIV_LAB_HOST_MAC),
  ipv4(saddr=$NDIV_LAB_HOST_IP, daddr=$NDIV_LAB_GUEST_IP, ttl=64),
  udp(sp=drnd(), dp=9),
  fill(0x41, 18),
}
EOF
	attach bench-reflect || return 1
	eval "$(snapshot)"
	rx0=$rx t0=$tx e0=$txerr
	setsid trafgen -o "$NDIV_LAB_HOST_DEV" -i "$cfg" -P 1 --no-sock-mem \
		-Q -C >/dev/null 2>&1 &
	tg=$!
	sleep 5
	kill -TERM "-$tg" 2>/dev/null
	wait "$tg" 2>/dev/null
	rm -f "$cfg"
	# let the guest drain its RX ring: poll until the counters settle
	last=
	for _ in $(seq 50); do
		eval "$(snapshot)"
		[ "$rx $tx" = "$last" ] && break
		last="$rx $tx"
		sleep 0.2
	done
	detach || return 1
	echo "flood: $((rx - rx0)) frames, $((tx - t0)) sent," \
		"$((txerr - e0)) TX errors"
	expect_ge "frames in the flood" "$((rx - rx0))" 10000 &&
	expect_ge "TX errors below 0.1 % (x1000 vs sent)" \
		"$((tx - t0))" "$(((txerr - e0) * 1000))" &&
	ping -q -c 3 -W 5 "$NDIV_LAB_GUEST_IP" >/dev/null ||
		{ ktap_diag "no ping after the flood and unbind"; return 1; }
}

case_unload_after_traffic() {
	attach bench-reflect || return 1
	$PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP" 9 200 >/dev/null
	out=$(G sh -c "modprobe -r $DRIVER && rmmod ndiv_bench && rmmod ndiv &&
		echo unloaded" 2>&1)
	expect_eq "driver, app and core unload while bound" "$out" unloaded
}

run_cases case_links_json case_features_json case_sysfs_rejects_bad_writes \
	case_pass_reaches_stack case_drop_hides_frames_from_stack \
	case_reflect_swaps_addresses case_swap_under_traffic_counts_once \
	case_queues_on_every_cpu case_ethtool_counters_match_sysfs \
	case_reflect_flood_reaches_tx_ring case_unload_after_traffic
