#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ring.sh - the ring to user space in the lab (Documentation/ring.rst):
#   ndiv-lab run --nic e1000e --app slhttpd -- tests/lab/ring.sh
#
# The kernel side of /dev/ndiv-ring against ndivctl, a probe that maps and
# scribbles as a hostile daemon would (ring_probe.py), and ndiv-offloadd.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

probe() {
	G "$PY" "$LAB/ring_probe.py" "$@"
}

# ring add/show/del, -j, errors naming the ring, default geometry
case_ring_add_show_del() {
	G ndivctl ring add api || return 1
	G ndivctl ring add small slots 8 slot-size 1k || return 1
	out=$(G ndivctl ring add api 2>&1)
	expect_eq "add twice" "$out" "Error: ring api: exists already" ||
		return 1
	out=$(G ndivctl -j ring show) || return 1
	echo "$out" | "$PY" -c '
import json, sys
r = {x["name"]: x for x in json.load(sys.stdin)}
assert set(r) == {"api", "small"}, r
a, s = r["api"], r["small"]
assert (a["slots"], a["slot_size"]) == (256, 2048), a
assert (s["slots"], s["slot_size"]) == (8, 1024), s
assert a["pid"] is None and len(a["per_cpu"]) == a["cpus"] >= 2, a
for k in ("produced", "answered", "fallback", "ring_full", "invalid"):
    assert a[k] == 0, (k, a)
' || return 1
	G ndivctl ring del small || return 1
	out=$(G ndivctl ring show small 2>&1)
	expect_eq "show deleted" "$out" \
		"Error: ring small: no such ring in this network namespace" ||
		return 1
	G ndivctl ring del small 2>/dev/null
	expect_eq "del deleted: exit" "$?" 2
}

# A ring is its namespace's: invisible and not attachable from another;
# attaching needs CAP_NET_ADMIN.
case_ring_netns_and_cap() {
	out=$(G unshare -n ndivctl -j ring show) || return 1
	expect_eq "other netns" "$out" "[]" || return 1
	G unshare -n "$PY" "$LAB/ring_probe.py" mmap api 2>/dev/null &&
		{ ktap_diag "attached from another netns"; return 1; }
	out=$(G setpriv --inh-caps=-all --bounding-set=-net_admin \
		"$PY" -c '
import fcntl, os
fd = os.open("/dev/ndiv-ring", os.O_RDWR)
try:
    fcntl.ioctl(fd, (1 << 30) | (32 << 16) | (0xd9 << 8) | 3,
                b"api".ljust(32, b"\0"))
    print("attached")
except OSError as e:
    print(e.errno)' 2>&1)
	expect_eq "attach without CAP_NET_ADMIN" "$out" 1	# EPERM
}

# The read-only part stays read-only; scribbling on the rest is survived.
case_ring_mmap_rights() {
	out=$(probe mmap api)
	expect_eq "probe" "$out" "OK" || return 1
	out=$(G ndivctl -j ring show api) || return 1
	echo "$out" | "$PY" -c '
import json, sys
r = json.load(sys.stdin)[0]
assert r["invalid"] >= 1, r        # the scribbled resp_prod was refused
'
}

# A second daemon takes the ring at once; the first loses its mapping.
case_ring_takeover_never_ebusy() {
	out=$(probe takeover api)
	rc=$?
	expect_eq "probe output" "$out" "OK
TOUCH" || return 1
	expect_eq "first daemon killed by SIGBUS" "$rc" 135
}

# ring del with a daemon attached revokes its mapping, no waiting.
case_ring_del_revokes() {
	G ndivctl ring add gone || return 1
	G rm -f /tmp/ring-go
	probe hold gone /tmp/ring-go >"$WORK/hold" 2>&1 &
	pid=$!
	i=0
	while ! grep -q READY "$WORK/hold" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	out=$(G ndivctl -j ring show gone) || return 1
	echo "$out" | "$PY" -c '
import json, sys
assert json.load(sys.stdin)[0]["pid"] is not None' || return 1
	G ndivctl ring del gone || return 1
	G touch /tmp/ring-go
	wait "$pid"
	rc=$?
	expect_eq "holder output" "$(cat "$WORK/hold")" "READY
kick=ENODEV hup=1
TOUCH" || return 1
	expect_eq "holder killed by SIGBUS" "$rc" 135
}

mkdir -p "$TOP/build/tests"
WORK=$(mktemp -d "$TOP/build/tests/ring.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

CASES=${NDIV_RING_CASES:-"case_ring_add_show_del case_ring_netns_and_cap
case_ring_mmap_rights case_ring_takeover_never_ebusy case_ring_del_revokes"}
# shellcheck disable=SC2086
run_cases $CASES
