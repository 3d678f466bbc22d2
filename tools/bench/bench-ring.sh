#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-ring.sh - make bench-ring: the ring to user space measured
# natively (ring_bench, round trips per second at batch 1 and 32) and in
# the lab (slhttpd + ndiv-offloadd --echo against nginx proxy_pass to a
# local upstream, same VM, same wrk). Writes build/bench/ring.json and
# Documentation/benchmarks/ring.rst.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/bench
mkdir -p "$out"
make -s -C "$top/tools/bench/native" O="$out" ring
"$out/ring_bench" >"$out/ring-native.json"
"$top/tools/lab/ndiv-lab" run --nic e1000e --app slhttpd -- \
	"$top/tools/bench/bench-ring-lab.sh" "$out/ring-lab.txt"
/usr/bin/python3 - "$out" "$top/Documentation/benchmarks/ring.rst" <<'PYEOF'
import json, os, sys
out, rst = sys.argv[1], sys.argv[2]
native = json.load(open(os.path.join(out, "ring-native.json")))
lab = dict(l.split() for l in open(os.path.join(out, "ring-lab.txt")))
lab = {k: float(v) for k, v in lab.items()}
res = {"native_roundtrips_per_s": native["native_roundtrips_per_s"],
       "native": native, "lab_requests_per_s": lab,
       "lab_ratio_slhttpd_offload_to_nginx_proxy":
           lab["slhttpd_offload"] / lab["nginx_proxy"]}
json.dump(res, open(os.path.join(out, "ring.json"), "w"), indent=1)
open(rst, "w").write(""".. SPDX-License-Identifier: GPL-2.0

==========================================
Benchmark: the ring to user space
==========================================

Written by ``make bench-ring`` (``tools/bench/bench-ring.sh``); the raw
figures are in ``build/bench/ring.json``. Design: ``Documentation/ring.rst``.

Natively (``ring_bench``, a kernel-side and a daemon thread on two CPUs;
see ring.rst, "Tests and benchmark"), round trips per second:

====== ============ ============
batch  wall-clock   daemon core
====== ============ ============
%s
====== ============ ============

``native_roundtrips_per_s``: %.0f (load average %.2f during the run).

In the lab (QEMU TCG, e1000e, 2 vCPUs; wrk on the host side of the tap,
2 threads, 16 connections, kept alive, %s s each), requests per second
for ``GET /rest/bench?x=1`` answered with the request as JSON:

============================================== ==========
slhttpd + ``ndiv-offloadd --echo`` (the ring)  %.0f
nginx ``proxy_pass`` to a local upstream       %.0f
ratio                                          %.2f
============================================== ==========

Rates under emulation are set as much by the emulator and the load
generator as by the code; only the ratio in one run means something.
Guest CPU per request (the instruction counter) and a plot are not
measured yet.
""" % ("\n".join("%-6s %-12.0f %-12.0f" % (r["batch"],
       r["roundtrips_per_s_best"], r["daemon_core_roundtrips_per_s_best"])
       for r in native["results"]),
       native["native_roundtrips_per_s"], native.get("loadavg_1min", 0),
       os.environ.get("NDIV_BENCH_SECONDS", "10"),
       lab["slhttpd_offload"], lab["nginx_proxy"],
       res["lab_ratio_slhttpd_offload_to_nginx_proxy"]))
print(json.dumps(res["lab_requests_per_s"]), res["native_roundtrips_per_s"])
PYEOF
