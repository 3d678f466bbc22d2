#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# generic.sh - ndiv generic mode in the lab:
#   tools/lab/ndiv-lab run --nic e1000 -- tests/lab/generic.sh
#
# Generic mode runs an app from an rx_handler, for devices whose driver
# has no ndiv hook. A dummy device in the guest stands for such a device;
# real frames go through generic mode on the lab NIC, bound with "mode
# generic" although its driver has a hook, which must then stay unused.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

NDIV_TEST_TAG="# generic"
HOOKLESS=ndivg0
HND=/sys/class/net/$HOOKLESS/ndiv

# A device without a hook refuses native mode with a helpful error and
# takes an app in generic mode.
case_hookless_native_attach_refused() {
	G ip link add "$HOOKLESS" type dummy || return 1
	hookless_attach
	rc=$?
	G ip link del "$HOOKLESS"
	return $rc
}

hookless_attach() {
	expect_eq "hook" "$(G cat "$HND/hook")" none &&
	expect_eq "native attach" "$(gwrite "$HND/app" bench-reflect)" \
		EOPNOTSUPP || return 1
	msg=$(G ndivctl link attach dev "$HOOKLESS" app bench-reflect 2>&1) &&
		{ ktap_diag "ndivctl attach succeeded"; return 1; }
	case $msg in
	*"$HOOKLESS"*"ndiv hook"*"mode generic"*) ;;
	*) ktap_diag "unhelpful error: $msg"; return 1 ;;
	esac
	G ndivctl link attach dev "$HOOKLESS" app bench-pass mode generic ||
		return 1
	mode=$(G cat "$HND/mode")
	G ndivctl link detach dev "$HOOKLESS" || return 1
	expect_eq "generic mode on the hookless device" "$mode" generic
}

# The lab NIC's driver has a hook: generic mode must not use it.
# shellcheck disable=SC2154 # rx, tx, ... are set by eval "$(snapshot)"
case_generic_reflect() {
	hook=$(G cat "$ND/hook")
	[ "$hook" != none ] || { ktap_diag "$DEV has no hook: nothing to bypass"; return 1; }
	G ndivctl link attach dev "$DEV" app bench-reflect mode generic ||
		return 1
	eval "$(snapshot)"
	t0=$tx
	r4=$($PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP" 9 300)
	r6=$($PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP6" 9 200)
	ping -q -c 3 -i 0.2 -W 2 "$NDIV_LAB_GUEST_IP" >/dev/null ||
		{ ktap_diag "ping (passed by bench-reflect) failed"; return 1; }
	eval "$(snapshot)"
	mode=$(G cat "$ND/mode")
	link=$(G ndivctl link show -j)
	detach || return 1
	expect_eq "mode" "$mode" generic &&
	expect_eq "ndivctl mode" "$(echo "$link" | "$PY" -c "
import json, sys
print([l['mode'] for l in json.load(sys.stdin) if l['ifname'] == '$DEV'][0])
")" generic &&
	expect_eq "IPv4 reflected" "$(json_get "$r4" received)" 300 &&
	expect_eq "IPv6 reflected" "$(json_get "$r6" received)" 200 &&
	expect_ge "tx counter" "$((tx - t0))" 500 &&
	expect_eq "tx errors" "$txerr" 0 &&
	expect_eq "rx = pass + drop + tx + aborted" "$rx" \
		"$((pass + drop + tx + aborted))"
}

# Swaps under traffic in generic mode: every frame counted exactly once.
case_generic_swap_under_traffic() {
	G ndivctl link attach dev "$DEV" app bench-pass mode generic ||
		return 1
	case_swap_under_traffic_counts_once
	rc=$?
	# it unpinned the guest's neighbour entry: resolve it again, with
	# nothing bound, before a case binds bench-drop (which drops ARP)
	ping -q -c 1 -W 5 "$NDIV_LAB_GUEST_IP" >/dev/null ||
		{ ktap_diag "no ping after the swaps"; return 1; }
	return $rc
}

# Drop in generic mode, then back to native mode on the same device: the
# driver's hook takes over.
case_generic_drop_and_back_to_native() {
	G ndivctl link attach dev "$DEV" app bench-drop mode generic ||
		return 1
	if ping -q -c 2 -W 1 "$NDIV_LAB_GUEST_IP" >/dev/null 2>&1; then
		ktap_diag "ping answered with bench-drop bound"
		detach
		return 1
	fi
	detach || return 1
	expect_eq "native again" "$(gwrite "$ND/mode" native)" OK &&
	ping -q -c 2 -i 0.2 -W 2 "$NDIV_LAB_GUEST_IP" >/dev/null || return 1
	attach bench-reflect || return 1
	r4=$($PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP" 9 100)
	mode=$(G cat "$ND/mode")
	detach || return 1
	expect_eq "mode" "$mode" native &&
	expect_eq "reflected natively" "$(json_get "$r4" received)" 100
}

case_generic_busy_rx_handler() {
	out=$(G sh -c "ip link add nvb0 type veth peer name nvb1 &&
		ip link add nbr0 type bridge && ip link set nvb0 master nbr0 &&
		echo generic > /sys/class/net/nvb0/ndiv/mode &&
		$PY $LAB/sysfs_write.py /sys/class/net/nvb0/ndiv/app bench-pass;
		ip link del nvb0; ip link del nbr0")
	expect_eq "bridge port" "$out" EBUSY
}

run_cases case_hookless_native_attach_refused case_generic_reflect \
	case_generic_swap_under_traffic \
	case_generic_drop_and_back_to_native case_generic_busy_rx_handler
