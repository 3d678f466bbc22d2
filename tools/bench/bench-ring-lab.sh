#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-ring-lab.sh OUT - the lab half of make bench-ring, run by
# tools/lab/ndiv-lab run --app slhttpd: wrk against slhttpd handing /rest/
# to ndiv-offloadd --echo through the ring, then against nginx proxying to
# a local upstream that answers the same JSON (nginx-ring.conf), slhttpd
# unbound meanwhile. Writes "name requests_per_s" lines to OUT, wrk's
# output to OUT.NAME.wrk.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
G() {
	$NDIV_LAB "$@"
}
url=http://$NDIV_LAB_GUEST_IP
dev=$NDIV_LAB_GUEST_DEV
secs=${NDIV_BENCH_SECONDS:-10}

# rps NAME URL: wrk's requests per second; a run with an error or an
# answer other than 2xx does not count.
rps() {
	wrk -t2 -c16 -d"${secs}s" "$2" >"$out.$1.wrk"
	if grep -q -e '^  Non-2xx' -e '^  Socket errors' "$out.$1.wrk"; then
		cat "$out.$1.wrk" >&2
		echo "$1: errors or non-2xx answers" >&2
		exit 1
	fi
	awk '/^Requests\/sec:/ { print $2 }' "$out.$1.wrk"
}

G ndivctl ring add bench
G ndivctl slhttpd offload add prefix /rest/ ring bench
pid=$(G sh -c 'setsid ndiv-offloadd --ring bench --echo >/dev/null 2>&1 \
	</dev/null & echo $!')
i=0
until curl -sf --max-time 2 -o /dev/null "$url/rest/warm"; do
	i=$((i + 1))
	[ $i -lt 50 ] || { echo "no answer through the ring" >&2; exit 1; }
	sleep 0.1
done
echo "slhttpd_offload $(rps slhttpd_offload "$url/rest/bench?x=1")" >"$out"
G ndivctl ring show bench >&2
G kill "$pid"
G ndivctl link detach dev "$dev"
G sh -c 'mkdir -p /tmp/bench-ring-nginx &&
	nginx -p /tmp/bench-ring-nginx/ -e /tmp/bench-ring-nginx/error.log \
	-c "$1"' sh "$top/tools/bench/nginx-ring.conf"
curl -sf --max-time 5 "$url:8080/rest/warm?x=1" >&2
echo "nginx_proxy $(rps nginx_proxy "$url:8080/rest/bench?x=1")" >>"$out"
G sh -c 'kill $(cat /tmp/bench-ring-nginx/nginx.pid)'
