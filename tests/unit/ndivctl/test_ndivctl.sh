#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unit test of ndivctl against a fake sysfs tree (NDIV_SYSFS_ROOT) and a
# fake configfs tree for slhttpd and the proxy (NDIV_CONFIGFS_ROOT).
#
#   tests/unit/ndivctl/test_ndivctl.sh <path-to-ndivctl>
#
# Prints KTAP and exits non-zero if any case fails. Writes to the fake
# attributes just replace the file content, so only the read paths, the
# command line and the checks ndivctl makes before writing are tested here;
# the kernel's answers to writes are tested in the VM lab.
set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 <path-to-ndivctl>" >&2
	exit 2
fi
NDIVCTL=$(realpath "$1")
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$TOP/tests/lib/ktap.sh"
# slhttpd's limits, which ndivctl and the module share through this header
slh_limit() {
	sed -n "s/^#define $1[[:space:]]*\([0-9]*\)$/\1/p" \
		"$TOP/ndiv/include/uapi/linux/ndiv_slhttpd.h"
}
PATH_MAX=$(slh_limit SLHTTPD_OBJ_PATH_MAX)
TYPE_MAX=$(slh_limit SLHTTPD_OBJ_TYPE_MAX)
LOC_MAX=$(slh_limit SLHTTPD_OBJ_LOCATION_MAX)
PY=/usr/bin/python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
chmod 755 "$TMP"
ROOT=$TMP/sys
CFG=$TMP/config
SLH=$CFG/slhttpd
SLH_STATS=$ROOT/kernel/ndiv/slhttpd/stats
PRX=$CFG/ndiv-proxy
PRX_STATS=$ROOT/kernel/ndiv/proxy/stats
NET=$ROOT/class/net
OUT=$TMP/out
ERR=$TMP/err
RC=0
U64_MAX=18446744073709551615
HOOKLESS_E1000="Error: eth1: the loaded e1000 is not ndiv's build; install and load ndiv's e1000 (make install, then reload the module) or use generic mode ('mode generic')"

# ---- the fake sysfs tree ----------------------------------------------

# counters DIR rx_packets rx_bytes pass drop tx tx_err aborted
counters() {
	d=$1
	shift
	mkdir -p "$d"
	for c in rx_packets rx_bytes pass drop tx tx_err aborted; do
		echo "$1" >"$d/$c"
		shift
	done
}

# netdev NAME IFINDEX DRIVER HOOK MODE APP OPERSTATE (DRIVER "-": none)
netdev() {
	d=$NET/$1
	mkdir -p "$d/ndiv"
	echo "$2" >"$d/ifindex"
	echo 1 >"$d/type"
	echo "$7" >"$d/operstate"
	echo "52:54:00:12:34:0$2" >"$d/address"
	if [ "$3" != - ]; then
		mkdir -p "$ROOT/bus/pci/drivers/$3" "$d/device"
		ln -s "../../../../bus/pci/drivers/$3" "$d/device/driver"
	fi
	echo "$4" >"$d/ndiv/hook"
	if [ "$4" = none ]; then echo; else echo tx; fi >"$d/ndiv/caps"
	mkdir -p "$d/queues/rx-0" "$d/queues/tx-0"
	echo "$5" >"$d/ndiv/mode"
	echo "$6" >"$d/ndiv/app"
	counters "$d/ndiv/stats" 0 0 0 0 0 0 0
}

# eth0: bound, three RX queues whose counters add up to the totals;
# eth2: unbound but has counted (U64_MAX); the others: idle.
make_tree() {
	rm -rf "$ROOT"
	mkdir -p "$ROOT/kernel/ndiv" "$NET"
	printf 'bench-reflect\ndrop-all\n' >"$ROOT/kernel/ndiv/apps"
	echo 1 >"$ROOT/kernel/ndiv/hook_abi"
	echo "+bond0" >"$NET/bonding_masters"
	netdev eth2 4 virtio_net virtio_net native none up
	netdev lo 1 - none native none unknown
	echo 772 >"$NET/lo/type"
	netdev eth0 2 e1000e e1000e native bench-reflect up
	netdev eth1 3 e1000 none native none down
	netdev veth0 10 - none generic none up
	counters "$NET/eth0/ndiv/stats" 151 9664 60 20 61 3 10
	counters "$NET/eth0/ndiv/queues/rx-0" 100 6400 10 20 60 3 10
	counters "$NET/eth0/ndiv/queues/rx-1" 50 3200 50 0 0 0 0
	counters "$NET/eth0/ndiv/queues/rx-10" 1 64 0 0 1 0 0
	counters "$NET/eth2/ndiv/stats" $U64_MAX 0 $U64_MAX 0 0 0 0
	mkdir -p "$NET/eth2/queues/rx-1" "$NET/eth2/queues/tx-1"
	echo "tx multibuf" >"$NET/eth2/ndiv/caps"
	make_slhttpd
	make_proxy
}

# slhttpd's counters in the kernel's order, shuffled on disk by ls order
SLH_COUNTERS="pass malformed bad_csum vlan_stripped syn synack cookie_bad
rst_sent rst_rcvd ack fin req resp_2xx resp_3xx resp_4xx resp_5xx
resp_multi resume req_acked segs_emitted emit_fail pipeline_defer old_key"

# slh_object NAME PATH TYPE STATUS LOCATION SIZE ENABLE
slh_object() {
	d=$SLH/objects/$1
	mkdir -p "$d"
	echo "$2" >"$d/path"
	echo "$3" >"$d/type"
	echo "$4" >"$d/status"
	echo "$5" >"$d/location"
	echo "$6" >"$d/size"
	echo "$7" >"$d/enable"
	: >"$d/body"
}

# slhttpd loaded: counters numbered 1, 2, ... in order, old_key U64_MAX
make_slhttpd() {
	rm -rf "$CFG"
	mkdir -p "$SLH_STATS" "$SLH/objects"
	i=0
	for c in $SLH_COUNTERS; do
		i=$((i + 1))
		echo "$i" >"$SLH_STATS/$c"
	done
	echo $U64_MAX >"$SLH_STATS/old_key"
	echo "80 8080" >"$SLH/ports"
	echo drop >"$SLH/invalid"
	echo 600 >"$SLH/rotate"
	echo "198.18.0.2 2001:2::2" >"$SLH/addresses"
	echo 1 >"$SLH/date"
	printf '/rest/ api\n/rest/v2/ api2\n' >"$SLH/offload"
	slh_object index /index.html "text/html; charset=utf-8" 200 "" 1234 1
	slh_object old /old.html text/plain 301 http://x.test/new 0 0
}

# proxy loaded: its configuration with the defaults, two backends
make_proxy() {
	rm -rf "$PRX"
	mkdir -p "$PRX_STATS" "$PRX/backends/be1" "$PRX/backends/be2"
	echo 3 >"$PRX_STATS/flow_new"
	echo 3 >"$PRX_STATS/flow_freed"
	echo none >"$PRX/vip"
	echo 80 >"$PRX/port"
	echo 60 >"$PRX/timeout"
	echo roundrobin >"$PRX/balance"
	echo 1024 >"$PRX/max_flows"
	echo 50000 >"$PRX/sport_min"
	echo 198.18.0.11 >"$PRX/backends/be1/addr"
	echo 80 >"$PRX/backends/be1/port"
	echo 1 >"$PRX/backends/be1/weight"
	echo 0 >"$PRX/backends/be1/backup"
	echo 0 >"$PRX/backends/be1/max_conn"
	echo none >"$PRX/backends/be2/addr"
	echo 0 >"$PRX/backends/be2/port"
	echo 3 >"$PRX/backends/be2/weight"
	echo 1 >"$PRX/backends/be2/backup"
	echo 100 >"$PRX/backends/be2/max_conn"
}

# ---- helpers: a failing check ends its case (each runs in a subshell) --

fail() {
	echo "$*"
	echo "stdout:"
	cat "$OUT"
	echo "stderr:"
	cat "$ERR"
	exit 1
}

ndivctl() {
	NDIV_SYSFS_ROOT=$ROOT NDIV_CONFIGFS_ROOT=$CFG "$NDIVCTL" "$@" \
		>"$OUT" 2>"$ERR"
	RC=$?
}

expect_rc() {
	[ "$RC" -eq "$1" ] || fail "exit status $RC, expected $1"
}

expect_out() {
	[ "$(cat "$OUT")" = "$1" ] || fail "stdout is not: $1"
}

expect_err() {
	[ "$(cat "$ERR")" = "$1" ] || fail "stderr is not: $1"
}

expect_out_has() {
	grep -qF -- "$1" "$OUT" || fail "stdout lacks: $1"
}

expect_out_lacks() {
	grep -qF -- "$1" "$OUT" && fail "stdout has: $1"
	return 0
}

expect_err_has() {
	grep -qF -- "$1" "$ERR" || fail "stderr lacks: $1"
}

expect_file() {
	[ "$(cat "$1")" = "$2" ] || fail "$1 is '$(cat "$1")', expected '$2'"
}

# ndivctl, expecting status $1, empty stdout and stderr $2
expect_error() {
	want_rc=$1
	want_err=$2
	shift 2
	ndivctl "$@"
	expect_rc "$want_rc"
	expect_out ""
	expect_err "$want_err"
}

# json_check EXPR [ARG...]: stdout is valid JSON and the Python EXPR over
# it (d, the parsed value; a, the extra arguments) holds.
json_check() {
	"$PY" -m json.tool "$OUT" >/dev/null || fail "stdout is not JSON"
	expr=$1
	shift
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = sys.argv[3:]
sys.exit(0 if eval(sys.argv[2]) else 1)
' "$OUT" "$expr" "$@" || fail "JSON check failed: $expr"
}

# ---- the cases ----------------------------------------------------------

t_version() {
	ndivctl -V
	expect_rc 0
	grep -q '^ndivctl [0-9]' "$OUT" || fail "no version"
	ndivctl --version
	expect_rc 0
}

t_help() {
	for args in help -h --help "link help" "app help" "stats help" \
		    "link attach help"; do
		# shellcheck disable=SC2086 # split into arguments
		ndivctl $args
		expect_rc 0
		expect_out_has "Usage: ndivctl"
	done
	ndivctl help
	expect_out_has "ndivctl link attach dev DEV app APP"
}

t_no_args() {
	ndivctl
	expect_rc 1
	expect_out ""
	grep -q "Usage: ndivctl" "$ERR" || fail "no usage on stderr"
}

t_usage_errors() {
	expect_error 1 "Error: unknown object 'frob'; see 'ndivctl help'" frob
	expect_error 1 "Error: unknown option '-x'; see 'ndivctl help'" \
		-x link show
	expect_error 1 "Error: unknown option '--frob'; see 'ndivctl help'" \
		--frob link show
	expect_error 1 "Error: option '--json' takes no value; see 'ndivctl help'" \
		--json=yes link show
	expect_error 1 "Error: unknown option '-x'; see 'ndivctl help'" \
		link show -x
	expect_error 1 "Error: unknown command 'frob'; see 'ndivctl link help'" \
		link frob
	expect_error 1 "Error: unknown argument 'eth0'; see 'ndivctl link help'" \
		link show eth0
	expect_error 1 "Error: unknown argument 'x'; see 'ndivctl app help'" \
		app list x
	expect_error 1 "Error: unknown argument 'eth0'; see 'ndivctl stats help'" \
		stats eth0
}

t_missing_values() {
	expect_error 1 "Error: 'dev' needs a value; see 'ndivctl link help'" \
		link attach dev
	expect_error 1 "Error: 'attach' needs 'app APP'; see 'ndivctl link help'" \
		link attach dev eth0
	expect_error 1 "Error: 'attach' needs 'dev DEV'; see 'ndivctl link help'" \
		link attach app drop-all
	expect_error 1 "Error: 'detach' needs 'dev DEV'; see 'ndivctl link help'" \
		link detach
	expect_error 1 "Error: 'dev' given twice; see 'ndivctl link help'" \
		link show dev eth0 dev eth1
	expect_error 1 "Error: mode must be 'native' or 'generic', not 'turbo'; see 'ndivctl link help'" \
		link attach dev eth0 app drop-all mode turbo
	expect_error 1 "Error: 'none' is not an app; to unbind use 'ndivctl link detach dev eth0'; see 'ndivctl link help'" \
		link attach dev eth0 app none
}

t_not_loaded() {
	rm -rf "$ROOT/kernel/ndiv"
	msg="Error: ndiv is not loaded; run 'modprobe ndiv'"
	expect_error 2 "$msg" app list
	expect_error 2 "$msg" link show
	expect_error 2 "$msg" -j stats
	expect_error 2 "$msg" link attach dev eth0 app drop-all
	expect_error 2 "$msg" link detach dev eth0
}

t_app_list() {
	ndivctl app list
	expect_rc 0
	expect_out "bench-reflect
drop-all"
	ndivctl a s
	expect_rc 0
	expect_out "bench-reflect
drop-all"
}

t_app_list_json() {
	ndivctl -j app show
	expect_rc 0
	json_check 'd == [{"name": "bench-reflect"}, {"name": "drop-all"}]'
	ndivctl --json --pretty app
	expect_rc 0
	json_check 'len(d) == 2'
}

t_app_list_empty() {
	: >"$ROOT/kernel/ndiv/apps"
	ndivctl app list
	expect_rc 0
	expect_out ""
	ndivctl -j app list
	expect_rc 0
	expect_out "[]"
}

t_link_show_text() {
	ndivctl link show
	expect_rc 0
	[ "$(cut -d' ' -f1 "$OUT" | tr '\n' ' ')" = "lo eth0 eth1 eth2 veth0 " ] ||
		fail "devices not in ifindex order"
	expect_out_has "eth0   ifindex 2   driver e1000e      hook e1000e      mode native   app bench-reflect  state up"
	expect_out_has "eth1   ifindex 3   driver e1000       hook none        mode native   app none           state down"
	expect_out_has "veth0  ifindex 10  driver -           hook none        mode generic  app none           state up"
	expect_out_lacks "bonding_masters"
}

t_link_show_json() {
	ndivctl -j link show
	expect_rc 0
	json_check '[x["ifname"] for x in d] == a' lo eth0 eth1 eth2 veth0
	json_check 'd[1] == {"ifname": "eth0", "ifindex": 2, "driver": "e1000e", "hook": "e1000e", "mode": "native", "app": "bench-reflect", "operstate": "up"}'
	json_check 'd[2]["app"] is None and d[2]["hook"] is None'
	json_check 'd[4]["driver"] is None and d[4]["mode"] == "generic"'
	ndivctl link show -j
	expect_rc 0
	json_check '[x["ifname"] for x in d] == a' lo eth0 eth1 eth2 veth0
	ndivctl -p link show
	expect_rc 0
	json_check 'len(d) == 5'
	[ "$(wc -l <"$OUT")" -gt 5 ] || fail "-p did not indent"
}

t_link_show_dev() {
	ndivctl link show dev eth1
	expect_rc 0
	expect_out "eth1  ifindex 3  driver e1000  hook none  mode native  app none  state down"
	ndivctl l s d eth1
	expect_rc 0
	expect_out "eth1  ifindex 3  driver e1000  hook none  mode native  app none  state down"
	ndivctl link
	expect_rc 0
	[ "$(wc -l <"$OUT")" -eq 5 ] || fail "'link' is not 'link show'"
	ndivctl -j link show dev eth0
	expect_rc 0
	json_check 'len(d) == 1 and d[0]["app"] == "bench-reflect"'
}

t_features_text() {
	ndivctl features dev eth0
	expect_rc 0
	expect_out "Features for eth0:
driver: e1000e
hook: native (e1000e)
hook-abi: 1
mode: native
app: bench-reflect
rx-queues: 1
tx-queues: 1
native: on
tx: on
multi-buffer: off
generic: on"
	ndivctl features show dev eth1
	expect_rc 0
	expect_out_has "hook: none (this e1000 is not ndiv's build: install and load ndiv's e1000 for native mode)"
	expect_out_has "native: off"
	# a driver ndiv has no build of
	mkdir -p "$ROOT/bus/pci/drivers/r8169"
	ln -sfn ../../../../bus/pci/drivers/r8169 "$NET/eth1/device/driver"
	ndivctl features show dev eth1
	expect_rc 0
	expect_out_has "hook: none (generic mode only)"
	expect_error 2 "Error: eth1: driver r8169 has no ndiv hook; use generic mode ('mode generic'), or a NIC whose driver ndiv hooks ('ndivctl features')" \
		link attach dev eth1 app drop-all
	ndivctl f d lo
	expect_rc 0
	expect_out_has "hook: none (ndiv cannot run here)"
	expect_out_has "generic: off"
	expect_out_has "tx: off"
	ndivctl features
	expect_rc 0
	[ "$(grep -c '^Features for ' "$OUT")" -eq 5 ] ||
		fail "'features' does not list every device"
}

t_features_json() {
	ndivctl -j features dev eth2
	expect_rc 0
	json_check 'd == [{"ifname": "eth2", "driver": "virtio_net", "hook": "virtio_net", "ndiv_build": True, "hook_abi": 1, "mode": "native", "app": None, "rx_queues": 2, "tx_queues": 2, "native": True, "tx": True, "multibuf": True, "generic": True}]'
	ndivctl -j features
	expect_rc 0
	json_check '[x["ifname"] for x in d] == a' lo eth0 eth1 eth2 veth0
	json_check 'd[4]["hook"] is None and d[4]["native"] is False and d[4]["tx"] is True'
	json_check 'd[2]["ndiv_build"] is True and d[4]["ndiv_build"] is False'
}

# ndivctl's list of drivers ndiv has a build of is the source tree's.
t_features_driver_list() {
	list=$(sed -n '/^static const char \* const ndiv_drivers\[\] = {$/,/^};$/p' \
		"$TOP/tools/ndivctl/features.c" | grep -o '"[a-z0-9_]*"' |
		tr -d '"' | sort | tr '\n' ' ')
	tree=$(for d in "$TOP"/drivers/*/sources; do
		basename "$(dirname "$d")"; done | sort | tr '\n' ' ')
	[ -n "$list" ] || fail "no driver list in features.c"
	[ "$list" = "$tree" ] ||
		fail "features.c lists '$list', drivers/ has '$tree'"
}

t_features_errors() {
	expect_error 2 "Error: eth9: no such device" features dev eth9
	ndivctl features dev
	expect_rc 1
	expect_err_has "'dev' needs a value"
	ndivctl features frob
	expect_rc 1
	expect_err_has "unknown command 'frob'"
	rm "$ROOT/kernel/ndiv/hook_abi"
	ndivctl features dev eth0
	expect_rc 2
	expect_err_has "ndiv module is older than ndivctl"
	echo 1 >"$ROOT/kernel/ndiv/hook_abi"
	rm "$NET/eth0/ndiv/caps"
	ndivctl features dev eth0
	expect_rc 2
	expect_err_has "eth0: cannot read ndiv attributes"
}

t_no_such_device() {
	expect_error 2 "Error: eth9: no such device" link show dev eth9
	expect_error 2 "Error: ../../kernel: no such device" \
		link show dev ../../kernel
	expect_error 2 "Error: bonding_masters: no such device" \
		stats dev bonding_masters
	expect_error 2 "Error: eth9: no such device" \
		link attach dev eth9 app drop-all
	expect_error 2 "Error: eth9: no such device" link detach dev eth9
	expect_error 2 "Error: eth9: no such device" stats dev eth9
}

t_json_escaping() {
	# shellcheck disable=SC1003 # a name that ends in a backslash
	weird='we"ird\'
	netdev "$weird" 20 - none native none up
	netdev "$(printf 'bad\377')" 21 - none native none up
	netdev "$(printf 'ctl\001')" 22 - none native none up
	printf 'drop-all\ntab\there\n' >"$ROOT/kernel/ndiv/apps"
	ndivctl -j link show
	expect_rc 0
	json_check 'd[5]["ifname"] == a[0]' "$weird"
	json_check 'd[6]["ifname"] == "bad\ufffd"'
	json_check 'd[7]["ifname"] == "ctl\x01"'
	grep -qF 'ctl\u0001' "$OUT" || fail "control character not escaped"
	ndivctl -j -p link show
	expect_rc 0
	json_check 'len(d) == 8'
	ndivctl -j app list
	json_check '[x["name"] for x in d] == a' drop-all tab here
}

t_attach_unknown_app() {
	expect_error 2 "Error: foo: no such ndiv app; 'ndivctl app list' shows the registered apps, load its module first" \
		link attach dev eth0 app foo
	expect_file "$NET/eth0/ndiv/app" bench-reflect
}

t_attach_hookless() {
	expect_error 2 "$HOOKLESS_E1000" link attach dev eth1 app drop-all
	expect_error 2 "$HOOKLESS_E1000" \
		link attach dev eth1 app drop-all mode native
	expect_error 2 "Error: veth0: device has no driver with an ndiv hook; use generic mode ('mode generic')" \
		link attach dev veth0 app drop-all mode native
	expect_error 2 "Error: lo: device has no ndiv hook, and generic mode works only on Ethernet devices" \
		link attach dev lo app drop-all
	expect_error 2 "Error: lo: generic mode works only on Ethernet devices" \
		link attach dev lo app drop-all mode generic
	expect_file "$NET/lo/ndiv/mode" native
	expect_file "$NET/veth0/ndiv/mode" generic
	expect_file "$NET/eth1/ndiv/app" none
	expect_file "$NET/eth1/ndiv/mode" native
}

t_attach_generic() {
	ndivctl link attach dev eth1 app drop-all mode generic
	expect_rc 0
	expect_out ""
	expect_err ""
	expect_file "$NET/eth1/ndiv/mode" generic
	expect_file "$NET/eth1/ndiv/app" drop-all
	# already generic: no mode needed
	ndivctl link attach dev veth0 app drop-all
	expect_rc 0
	expect_file "$NET/veth0/ndiv/app" drop-all
}

t_attach_native() {
	touch -d 2000-01-01 "$NET/eth2/ndiv/mode"
	ndivctl link attach dev eth2 app drop-all mode native
	expect_rc 0
	expect_out ""
	expect_err ""
	expect_file "$NET/eth2/ndiv/app" drop-all
	[ -z "$(find "$NET/eth2/ndiv/mode" -newermt 2001-01-01)" ] ||
		fail "mode written although unchanged"
	# swap
	ndivctl l a d eth0 a drop-all
	expect_rc 0
	expect_file "$NET/eth0/ndiv/app" drop-all
}

t_attach_mode_busy() {
	expect_error 3 "Error: eth0: cannot switch to generic mode while app bench-reflect is bound; run 'ndivctl link detach dev eth0' first" \
		link attach dev eth0 app drop-all mode generic
	expect_file "$NET/eth0/ndiv/mode" native
	expect_file "$NET/eth0/ndiv/app" bench-reflect
}

t_detach() {
	ndivctl link detach dev eth0
	expect_rc 0
	expect_out ""
	expect_err ""
	expect_file "$NET/eth0/ndiv/app" none
	# nothing bound: no error, no output, no write
	touch -d 2000-01-01 "$NET/eth1/ndiv/app"
	ndivctl link detach dev eth1
	expect_rc 0
	expect_out ""
	expect_err ""
	[ -z "$(find "$NET/eth1/ndiv/app" -newermt 2001-01-01)" ] ||
		fail "app written although nothing was bound"
}

# ndivctl without the root's right to write anything (skip if impossible)
ndivctl_unprivileged() {
	if [ "$(id -u)" -ne 0 ]; then
		ndivctl "$@"
		return
	fi
	command -v setpriv >/dev/null || { echo "root and no setpriv"; exit 77; }
	NDIV_SYSFS_ROOT=$ROOT NDIV_CONFIGFS_ROOT=$CFG \
		setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$NDIVCTL" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

t_permission() {
	chmod 444 "$NET/eth0/ndiv/app"
	ndivctl_unprivileged link detach dev eth0
	expect_rc 3
	expect_err "Error: eth0: cannot detach: Permission denied; run ndivctl as root"
}

t_attach_undo_mode() {
	chmod 444 "$NET/eth1/ndiv/app"
	chmod 666 "$NET/eth1/ndiv/mode"
	ndivctl_unprivileged link attach dev eth1 app drop-all mode generic
	expect_rc 3
	expect_err "Error: eth1: cannot attach app drop-all: Permission denied; run ndivctl as root"
	expect_file "$NET/eth1/ndiv/mode" native
	expect_file "$NET/eth1/ndiv/app" none
}

t_stats_default() {
	ndivctl stats
	expect_rc 0
	[ "$(grep -v '^ ' "$OUT" | tr '\n' ' ')" = "eth0: app bench-reflect eth2: app none " ] ||
		fail "not the active devices"
	expect_out_has "     ndiv_rx_packets: 151"
	expect_out_has "     ndiv_pass: $U64_MAX"
	expect_out_lacks "rx_queue_"
	[ "$(wc -l <"$OUT")" -eq 16 ] || fail "not 2 x (1 + 7) lines"
}

t_stats_json() {
	ndivctl -j stats
	expect_rc 0
	json_check '[x["ifname"] for x in d] == ["eth0", "eth2"]'
	json_check 'd[0] == {"ifname": "eth0", "app": "bench-reflect", "rx_packets": 151, "rx_bytes": 9664, "pass": 60, "drop": 20, "tx": 61, "tx_err": 3, "aborted": 10}'
	json_check 'd[1]["app"] is None and d[1]["rx_packets"] == 2**64 - 1'
	json_check '"queues" not in d[0]'
}

t_stats_queues_json() {
	ndivctl -j stats dev eth0 queues
	expect_rc 0
	json_check '[q["queue"] for q in d[0]["queues"]] == [0, 1, 10]'
	json_check 'd[0]["queues"][2] == {"queue": 10, "rx_packets": 1, "rx_bytes": 64, "pass": 0, "drop": 0, "tx": 1, "tx_err": 0, "aborted": 0}'
	json_check 'all(sum(q[k] for q in d[0]["queues"]) == d[0][k] for k in a)' \
		rx_packets rx_bytes pass drop tx tx_err aborted
	json_check 'all(s["rx_packets"] == s["pass"] + s["drop"] + s["tx"] + s["aborted"] for s in d[0]["queues"] + d)'
	ndivctl -j stats queues
	expect_rc 0
	json_check 'd[1]["queues"] == []'
}

t_stats_queues_text() {
	ndivctl stats show dev eth0 queues
	expect_rc 0
	expect_out_has "eth0: app bench-reflect"
	expect_out_has "     ndiv_tx: 61"
	expect_out_has "     rx_queue_0_ndiv_drop: 20"
	expect_out_has "     rx_queue_10_ndiv_tx: 1"
	[ "$(wc -l <"$OUT")" -eq 29 ] || fail "not 1 + 4 x 7 lines"
	ndivctl stats q
	expect_rc 0
	expect_out_has "     rx_queue_1_ndiv_pass: 50"
}

# A device bound to an app that publishes counters of its own shows them,
# after ndiv's, named <app>_<counter> (JSON: "app_stats").
t_stats_app_counters() {
	echo slhttpd >"$NET/eth1/ndiv/app"
	ndivctl stats dev eth1
	expect_rc 0
	expect_out_has "eth1: app slhttpd"
	expect_out_has "     slhttpd_syn: 5"
	expect_out_has "     slhttpd_old_key: $U64_MAX"
	[ "$(grep -n 'slhttpd_pass:' "$OUT" | cut -d: -f1)" -eq 9 ] ||
		fail "app counters not after ndiv's seven"
	ndivctl -j stats dev eth1
	expect_rc 0
	json_check 'list(d[0]["app_stats"])[:3] == ["pass", "malformed", "bad_csum"]'
	json_check 'd[0]["app_stats"]["req"] == 12 and len(d[0]["app_stats"]) == 23'
	ndivctl -j stats dev eth0
	expect_rc 0
	json_check '"app_stats" not in d[0]'
}

t_stats_idle_dev() {
	ndivctl stats dev eth1
	expect_rc 0
	expect_out_has "eth1: app none"
	expect_out_has "     ndiv_aborted: 0"
	ndivctl -j stats dev lo queues
	expect_rc 0
	json_check 'd[0]["ifname"] == "lo" and d[0]["queues"] == []'
}

t_stats_bad_counter() {
	echo garbage >"$NET/eth0/ndiv/stats/pass"
	expect_error 3 "Error: eth0: cannot read ndiv counters: Invalid argument" \
		stats
}

# ---- slhttpd --------------------------------------------------------------

SLH_NOT_LOADED="Error: slhttpd is not loaded; load it with 'modprobe slhttpd'"

t_slh_help() {
	for args in "slhttpd help" "slhttpd object help" "slhttpd set help" \
		    "slhttpd object add help" "slhttpd stats help"; do
		# shellcheck disable=SC2086 # split into arguments
		ndivctl $args
		expect_rc 0
		expect_out_has "ndivctl slhttpd object add NAME path PATH"
	done
	ndivctl help
	expect_out_has "ndivctl slhttpd set [ ports PORT[,PORT...] ]"
	expect_out_has "OBJECT := { app | link | features | stats | slhttpd | proxy |"
	expect_out_has "                  ring }"
}

t_slh_not_loaded() {
	rm -rf "$ROOT/kernel/ndiv/slhttpd"
	expect_error 2 "$SLH_NOT_LOADED" slhttpd show
	expect_error 2 "$SLH_NOT_LOADED" slhttpd stats
	expect_error 2 "$SLH_NOT_LOADED" slhttpd set date off
	expect_error 2 "$SLH_NOT_LOADED" slhttpd object list
	expect_error 2 "$SLH_NOT_LOADED" slhttpd object del index
	expect_error 2 "$SLH_NOT_LOADED" \
		slhttpd object add x path /x file /dev/null
	expect_file "$SLH/date" 1
}

t_slh_no_configfs_dir() {
	rm -rf "$SLH"
	expect_error 2 "Error: $SLH: no such directory although slhttpd is loaded; is configfs mounted on $CFG?" \
		slhttpd show
	# the counters are in sysfs: no configfs needed
	ndivctl slhttpd stats
	expect_rc 0
}

t_slh_show() {
	ndivctl slhttpd show
	expect_rc 0
	expect_out "ports 80,8080
invalid drop
rotate 600
addresses 198.18.0.2,2001:2::2
date on"
	echo >"$SLH/addresses"
	echo 0 >"$SLH/date"
	echo 443 >"$SLH/ports"
	ndivctl slhttpd
	expect_rc 0
	expect_out_has "ports 443"
	expect_out_has "addresses any"
	expect_out_has "date off"
}

t_slh_show_json() {
	ndivctl -j slhttpd show
	expect_rc 0
	json_check 'd == {"ports": [80, 8080], "invalid": "drop", "rotate": 600, "addresses": ["198.18.0.2", "2001:2::2"], "date": True}'
	echo >"$SLH/addresses"
	echo rst >"$SLH/invalid"
	ndivctl -p slhttpd show
	expect_rc 0
	json_check 'd["addresses"] == [] and d["invalid"] == "rst"'
	echo garbage >"$SLH/rotate"
	expect_error 3 "Error: slhttpd: cannot read the configuration: Invalid argument" \
		-j slhttpd show
}

t_slh_set() {
	ndivctl slhttpd set ports 81,8081 invalid rst rotate 10 \
		addresses 10.0.0.1,fe80::1,10.0.0.2 date off
	expect_rc 0
	expect_out ""
	expect_err ""
	expect_file "$SLH/ports" "81 8081"
	expect_file "$SLH/invalid" rst
	expect_file "$SLH/rotate" 10
	expect_file "$SLH/addresses" "10.0.0.1 fe80::1 10.0.0.2"
	expect_file "$SLH/date" 0
	ndivctl sl set a any d on r 86400
	expect_rc 0
	expect_file "$SLH/addresses" ""
	expect_file "$SLH/date" 1
	expect_file "$SLH/rotate" 86400
	# only what is given is written
	touch -d 2000-01-01 "$SLH/ports"
	ndivctl slhttpd set date off
	expect_rc 0
	[ -z "$(find "$SLH/ports" -newermt 2001-01-01)" ] ||
		fail "ports written although not given"
}

t_slh_set_errors() {
	see="; see 'ndivctl slhttpd help'"
	expect_error 1 "Error: 'set' needs at least one of 'ports', 'invalid', 'rotate', 'addresses' and 'date'$see" \
		slhttpd set
	ports="Error: ports must be 1 to 8 distinct numbers from 1 to 65535 separated by commas, not"
	for p in 0 65536 80,80 1,2,3,4,5,6,7,8,9 "80," ,80 80,,81 http \
		 "80 81" +80; do
		expect_error 1 "$ports '$p'$see" slhttpd set ports "$p"
	done
	expect_error 1 "Error: invalid must be 'drop' or 'rst', not 'reset'$see" \
		slhttpd set invalid reset
	for r in 9 86401 1m ""; do
		expect_error 1 "Error: rotate must be a number of seconds from 10 to 86400, not '$r'$see" \
			slhttpd set rotate "$r"
	done
	addrs="Error: addresses must be 'any' or up to 8 distinct IPv4 and 8 distinct IPv6 addresses separated by commas, not"
	for a in "" 1.2.3 1.2.3.4,1.2.3.4 ::1,::0:1 x.test "1.2.3.4 5.6.7.8" \
		 1,2,3,4,5,6,7,8,9 "1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9"; do
		expect_error 1 "$addrs '$a'$see" slhttpd set addresses "$a"
	done
	expect_error 1 "Error: date must be 'on' or 'off', not '1'$see" \
		slhttpd set date 1
	expect_error 1 "Error: 'date' given twice$see" \
		slhttpd set date on date off
	# one bad value: nothing is written
	expect_error 1 "Error: date must be 'on' or 'off', not 'yes'$see" \
		slhttpd set ports 81 date yes
	expect_file "$SLH/ports" "80 8080"
}

t_slh_set_refused() {
	chmod 444 "$SLH/rotate"
	ndivctl_unprivileged slhttpd set rotate 60
	expect_rc 3
	expect_err "Error: slhttpd: cannot set rotate to '60': Permission denied; run ndivctl as root"
}

t_slh_object_list() {
	ndivctl slhttpd object list
	expect_rc 0
	expect_out "index  path /index.html  status 200  size 1234  enabled yes  type text/html; charset=utf-8
old    path /old.html    status 301  size 0     enabled no   type text/plain  location http://x.test/new"
	ndivctl sl o
	expect_rc 0
	[ "$(wc -l <"$OUT")" -eq 2 ] || fail "'object' is not 'object list'"
	rm -rf "$SLH/objects/index" "$SLH/objects/old"
	ndivctl slhttpd object list
	expect_rc 0
	expect_out ""
}

t_slh_object_list_json() {
	ndivctl -j slhttpd object list
	expect_rc 0
	json_check 'd[0] == {"name": "index", "path": "/index.html", "type": "text/html; charset=utf-8", "status": 200, "location": None, "size": 1234, "enabled": True}'
	json_check 'd[1]["location"] == "http://x.test/new" and d[1]["enabled"] is False'
	rm -rf "$SLH/objects/index" "$SLH/objects/old"
	ndivctl -j slhttpd object list
	expect_rc 0
	expect_out "[]"
}

t_slh_object_add_errors() {
	see="; see 'ndivctl slhttpd help'"
	echo hello >"$TMP/body"
	expect_error 1 "Error: 'object add' needs a NAME$see" \
		slhttpd object add
	expect_error 1 "Error: 'object add' needs a NAME before 'path'$see" \
		slhttpd object add path /x file "$TMP/body"
	name="Error: an object name is 1 to 64 letters, digits, '.', '_' or '-', not starting with '.', not"
	for n in ../x .hidden "a b" "$(printf '%065d' 0)"; do
		expect_error 1 "$name '$n'$see" \
			slhttpd object add "$n" path /x file "$TMP/body"
	done
	expect_error 1 "Error: 'object add' needs 'path PATH'$see" \
		slhttpd object add x file "$TMP/body"
	expect_error 1 "Error: 'object add' needs 'file FILE'$see" \
		slhttpd object add x path /x
	for p in x "/a b" "/a?b" "/a#b" "/$(printf "%0${PATH_MAX}d" 0)"; do
		expect_error 1 "Error: path must start with '/' and be at most $PATH_MAX visible ASCII characters without '?' or '#', not '$p'$see" \
			slhttpd object add x path "$p" file "$TMP/body"
	done
	long=$(printf "%0$((TYPE_MAX + 1))d" 0)
	for t in "" "$long" "$(printf 'a\tb')"; do
		expect_error 1 "Error: type must be 1 to $TYPE_MAX printable ASCII characters, not '$t'$see" \
			slhttpd object add x path /x type "$t" file "$TMP/body"
	done
	for c in 199 600 2xx; do
		expect_error 1 "Error: status must be a number from 200 to 599, not '$c'$see" \
			slhttpd object add x path /x status "$c" file "$TMP/body"
	done
	long=$(printf "%0$((LOC_MAX + 1))d" 0)
	for l in "a b" "$long"; do
		expect_error 1 "Error: location must be at most $LOC_MAX visible ASCII characters, not '$l'$see" \
			slhttpd object add x path /x location "$l" file "$TMP/body"
	done
	[ "$(ls "$SLH/objects")" = "index
old" ] || fail "an object was made"
}

t_slh_object_add_refused() {
	echo hello >"$TMP/body"
	expect_error 3 "Error: index: object exists; delete it first with 'ndivctl slhttpd object del index'" \
		slhttpd object add index path /x file "$TMP/body"
	expect_error 2 "Error: $TMP/none: cannot read: No such file or directory" \
		slhttpd object add x path /x file "$TMP/none"
	head -c 524289 /dev/zero >"$TMP/big"
	expect_error 3 "Error: $TMP/big: larger than 524288 bytes, the most an object may have" \
		slhttpd object add x path /x file "$TMP/big"
	[ "$(ls "$SLH/objects")" = "index
old" ] || fail "an object was made"
	# configfs would have made the attributes; here mkdir makes none, so
	# writing path fails and ndivctl must remove the directory again
	expect_error 2 "Error: x: cannot set path to '/x': No such file or directory" \
		slhttpd object add x path /x file "$TMP/body"
	[ ! -e "$SLH/objects/x" ] || fail "failed add left its directory"
}

t_slh_object_del() {
	mkdir "$SLH/objects/empty"
	ndivctl slhttpd object del empty
	expect_rc 0
	expect_out ""
	expect_err ""
	[ ! -e "$SLH/objects/empty" ] || fail "not deleted"
	expect_error 2 "Error: nope: no such object; 'ndivctl slhttpd object list' shows the objects" \
		slhttpd object delete nope
	expect_error 1 "Error: 'object del' needs a NAME; see 'ndivctl slhttpd help'" \
		slhttpd object del
	expect_error 1 "Error: unknown argument 'x'; see 'ndivctl slhttpd help'" \
		slhttpd object del index x
}

t_slh_stats() {
	ndivctl slhttpd stats
	expect_rc 0
	[ "$(head -n 1 "$OUT")" = "slhttpd:" ] || fail "no header"
	# shellcheck disable=SC2086,SC2116 # the list on one line
	[ "$(sed -n '2,$s/^     \([a-z0-9_]*\): .*/\1/p' "$OUT" | tr '\n' ' ')" = "$(echo $SLH_COUNTERS) " ] ||
		fail "counters not in the kernel's order"
	expect_out_has "     pass: 1"
	expect_out_has "     emit_fail: 21"
	expect_out_has "     old_key: $U64_MAX"
	echo 7 >"$SLH_STATS/zz_new"
	echo 8 >"$SLH_STATS/aa_new"
	ndivctl slhttpd stats show
	expect_rc 0
	[ "$(tail -n 3 "$OUT" | tr -d ' \n')" = "old_key:${U64_MAX}aa_new:8zz_new:7" ] ||
		fail "unknown counters not last, by name"
}

t_slh_stats_json() {
	ndivctl -j slhttpd stats
	expect_rc 0
	# shellcheck disable=SC2086 # one argument per counter
	json_check 'list(d) == a' $SLH_COUNTERS
	json_check 'd["pass"] == 1 and d["resp_2xx"] == 13 and d["old_key"] == 2**64 - 1'
}

t_slh_stats_bad_counter() {
	echo garbage >"$SLH_STATS/syn"
	expect_error 3 "Error: slhttpd: cannot read counter syn: Invalid argument" \
		slhttpd stats
}

# ---- proxy ----------------------------------------------------------------

PRX_NOT_LOADED="Error: proxy is not loaded; load it with 'modprobe proxy'"

t_prx_help() {
	for args in "proxy help" "proxy backend help" "proxy set help" \
		    "proxy backend add help" "proxy backend set help" \
		    "proxy stats help"; do
		# shellcheck disable=SC2086 # split into arguments
		ndivctl $args
		expect_rc 0
		expect_out_has "ndivctl proxy backend add NAME addr ADDR port PORT [ weight W ] [ backup ]"
		expect_out_has "ndivctl proxy backend set NAME [ weight W ] [ backup { on | off } ] [ max-conn N ]"
		expect_out_has "[ balance { roundrobin | leastconn | hash-source | hash-uri } ]"
	done
	ndivctl help
	expect_out_has "ndivctl proxy set [ vip { ADDR | none } ]"
}

t_prx_not_loaded() {
	rm -rf "$ROOT/kernel/ndiv/proxy"
	expect_error 2 "$PRX_NOT_LOADED" proxy show
	expect_error 2 "$PRX_NOT_LOADED" proxy stats
	expect_error 2 "$PRX_NOT_LOADED" proxy set port 81
	expect_error 2 "$PRX_NOT_LOADED" proxy backend list
	expect_error 2 "$PRX_NOT_LOADED" proxy backend del be1
	expect_file "$PRX/port" 80
}

t_prx_show() {
	ndivctl proxy show
	expect_rc 0
	expect_out "vip none
port 80
timeout 60
balance roundrobin
max-flows 1024
sport-min 50000"
	ndivctl -j proxy show
	expect_rc 0
	json_check 'd == {"vip": None, "port": 80, "timeout": 60, "balance": "roundrobin", "max_flows": 1024, "sport_min": 50000}'
	echo 198.18.0.2 >"$PRX/vip"
	ndivctl -j proxy
	expect_rc 0
	json_check 'd["vip"] == "198.18.0.2"'
	echo hash-uri >"$PRX/balance"
	ndivctl -j proxy
	expect_rc 0
	json_check 'd["balance"] == "hash-uri"'
	echo garbage >"$PRX/balance"
	expect_error 3 "Error: proxy: cannot read balance: Invalid argument" \
		proxy show
	echo garbage >"$PRX/timeout"
	expect_error 3 "Error: proxy: cannot read timeout: Invalid argument" \
		proxy show
}

t_prx_set() {
	ndivctl proxy set vip 198.18.0.2 port 8080 timeout 5 max-flows 64 \
		sport-min 60000
	expect_rc 0
	expect_out ""
	expect_err ""
	expect_file "$PRX/vip" 198.18.0.2
	expect_file "$PRX/port" 8080
	expect_file "$PRX/timeout" 5
	expect_file "$PRX/max_flows" 64
	expect_file "$PRX/sport_min" 60000
	ndivctl proxy set vip none
	expect_rc 0
	expect_file "$PRX/vip" none
	for b in leastconn hash-source hash-uri roundrobin; do
		ndivctl proxy set balance "$b"
		expect_rc 0
		expect_file "$PRX/balance" "$b"
	done
}

t_prx_set_errors() {
	see="; see 'ndivctl proxy help'"
	expect_error 1 "Error: 'set' needs at least one of 'vip', 'port', 'timeout', 'balance', 'max-flows' and 'sport-min'$see" \
		proxy set
	for b in round-robin hash Leastconn ""; do
		expect_error 1 "Error: balance must be one of roundrobin, leastconn, hash-source and hash-uri, not '$b'$see" \
			proxy set balance "$b"
	done
	expect_file "$PRX/balance" roundrobin
	for v in 1.2.3 0.0.0.0 2001:2::2 x; do
		expect_error 1 "Error: vip must be an IPv4 address or 'none', not '$v'$see" \
			proxy set vip "$v"
	done
	for p in 0 65536 8o; do
		expect_error 1 "Error: port must be a number from 1 to 65535, not '$p'$see" \
			proxy set port "$p"
	done
	expect_error 1 "Error: timeout must be a number of seconds from 1 to 86400, not '0'$see" \
		proxy set timeout 0
	expect_error 1 "Error: max-flows must be a number from 16 to 16384, not '16385'$see" \
		proxy set max-flows 16385
	expect_error 1 "Error: sport-min must be a port from 1024 to 65535, not '80'$see" \
		proxy set sport-min 80
	expect_file "$PRX/port" 80
}

t_prx_backend_list() {
	ndivctl proxy backend list
	expect_rc 0
	expect_out "be1  addr 198.18.0.11  port 80  weight 1  backup off  max-conn 0
be2  addr none  port 0  weight 3  backup on  max-conn 100"
	ndivctl -j proxy backend list
	expect_rc 0
	json_check 'd == [{"name": "be1", "addr": "198.18.0.11", "port": 80, "weight": 1, "backup": False, "max_conn": 0}, {"name": "be2", "addr": None, "port": 0, "weight": 3, "backup": True, "max_conn": 100}]'
	echo x >"$PRX/backends/be2/weight"
	expect_error 3 "Error: be2: cannot read the backend: Invalid argument" \
		proxy backend list
}

t_prx_backend_set() {
	see="; see 'ndivctl proxy help'"
	ndivctl proxy backend set be1 weight 256 backup on max-conn 1000000
	expect_rc 0
	expect_out ""
	expect_file "$PRX/backends/be1/weight" 256
	expect_file "$PRX/backends/be1/backup" 1
	expect_file "$PRX/backends/be1/max_conn" 1000000
	ndivctl proxy backend set be1 backup off max-conn 0
	expect_rc 0
	expect_file "$PRX/backends/be1/backup" 0
	expect_file "$PRX/backends/be1/max_conn" 0
	expect_file "$PRX/backends/be1/weight" 256
	expect_error 1 "Error: 'backend set' needs a NAME$see" proxy backend set
	expect_error 1 "Error: 'backend set' needs at least one of 'weight', 'backup' and 'max-conn'$see" \
		proxy backend set be1
	for w in 0 257 1x ""; do
		expect_error 1 "Error: weight must be a number from 1 to 256, not '$w'$see" \
			proxy backend set be1 weight "$w"
	done
	expect_error 1 "Error: max-conn must be a number from 0 (no limit) to 1000000, not '1000001'$see" \
		proxy backend set be1 max-conn 1000001
	expect_error 1 "Error: backup must be 'on' or 'off', not '1'$see" \
		proxy backend set be1 backup 1
	expect_error 2 "Error: nope: no such backend; 'ndivctl proxy backend list' shows the backends" \
		proxy backend set nope weight 2
	expect_file "$PRX/backends/be1/weight" 256
	# add checks the balancing values before it makes anything
	expect_error 1 "Error: weight must be a number from 1 to 256, not '0'$see" \
		proxy backend add x addr 198.18.0.13 port 80 weight 0
	expect_error 1 "Error: max-conn must be a number from 0 (no limit) to 1000000, not 'x'$see" \
		proxy backend add x addr 198.18.0.13 port 80 backup max-conn x
	[ ! -e "$PRX/backends/x" ] || fail "refused add made a directory"
}

t_prx_backend_add_del() {
	see="; see 'ndivctl proxy help'"
	expect_error 1 "Error: 'backend add' needs a NAME$see" proxy backend add
	expect_error 1 "Error: bad backend name '.x' (1 to 31 of [A-Za-z0-9._-], not starting with '.')$see" \
		proxy backend add .x addr 198.18.0.11 port 80
	expect_error 1 "Error: 'backend add' needs 'addr ADDR' and 'port PORT'$see" \
		proxy backend add x addr 198.18.0.11
	expect_error 1 "Error: addr must be an IPv4 address, not '198.18.0'$see" \
		proxy backend add x addr 198.18.0 port 80
	expect_error 3 "Error: be1: the backend exists; 'ndivctl proxy backend del be1' first" \
		proxy backend add be1 addr 198.18.0.11 port 80
	# configfs would have made the attributes; here mkdir makes none, so
	# the write fails and ndivctl must remove the directory again
	expect_error 2 "Error: x: cannot set the backend: No such file or directory" \
		proxy backend add x addr 198.18.0.13 port 80
	[ ! -e "$PRX/backends/x" ] || fail "failed add left its directory"
	mkdir "$PRX/backends/empty"
	ndivctl proxy backend del empty
	expect_rc 0
	[ ! -e "$PRX/backends/empty" ] || fail "not deleted"
	expect_error 2 "Error: nope: no such backend; 'ndivctl proxy backend list' shows the backends" \
		proxy backend del nope
}

t_prx_stats() {
	ndivctl proxy stats
	expect_rc 0
	[ "$(head -n 1 "$OUT")" = "proxy:" ] || fail "no header"
	expect_out_has "     flow_new: 3"
	expect_out_has "     flow_freed: 3"
	ndivctl -j proxy stats
	expect_rc 0
	json_check 'd == {"flow_new": 3, "flow_freed": 3}'
}

t_slh_offload() {
	ndivctl slhttpd offload list
	expect_rc 0
	expect_out "prefix /rest/ ring api
prefix /rest/v2/ ring api2"
	ndivctl -j slhttpd offload list
	expect_rc 0
	json_check 'd == [{"prefix": "/rest/", "ring": "api"}, {"prefix": "/rest/v2/", "ring": "api2"}]'
	ndivctl slhttpd offload add prefix /api/ ring echo
	expect_rc 0
	expect_file "$SLH/offload" "add /api/ echo"
	ndivctl slhttpd offload del prefix /api/
	expect_rc 0
	expect_file "$SLH/offload" "del /api/"
	h="; see 'ndivctl slhttpd help'"
	expect_error 1 "Error: 'offload add' needs prefix and ring$h" \
		slhttpd offload add prefix /x/
	expect_error 1 "Error: prefix 'x/': not a path ('/' then up to 255 visible characters)$h" \
		slhttpd offload add prefix x/ ring r
	expect_error 1 "Error: ring 'a/b': not a ring name (1 to 31 letters, digits, '.', '_', '-')$h" \
		slhttpd offload add prefix /x/ ring a/b
	expect_error 1 "Error: 'offload del' needs prefix$h" slhttpd offload del
	expect_error 1 "Error: unknown argument 'x'$h" slhttpd offload list x
}

# ---- ring: the command line (the kernel's answers are lab tests) -------

t_ring_help() {
	ndivctl ring help
	expect_rc 0
	expect_out_has "ndivctl ring add NAME [ slots N ] [ slot-size BYTES ]"
	ndivctl help
	expect_out_has "ndivctl ring show [ NAME ] [ -j ]"
}

t_ring_parse_errors() {
	h="; see 'ndivctl ring help'"
	expect_error 1 "Error: 'add' needs a NAME$h" ring add
	expect_error 1 "Error: 'del' needs a NAME$h" ring del
	expect_error 1 "Error: 'a/b' is not a ring name (1 to 31 letters, digits, '.', '_', '-')$h" \
		ring add a/b
	long=0123456789abcdef0123456789abcdef
	expect_error 1 "Error: '$long' is not a ring name (1 to 31 letters, digits, '.', '_', '-')$h" \
		ring del "$long"
	for v in 100 4 131072 x 8x 0x10; do
		expect_error 1 "Error: slots '$v': not a power of two from 8 to 65536$h" \
			ring add api slots "$v"
	done
	for v in 512 3k 2m 1000; do
		expect_error 1 "Error: slot-size '$v': not a power of two from 1024 to 1048576$h" \
			ring add api slot-size "$v"
	done
	expect_error 1 "Error: 'slots' given twice$h" \
		ring add api slots 8 slots 16
	expect_error 1 "Error: unknown argument 'frob'$h" ring add api frob 1
	expect_error 1 "Error: unknown argument 'x'$h" ring del api x
	expect_error 1 "Error: unknown command 'frob'$h" ring frob
}

t_ring_no_device() {
	export NDIV_RING_DEV=$TMP/none
	m="Error: $TMP/none: no such device; load the ndiv module (modprobe ndiv)"
	expect_error 2 "$m" ring show
	expect_error 2 "$m" ring add api slots 1k slot-size 4k
	expect_error 2 "$m" ring del api
}

CASES="
t_version		-V prints the version
t_help			help, -h and OBJECT help print the usage
t_no_args		no arguments: usage on stderr, exit 1
t_usage_errors		unknown object, option, command, argument: exit 1
t_missing_values	missing or bad keyword values: exit 1
t_not_loaded		ndiv not loaded: exit 2 with what to do
t_app_list		app list prints the registered apps
t_app_list_json		app list -j
t_app_list_empty	app list with no app registered
t_link_show_text	link show: all devices by ifindex, aligned
t_link_show_json	link show -j: keys, types, null
t_link_show_dev		link show dev DEV, prefixes, default command
t_no_such_device	unknown device: exit 2, no path escape
t_json_escaping		JSON escapes quotes, backslashes, bad UTF-8
t_attach_unknown_app	attach an unregistered app: exit 2
t_attach_hookless	attach natively without hook, generic on lo: exit 2
t_attach_generic	attach in generic mode sets mode, then app
t_attach_native		attach and swap natively, mode left alone
t_attach_mode_busy	mode change while bound: exit 3, nothing written
t_detach		detach, and detach with nothing bound
t_permission		permission denied: exit 3, run as root
t_attach_undo_mode	attach restores the mode if binding fails
t_stats_default		stats lists the bound or counting devices
t_stats_json		stats -j: totals as JSON numbers, u64 exact
t_stats_queues_json	stats queues -j: queues sorted, sum to totals
t_stats_queues_text	stats queues: ethtool -S style names
t_stats_idle_dev	stats dev DEV shows an idle device
t_stats_bad_counter	a malformed counter: exit 3
t_slh_help		slhttpd help, usage in the top-level help
t_slh_not_loaded	slhttpd not loaded: exit 2, modprobe hint
t_slh_no_configfs_dir	slhttpd loaded, no configfs dir: exit 2
t_slh_show		slhttpd show, default command
t_slh_show_json		slhttpd show -j: numbers, lists, booleans
t_slh_set		slhttpd set writes what is given, kernel syntax
t_slh_set_errors	slhttpd set checks every value before writing
t_slh_set_refused	slhttpd set, permission denied: exit 3
t_slh_object_list	slhttpd object list: aligned, by name
t_slh_object_list_json	slhttpd object list -j
t_slh_object_add_errors	slhttpd object add checks arguments first
t_slh_object_add_refused	object add: exists, no file, too big, undo
t_slh_object_del	slhttpd object del, no such object
t_slh_stats		slhttpd stats: kernel order, unknown last
t_slh_stats_json	slhttpd stats -j: one object, u64 exact
t_slh_stats_bad_counter	slhttpd stats, malformed counter: exit 3
t_prx_help		proxy help, usage in the top-level help
t_prx_not_loaded	proxy not loaded: exit 2, modprobe hint
t_prx_show		proxy show, -j, default command, bad value
t_prx_set		proxy set writes what is given
t_prx_set_errors	proxy set checks every value before writing
t_prx_backend_list	proxy backend list, -j
t_prx_backend_add_del	proxy backend add/del: arguments, exists, undo
t_prx_backend_set	proxy backend set: weight, backup, max-conn, limits
t_prx_stats		proxy stats, -j
t_stats_app_counters	stats: an app's own counters after ndiv's
t_features_text		features: hook, ABI, queues, capabilities
t_features_json		features -j: every field, typed
t_features_errors	features: no device, bad arguments, old ndiv
t_features_driver_list	features: ndivctl knows every driver of drivers/
t_slh_offload		slhttpd offload add/del/list, -j, argument checks
t_ring_help		ring help, usage in the top-level help
t_ring_parse_errors	ring add/del: names, powers of two, arguments
t_ring_no_device	ring without /dev/ndiv-ring: exit 2, modprobe hint
"

ktap_plan "$(echo "$CASES" | grep -c .)"
LIST=$TMP/cases
echo "$CASES" | grep . >"$LIST"
while read -r fn desc; do
	make_tree
	(set +e; $fn) >"$TMP/log" 2>&1 </dev/null
	rc=$?
	if [ $rc -eq 0 ]; then
		ktap_ok "- $desc${NDIVCTL_TEST_TAG:-}"
	elif [ $rc -eq 77 ]; then
		ktap_skip "- $desc" "$(tail -n1 "$TMP/log")"
	else
		ktap_diag "$(cat "$TMP/log")"
		ktap_not_ok "- $desc${NDIVCTL_TEST_TAG:-}"
	fi
done <"$LIST"
ktap_finish
