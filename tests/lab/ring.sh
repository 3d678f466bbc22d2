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
	while ! grep -qs READY "$WORK/hold" && [ $i -lt 100 ]; do
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

# ---- slhttpd offload through the ring, with ndiv-offloadd --echo ------

URL=http://$NDIV_LAB_GUEST_IP

# Start ndiv-offloadd on ring $1 in the guest, detached; its pid on stdout.
daemon_start() {
	G sh -c "setsid ndiv-offloadd --ring $1 --echo \
		>/tmp/offloadd-$1.log 2>&1 </dev/null & echo \$!"
}

# Wait (at most 5 s) until ring $1 has a daemon attached.
daemon_wait() {
	i=0
	while [ $i -lt 50 ]; do
		G ndivctl -j ring show "$1" | "$PY" -c '
import json, sys
sys.exit(json.load(sys.stdin)[0]["pid"] is None)' && return 0
		sleep 0.1
		i=$((i + 1))
	done
	ktap_diag "no daemon attached to ring $1"
	return 1
}

# ring counter $2 of ring $1
ring_cnt() {
	G ndivctl -j ring show "$1" | "$PY" -c "
import json, sys
print(json.load(sys.stdin)[0]['$2'])"
}

offload_setup() {
	G ndivctl ring add echo 2>/dev/null
	G ndivctl slhttpd offload add prefix /rest/ ring echo 2>/dev/null
	G ndivctl -j slhttpd offload list | "$PY" -c '
import json, sys
assert {"prefix": "/rest/", "ring": "echo"} in json.load(sys.stdin)'
}

# A GET under the prefix is answered by the daemon, as JSON of the request.
case_offload_echo() {
	offload_setup || return 1
	pid=$(daemon_start echo) || return 1
	daemon_wait echo || return 1
	out=$(curl -sS --max-time 10 -H 'X-Test: "quoted"' \
		-o "$WORK/echo" -w '%{http_code} %{content_type} %{time_total}' \
		"$URL/rest/items?id=7&x=%41") || return 1
	expect_eq "status, type" "${out% *}" "200 application/json" || return 1
	# sent when the daemon answered, not at the client's retransmission
	# timeout (200 ms at least)
	"$PY" -c "import sys; sys.exit(${out##* } >= 0.2)" ||
		{ ktap_diag "took ${out##* } s"; return 1; }
	"$PY" - "$WORK/echo" "$NDIV_LAB_HOST_IP" "$NDIV_LAB_GUEST_IP" <<'PYEOF' || return 1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["method"] == "GET", d
assert d["path"] == "/rest/items", d
assert d["query"] == "id=7&x=%41", d
assert d["version"] == "HTTP/1.1", d
assert d["client"] == sys.argv[2], d
h = {k.lower(): v for k, v in d["headers"]}
assert h["x-test"] == '"quoted"', h
assert h["host"] == sys.argv[3], h
PYEOF
	# IPv6: the client's address as IPv6
	out=$(curl -sS --max-time 10 -g "http://[$NDIV_LAB_GUEST_IP6]/rest/six") ||
		return 1
	echo "$out" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
assert d["path"] == "/rest/six" and d["client"] == sys.argv[1], d
' "$NDIV_LAB_HOST_IP6" || return 1
	# HEAD: the same response without its body
	out=$(curl -sS --max-time 10 -I -o /dev/null -w '%{http_code}' \
		"$URL/rest/x") || return 1
	expect_eq "HEAD" "$out" 200 || return 1
	# other paths are slhttpd's own
	out=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' \
		"$URL/?s=10") || return 1
	expect_eq "not offloaded" "$out" 200 || return 1
	expect_ge "answered" "$(ring_cnt echo answered)" 2 || return 1
	G kill "$pid"
}

# No daemon: 503 with Retry-After, at once.
case_offload_no_daemon_503() {
	offload_setup || return 1
	G sh -c 'pkill -x ndiv-offloadd; true'
	i=0
	while [ "$(G ndivctl -j ring show echo | "$PY" -c '
import json, sys; print(json.load(sys.stdin)[0]["pid"])')" != None ] &&
		[ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	fb0=$(ring_cnt echo fallback)
	out=$(curl -sS --max-time 5 -D "$WORK/h" -o /dev/null \
		-w '%{http_code} %{time_total}' "$URL/rest/a") || return 1
	expect_eq "status" "${out% *}" 503 || return 1
	grep -qi '^Retry-After: 1' "$WORK/h" ||
		{ ktap_diag "no Retry-After"; return 1; }
	# at once: no retransmission timeout (200 ms) on the way
	"$PY" -c "import sys; sys.exit(${out#* } >= 0.2)" ||
		{ ktap_diag "took ${out#* } s"; return 1; }
	expect_ge "fallback" "$(ring_cnt echo fallback)" $((fb0 + 1))
}

# A stopped daemon fills the ring: then 503 at once, other paths serve.
case_offload_ring_full_503() {
	G ndivctl ring add tiny slots 8 slot-size 1k 2>/dev/null
	G ndivctl slhttpd offload add prefix /tiny/ ring tiny 2>/dev/null
	pid=$(daemon_start tiny) || return 1
	daemon_wait tiny || return 1
	G kill -STOP "$pid"
	# 2 CPUs x 8 slots: 40 requests are more than the ring holds
	for i in $(seq 40); do
		curl -s --max-time 8 -o /dev/null -w '%{http_code}\n' \
			"$URL/tiny/$i" >>"$WORK/full" &
	done
	sleep 1
	out=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' \
		"$URL/?s=100") || return 1
	expect_eq "other path while full" "$out" 200 || return 1
	expect_ge "ring_full" "$(ring_cnt tiny ring_full)" 1 || return 1
	G kill -CONT "$pid"
	G ndivctl -j ring show tiny
	wait
	n503=$(grep -c '^503$' "$WORK/full")
	n200=$(grep -c '^200$' "$WORK/full")
	expect_ge "503s" "$n503" 1 || return 1
	expect_eq "all answered" "$((n503 + n200))" 40 || return 1
	G kill "$pid"
	G ndivctl slhttpd offload del prefix /tiny/
	G ndivctl ring del tiny
}

# kill -9 with requests held: each gets 503 within a second, and a
# restarted daemon serves again at once.
case_offload_kill9_failover() {
	offload_setup || return 1
	pid=$(daemon_start echo) || return 1
	daemon_wait echo || return 1
	G kill -STOP "$pid"
	for i in 1 2 3 4; do
		curl -s --max-time 10 -o /dev/null \
			-w '%{http_code} %{time_total}\n' \
			"$URL/rest/held$i" >>"$WORK/held" &
	done
	sleep 1.5
	t0=$(date +%s.%N)
	G kill -9 "$pid"
	wait
	t1=$(date +%s.%N)
	cat "$WORK/held"
	expect_eq "all 503" "$(cut -d' ' -f1 "$WORK/held" | sort -u)" 503 ||
		return 1
	"$PY" -c "import sys; sys.exit($t1 - $t0 > 1.0)" ||
		{ ktap_diag "answered $("$PY" -c "print($t1 - $t0)") s after kill"; return 1; }
	pid=$(daemon_start echo) || return 1
	daemon_wait echo || return 1
	out=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
		"$URL/rest/again") || return 1
	expect_eq "after restart" "$out" 200 || return 1
	G kill "$pid"
}

# slhttpd unloads while a daemon is attached; the daemon keeps its ring;
# ndiv cannot unload while the daemon holds /dev/ndiv-ring.
case_rmmod_with_daemon() {
	offload_setup || return 1
	pid=$(daemon_start echo) || return 1
	daemon_wait echo || return 1
	G ndivctl link detach dev "$DEV" || return 1
	G rmmod slhttpd || { ktap_diag "rmmod slhttpd failed"; return 1; }
	G kill -0 "$pid" || { ktap_diag "daemon died"; return 1; }
	G rmmod ndiv 2>/dev/null && { ktap_diag "ndiv unloaded"; return 1; }
	G kill "$pid"
	G modprobe slhttpd && G ndivctl link attach dev "$DEV" app slhttpd
}

# kill -9 under wrk: every request is answered 200 or 503, none hangs,
# and a restarted daemon serves again within a second.
case_offload_kill9_under_wrk() {
	offload_setup || return 1
	pid=$(daemon_start echo) || return 1
	daemon_wait echo || return 1
	wrk -t2 -c8 -d6s --timeout 3s -s "$LAB/ring_wrk.lua" \
		"$URL/rest/load" >"$WORK/wrk" 2>&1 &
	wpid=$!
	sleep 2
	G kill -9 "$pid"
	sleep 1
	pid=$(daemon_start echo) || return 1
	daemon_wait echo || return 1
	out=$(curl -sS --max-time 1 -o /dev/null -w '%{http_code}' \
		"$URL/rest/after") || { ktap_diag "not served within 1 s"; return 1; }
	expect_eq "after restart" "$out" 200 || return 1
	wait "$wpid"
	cat "$WORK/wrk"
	grep -q '^timeouts 0 errors 0$' "$WORK/wrk" ||
		{ ktap_diag "requests hung or failed"; return 1; }
	other=$(awk '$1 == "status" && $2 != 200 && $2 != 503' "$WORK/wrk")
	expect_eq "statuses other than 200 and 503" "$other" "" || return 1
	n200=$(awk '$1 == "status" && $2 == 200 { print $3 }' "$WORK/wrk")
	n503=$(awk '$1 == "status" && $2 == 503 { print $3 }' "$WORK/wrk")
	expect_ge "200s" "${n200:-0}" 1 || return 1
	expect_ge "503s (no daemon for a second)" "${n503:-0}" 1 || return 1
	G kill "$pid"
}

# A body longer than a slot comes in several descriptors and leaves in
# several segments: 700 quotes in a header are 1400 bytes of JSON.
case_offload_long_body() {
	G ndivctl ring add chain slot-size 1k 2>/dev/null
	G ndivctl slhttpd offload add prefix /chain/ ring chain 2>/dev/null
	pid=$(daemon_start chain) || return 1
	daemon_wait chain || return 1
	q=$("$PY" -c 'print("\"" * 700)')
	curl -sS --max-time 10 -H "X-Q: $q" -o "$WORK/long" \
		"$URL/chain/x" || return 1
	"$PY" - "$WORK/long" <<'PYEOF' || return 1
import json, sys
raw = open(sys.argv[1], "rb").read()
assert len(raw) > 1460, len(raw)
d = json.loads(raw)
h = {k.lower(): v for k, v in d["headers"]}
assert h["x-q"] == '"' * 700, len(h["x-q"])
PYEOF
	G kill "$pid"
}

# ndiv-offloadd --root: files byte for byte, types, index.html, and no
# way out of the tree (.., encoded .., symbolic links out, absolute ones).
case_offload_root() {
	r=$WORK/root
	mkdir -p "$r/files/sub" || return 1
	echo '<p>hi</p>' >"$r/files/index.html"
	echo '{"a":1}' >"$r/files/a.json"
	head -c 300000 /dev/urandom >"$r/files/big.bin"
	echo secret >"$WORK/secret.txt"
	ln -s ../../secret.txt "$r/files/out"
	ln -s /etc/hostname "$r/files/abs"
	G ndivctl ring add files 2>/dev/null
	G ndivctl slhttpd offload add prefix /files/ ring files 2>/dev/null
	pid=$(G sh -c "setsid ndiv-offloadd --ring files --root $r \
		>/tmp/offloadd-files.log 2>&1 </dev/null & echo \$!") || return 1
	daemon_wait files || return 1
	out=$(curl -sS --max-time 10 -o "$WORK/got" \
		-w '%{http_code} %{content_type}' "$URL/files/a.json") || return 1
	expect_eq "a.json" "$out" "200 application/json" || return 1
	cmp -s "$WORK/got" "$r/files/a.json" || { ktap_diag "a.json differs"; return 1; }
	out=$(curl -sS --max-time 10 -o "$WORK/got" \
		-w '%{http_code} %{content_type}' "$URL/files/") || return 1
	expect_eq "index" "$out" "200 text/html" || return 1
	cmp -s "$WORK/got" "$r/files/index.html" || return 1
	out=$(curl -sS --max-time 60 -o "$WORK/got" -w '%{http_code}' \
		"$URL/files/big.bin") || return 1
	expect_eq "big.bin" "$out" 200 || return 1
	cmp "$WORK/got" "$r/files/big.bin" || return 1
	for p in missing sub/x; do
		out=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
			"$URL/files/$p") || return 1
		expect_eq "$p" "$out" 404 || return 1
	done
	for p in ../../secret.txt %2e%2e/%2e%2e/secret.txt out abs sub; do
		out=$(curl -sS --max-time 10 --path-as-is -o "$WORK/got" \
			-w '%{http_code}' "$URL/files/$p") || return 1
		expect_eq "$p" "$out" 403 || return 1
		grep -q secret "$WORK/got" && { ktap_diag "$p escaped"; return 1; }
	done
	G kill "$pid"
}

# ndiv-offloadd --exec: CGI/1.1, the program's status, type and body; a
# failing program is a 502.
case_offload_exec() {
	cat >"$WORK/cgi.sh" <<'EOF'
#!/bin/sh
[ "$PATH_INFO" = /cgi/fail ] && exit 1
printf 'Content-Type: text/plain\r\nStatus: 201 Created\r\nContent-Length: 9\r\n\r\n'
echo "$REQUEST_METHOD $PATH_INFO $QUERY_STRING $REMOTE_ADDR $HTTP_X_TEST"
EOF
	chmod +x "$WORK/cgi.sh"
	G ndivctl ring add cgi 2>/dev/null
	G ndivctl slhttpd offload add prefix /cgi/ ring cgi 2>/dev/null
	pid=$(G sh -c "setsid ndiv-offloadd --ring cgi --exec $WORK/cgi.sh \
		>/tmp/offloadd-cgi.log 2>&1 </dev/null & echo \$!") || return 1
	daemon_wait cgi || return 1
	out=$(curl -sS --max-time 10 -H 'X-Test: t1' -o "$WORK/got" \
		-w '%{http_code} %{content_type}' "$URL/cgi/run?a=1") || return 1
	expect_eq "status, type" "$out" "201 text/plain" || return 1
	expect_eq "body" "$(cat "$WORK/got")" \
		"GET /cgi/run a=1 $NDIV_LAB_HOST_IP t1" || return 1
	out=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
		"$URL/cgi/fail") || return 1
	expect_eq "failing program" "$out" 502 || return 1
	G kill "$pid"
}

# Start a Python daemon (script $1, ring $2) in the guest; its pid.
py_start() {
	G sh -c "setsid $PY $1 $2 >/tmp/py-$2.log 2>&1 </dev/null & echo \$!"
}

# The Python binding's example, through slhttpd.
case_python_example() {
	G ndivctl ring add py 2>/dev/null
	G ndivctl slhttpd offload add prefix /py/ ring py 2>/dev/null
	pid=$(py_start "$TOP/tools/libndiv/python/hello_daemon.py" py) ||
		return 1
	daemon_wait py || { G cat /tmp/py-py.log; return 1; }
	out=$(curl -sS --max-time 10 "$URL/py/world") || return 1
	expect_eq "body" "$out" "hello world from $NDIV_LAB_HOST_IP" || return 1
	G kill "$pid"
}

# A daemon that writes what the kernel must refuse: every client gets a
# 502, each fault is counted, other paths keep being served.
case_hostile_daemon() {
	G ndivctl ring add evil 2>/dev/null
	G ndivctl slhttpd offload add prefix /evil/ ring evil 2>/dev/null
	pid=$(py_start "$LAB/ring_hostile.py" evil) || return 1
	daemon_wait evil || { G cat /tmp/py-evil.log; return 1; }
	inv0=$(ring_cnt evil invalid)
	for how in header smuggle span status; do
		out=$(curl -sS --max-time 10 -o "$WORK/evil" -w '%{http_code}' \
			"$URL/evil/$how") || return 1
		expect_eq "$how" "$out" 502 || return 1
		grep -q 'HTTP/1.1 200' "$WORK/evil" &&
			{ ktap_diag "$how: smuggled response"; return 1; }
	done
	expect_eq "invalid" "$(ring_cnt evil invalid)" $((inv0 + 4)) ||
		return 1
	out=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' \
		"$URL/?s=100") || return 1
	expect_eq "other path" "$out" 200 || return 1
	G kill "$pid"
}

mkdir -p "$TOP/build/tests"
WORK=$(mktemp -d "$TOP/build/tests/ring.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

CASES=${NDIV_RING_CASES:-"case_ring_add_show_del case_ring_netns_and_cap
case_ring_mmap_rights case_ring_takeover_never_ebusy case_ring_del_revokes
case_offload_echo case_offload_no_daemon_503 case_offload_ring_full_503
case_offload_kill9_failover case_offload_kill9_under_wrk
case_offload_long_body case_offload_root
case_offload_exec
case_python_example
case_hostile_daemon
case_rmmod_with_daemon"}
# shellcheck disable=SC2086
run_cases $CASES
