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

queues_on_every_cpu() {
	ncpu=$1
	attach bench-drop || return 1
	eval "$(snapshot)"
	d0=$drop
	i0=$(queue_irqs_per_cpu "$ncpu")
	q0=$(G sh -c "cat $ND/queues/rx-*/drop" | tr '\n' ' ')
	for f in $(seq 16); do
		$PY "$LAB/udp.py" send "$NDIV_LAB_GUEST_IP" $((9000 + f)) 100 \
			>/dev/null &
	done
	wait
	for _ in $(seq 50); do
		eval "$(snapshot)"
		[ "$((drop - d0))" -ge 1600 ] && break
		sleep 0.1
	done
	i1=$(queue_irqs_per_cpu "$ncpu")
	q1=$(G sh -c "cat $ND/queues/rx-*/drop" | tr '\n' ' ')
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
	case_unload_after_traffic
