#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the lab suite: boots the QEMU lab once per NIC and runs the
# framework tests in it, once with the guest instruction counter, then
# once more per hooked driver with slhttpd bound for the slhttpd tests.
# KTAP on stdout; each lab run also counts as a test (boot, clean guest
# dmesg, nothing left behind).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
lab=$top/tools/lab/ndiv-lab
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"

# lab_run DESC LAB-ARGS... -- CMD...
lab_run() {
	desc=$1
	shift
	"$lab" run "$@"
	rc=$?
	ktap_plan 1
	if [ "$rc" -eq 0 ]; then
		ktap_ok "lab $desc: boot, run, clean dmesg, teardown"
	else
		ktap_not_ok "lab $desc: ndiv-lab exited $rc"
	fi
}

json_links() {
	# shellcheck disable=SC2016
	out=$("$lab" run "$@" -- sh -c '$NDIV_LAB ndivctl link show -j')
	ktap_plan 1
	if echo "$out" | /usr/bin/python3 -c '
import json, sys
links = json.load(sys.stdin)
assert any(l["hook"] != "none" for l in links), links'; then
		ktap_ok "ndivctl link show -j in the lab $*"
	else
		ktap_diag "$out"
		ktap_not_ok "ndivctl link show -j in the lab $*"
	fi
}

json_links --nic e1000e
json_links --nic virtio --queues 2
lab_run e1000e --nic e1000e -- "$top/tests/lab/native.sh" e1000e
lab_run "virtio 2 queues" --nic virtio --queues 2 -- \
	"$top/tests/lab/native.sh" virtio_net
lab_run e1000 --nic e1000 -- "$top/tests/lab/native.sh" e1000
# the guest instruction counter: a loop of known length, the split by
# module text ranges
lab_run "instruction counter e1000e" --nic e1000e --count-insns -- \
	"$top/tests/lab/insns.sh"
lab_run "e1000 generic" --nic e1000 -- "$top/tests/lab/generic.sh"
# slhttpd on e1000: a subset (the whole suite runs on e1000e and virtio)
lab_run "slhttpd e1000" --nic e1000 --app slhttpd -- env \
	NDIV_SLHTTPD_CASES="case_curl_http10 case_curl_keepalive_reuse
	case_curl_http11_sizes case_ab case_spoofed_request_dropped" \
	"$top/tests/lab/slhttpd.sh" e1000
# slhttpd in generic mode (the rx_handler and the stack's TX path)
lab_run "slhttpd e1000 generic" --nic e1000 --mode generic --app slhttpd -- \
	env NDIV_SLHTTPD_CASES="case_curl_http10 case_curl_keepalive_reuse
	case_ab" "$top/tests/lab/slhttpd.sh" e1000
lab_run veth --nic e1000e -- "$top/tests/lab/veth.sh"
lab_run "slhttpd e1000e" --nic e1000e --app slhttpd -- \
	"$top/tests/lab/slhttpd.sh" e1000e
lab_run "slhttpd virtio 2 queues" --nic virtio --queues 2 --app slhttpd -- \
	"$top/tests/lab/slhttpd.sh" virtio_net
# the proxy: real curl through the VIP to real nginx backends
lab_run "proxy e1000e" --nic e1000e --backends 2 --app proxy -- \
	"$top/tests/lab/proxy.sh" e1000e
# the ring to user space (Documentation/ring.rst), slhttpd bound
lab_run "ring e1000e" --nic e1000e --app slhttpd -- "$top/tests/lab/ring.sh"
