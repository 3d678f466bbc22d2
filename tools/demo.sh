#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - "make demo": boot the lab with the ndiv build of e1000e, bind
# bench-reflect, send real UDP traffic from the host side and show what
# the app did, counters included.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

# shellcheck disable=SC2016
exec "$top/tools/lab/ndiv-lab" run --nic e1000e --app bench-reflect -- sh -c '
set -eu
udp=$1
echo "== guest links (ndivctl link show)"
$NDIV_LAB ndivctl link show
echo
echo "== 2000 UDP datagrams to $NDIV_LAB_GUEST_IP:9 and 1000 to" \
	"[$NDIV_LAB_GUEST_IP6]:9 from host sockets;"
echo "   bench-reflect mirrors them back from the driver:"
/usr/bin/python3 "$udp" echo "$NDIV_LAB_GUEST_IP" 9 2000
/usr/bin/python3 "$udp" echo "$NDIV_LAB_GUEST_IP6" 9 1000
echo
echo "== ping: ICMP is not UDP/TCP, so bench-reflect passes it to the stack"
ping -c 3 -i 0.2 "$NDIV_LAB_GUEST_IP" | tail -n 2
echo
echo "== guest counters (ndivctl stats dev $NDIV_LAB_GUEST_DEV queues)"
$NDIV_LAB ndivctl stats dev "$NDIV_LAB_GUEST_DEV" queues
echo
echo "== the same per-queue counters in ethtool -S $NDIV_LAB_GUEST_DEV"
$NDIV_LAB sh -c "ethtool -S $NDIV_LAB_GUEST_DEV | grep ndiv"
' demo "$top/tests/lab/udp.py"
