#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - "make demo": boot the lab with the ndiv build of e1000e, bind
# slhttpd, the stateless HTTP responder, and point real HTTP clients at it
# from the host side: curl, wrk, ab; hand /rest/ to ndiv-offloadd
# through the ring to user space. Then show what slhttpd and ndiv
# counted.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

# shellcheck disable=SC2016
exec "$top/tools/lab/ndiv-lab" run --nic e1000e --app slhttpd -- sh -c '
set -eu
url=http://$NDIV_LAB_GUEST_IP
echo "== guest links (ndivctl link show): slhttpd bound to the e1000e"
$NDIV_LAB ndivctl link show
echo
echo "== curl -v $url/?s=200 (synthetic object, 200 bytes):"
echo "   answered from the driver, no socket in the guest"
curl -sv --max-time 30 "$url/?s=200" 2>&1 | sed -n "/^[*<>]/p; /^[0-9a-zA-Z]/p"
echo
echo
echo "== wrk, 3 s, 2 threads, 8 connections, keep-alive, /?s=64"
wrk -t2 -c8 -d3s "$url/?s=64"
echo
echo "== ab -n 1000 -c 10, one connection per request, /?s=1000"
ab -q -n 1000 -c 10 "$url/?s=1000" | grep -E \
	"^(Complete|Failed) requests|^Requests per second|^Time per request.*mean\)$"
echo
echo "== the ring to user space: /rest/ goes to ndiv-offloadd --echo"
echo "   (ndivctl ring add api; ndivctl slhttpd offload add prefix /rest/ ring api)"
$NDIV_LAB ndivctl ring add api
$NDIV_LAB ndivctl slhttpd offload add prefix /rest/ ring api
pid=$($NDIV_LAB sh -c "setsid ndiv-offloadd --ring api --echo \
	>/dev/null 2>&1 </dev/null & echo \$!")
i=0
until $NDIV_LAB ndivctl -j ring show api | grep -q "\"pid\":[0-9]" ||
	[ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "== curl $url/rest/hello?demo=1: the daemon answers, slhttpd sends it"
curl -sS --max-time 10 -H "X-Demo: yes" "$url/rest/hello?demo=1"
$NDIV_LAB ndivctl ring show api
$NDIV_LAB kill "$pid"
echo
echo "== counters of $NDIV_LAB_GUEST_DEV (ndivctl stats): the ndiv verdicts,"
echo "   then those of slhttpd (SYN-ACKs, requests by status, cookie failures)"
$NDIV_LAB ndivctl stats dev "$NDIV_LAB_GUEST_DEV"
'
