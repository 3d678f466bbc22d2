#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# veth_guest.sh CMD [ARGS] - the guest side of tests/lab/veth.sh, run in
# the lab guest through the agent. A veth pair joins two network
# namespaces: ndva in ndv-a (the sender, 198.19.1.1, 2001:2:0:1::1) and
# ndvb in ndv-b (where the apps are bound, 198.19.1.2, 2001:2:0:1::2).
#
#   setup          load the veth module, make the namespaces and the pair,
#                  static neighbours, and wait until the link is quiet
#   quiet          wait (bounded) until no frame crossed the pair for 1 s
#   snap [END]     counters as shell assignments: END's ndiv counters (rx
#                  pass drop tx txerr aborted), the UDP datagrams END's
#                  namespace stack took (udp, udp6), and the frames the
#                  other end sent: its tx_packets (peer_tx) and what an
#                  nftables egress counter on it saw (peer_sent); END is
#                  a (ndva) or b (ndvb, the default)
#   a|b CMD...     run CMD in ndv-a or ndv-b
#   cleanup        remove the namespaces (and the pair with them)
set -u

NSA=ndv-a NSB=ndv-b
A=ndva B=ndvb

say() { echo "veth_guest: $*" >&2; }

in_a() { ip netns exec "$NSA" "$@"; }
in_b() { ip netns exec "$NSB" "$@"; }

# The frames both ends have received so far, one number.
frames() {
	echo $(($(in_a cat /sys/class/net/$A/statistics/rx_packets) + \
		$(in_b cat /sys/class/net/$B/statistics/rx_packets)))
}

# Exact counts need a silent link: nothing but the test's own traffic.
# With DAD, router solicitations and ARP/ND off (static neighbours), the
# only frames of their own are the MLD reports sent when the link comes
# up, repeated 10 ms apart: wait until 1 s passes without a frame, for at
# most 20 s.
quiet() {
	last=$(frames) still=0 i=0
	while [ "$still" -lt 10 ]; do
		sleep 0.1
		now=$(frames)
		if [ "$now" = "$last" ]; then
			still=$((still + 1))
		else
			still=0 last=$now
		fi
		i=$((i + 1))
		if [ "$i" -gt 200 ]; then
			say "the veth pair is not quiet after 20 s"
			return 1
		fi
	done
}

# sysctls of a fresh namespace, before its end of the pair exists (new
# devices take the namespace's "default" values).
ns_quiet_sysctls() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$1" sh -c 'for c in all default; do
		d=/proc/sys/net/ipv6/conf/$c
		echo 0 >$d/accept_dad
		echo 0 >$d/router_solicitations
		echo 10 >$d/mldv1_unsolicited_report_interval
		echo 10 >$d/mldv2_unsolicited_report_interval
	done'
}

setup() {
	modprobe veth || return 1
	# udp.py echo reads the replies once it has sent everything: let its
	# socket hold them all (about 1 KB of truesize per reflected frame).
	sysctl -qw net.core.rmem_max=4194304 || return 1
	for ns in $NSA $NSB; do
		ip netns add "$ns" && ns_quiet_sysctls "$ns" || return 1
	done
	ip link add $A netns $NSA type veth peer name $B netns $NSB ||
		return 1
	# Frames each end's stack sends, counted where they leave it: veth
	# folds its peer's XDP counters into tx_packets, so this is the
	# count exact comparisons use.
	for end in a b; do
		if [ $end = a ]; then dev=$A; else dev=$B; fi
		printf '%s\n' "add table netdev ndivt" \
			"add chain netdev ndivt out { type filter hook egress device $dev priority 0; }" \
			"add rule netdev ndivt out counter" |
			in_$end nft -f - || return 1
	done
	ma=$(in_a cat /sys/class/net/$A/address)
	mb=$(in_b cat /sys/class/net/$B/address)
	printf '%s\n' "addr add 198.19.1.1/24 dev $A" \
		"addr add 2001:2:0:1::1/64 dev $A nodad" \
		"neigh replace 198.19.1.2 lladdr $mb dev $A nud permanent" \
		"neigh replace 2001:2:0:1::2 lladdr $mb dev $A nud permanent" \
		"link set lo up" "link set $A up" | in_a ip -batch - || return 1
	printf '%s\n' "addr add 198.19.1.2/24 dev $B" \
		"addr add 2001:2:0:1::2/64 dev $B nodad" \
		"neigh replace 198.19.1.1 lladdr $ma dev $B nud permanent" \
		"neigh replace 2001:2:0:1::1 lladdr $ma dev $B nud permanent" \
		"link set lo up" "link set $B up" | in_b ip -batch - || return 1
	i=0
	until [ "$(in_b cat /sys/class/net/$B/operstate)" = up ] &&
		[ "$(in_a cat /sys/class/net/$A/operstate)" = up ]; do
		i=$((i + 1))
		[ "$i" -le 100 ] || { say "no carrier on the pair"; return 1; }
		sleep 0.1
	done
	quiet
}

# snap [a|b]
snap() {
	case ${1:-b} in
	a) ns=$NSA dev=$A pns=$NSB peer=$B ;;
	*) ns=$NSB dev=$B pns=$NSA peer=$A ;;
	esac
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$ns" sh -c 'cd /sys/class/net/$1/ndiv/stats &&
		echo rx=$(cat rx_packets) pass=$(cat pass) drop=$(cat drop) \
		tx=$(cat tx) txerr=$(cat tx_err) aborted=$(cat aborted) \
		udp=$(awk "/^Udp: [0-9]/ { s += \$2 + \$3 + \$4 } END { print s }" \
			/proc/net/snmp) \
		udp6=$(awk "/^Udp6(InDatagrams|NoPorts|InErrors) / { s += \$2 }
			END { print s }" /proc/net/snmp6)' sh "$dev" &&
	echo "peer_tx=$(ip netns exec "$pns" \
		cat /sys/class/net/$peer/statistics/tx_packets)"
	echo "peer_sent=$(ip netns exec "$pns" nft list chain netdev ndivt out |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')"
}

cleanup() {
	ip netns del $NSA 2>/dev/null
	ip netns del $NSB 2>/dev/null
	return 0
}

cmd=$1
shift
case $cmd in
setup) setup ;;
quiet) quiet ;;
snap) snap "$@" ;;
a) in_a "$@" ;;
b) in_b "$@" ;;
cleanup) cleanup ;;
*) say "unknown command $cmd"; exit 2 ;;
esac
