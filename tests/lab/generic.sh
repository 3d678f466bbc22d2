#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# generic.sh - ndiv generic mode on a NIC whose driver has no ndiv hook
# (the stock e1000): tools/lab/ndiv-lab run --nic e1000 -- tests/lab/generic.sh
set -u
. "$(dirname "$0")/lib.sh"

NDIV_TEST_TAG="# generic"

case_hookless_native_attach_refused() {
	expect_eq "hook" "$(G cat $ND/hook)" none &&
	expect_eq "native attach" "$(gwrite $ND/app bench-reflect)" \
		EOPNOTSUPP || return 1
	msg=$(G ndivctl link attach dev "$DEV" app bench-reflect 2>&1) &&
		{ diag "ndivctl attach succeeded"; return 1; }
	case $msg in
	*"$DEV"*"no ndiv hook"*generic*) ;;
	*) diag "unhelpful error: $msg"; return 1 ;;
	esac
}

case_generic_reflect() {
	G ndivctl link attach dev "$DEV" app bench-reflect mode generic ||
		return 1
	eval "$(snapshot)"
	t0=$tx
	r4=$($PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP" 9 300)
	r6=$($PY "$LAB/udp.py" echo "$NDIV_LAB_GUEST_IP6" 9 200)
	ping -q -c 3 -i 0.2 -W 2 "$NDIV_LAB_GUEST_IP" >/dev/null ||
		{ diag "ping (passed by bench-reflect) failed"; return 1; }
	eval "$(snapshot)"
	mode=$(G cat $ND/mode)
	detach || return 1
	expect_eq "mode" "$mode" generic &&
	expect_eq "IPv4 reflected" "$(json_get "$r4" received)" 300 &&
	expect_eq "IPv6 reflected" "$(json_get "$r6" received)" 200 &&
	expect_ge "tx counter" "$((tx - t0))" 500 &&
	expect_eq "rx = pass + drop + tx + aborted" "$rx" \
		"$((pass + drop + tx + aborted))"
}

case_generic_drop_and_back_to_native() {
	G ndivctl link attach dev "$DEV" app bench-drop mode generic ||
		return 1
	if ping -q -c 2 -W 1 "$NDIV_LAB_GUEST_IP" >/dev/null 2>&1; then
		diag "ping answered with bench-drop bound"
		return 1
	fi
	detach || return 1
	expect_eq "native again" "$(gwrite $ND/mode native)" OK &&
	ping -q -c 2 -i 0.2 -W 2 "$NDIV_LAB_GUEST_IP" >/dev/null
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
	case_generic_drop_and_back_to_native case_generic_busy_rx_handler
