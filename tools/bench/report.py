#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Results of make bench-http: JSON, plot and the rst table.

Reads what tools/bench/bench-http.sh left in build/bench/raw:

  native/MODE.json            slhttpd_bench's timing of one mode
  native/MODE-N.callgrind     callgrind of the same mode with N frames
  lab-NIC/lab, status, ...    one lab VM per NIC; idle0/1, the idle
                              guest's instructions; insns-ranges, the
                              modules' text ranges
  lab-NIC/R-TEST-TARGET/      one measurement: meta, guest0/1, host0/1,
                              wrk.out (keepalive, close) or trafgen.out,
                              then insns0/1 around a fixed amount of work
                              (ab.out, or BENCH_SYNS SYNs)

and writes the JSON (--json), a PNG (--png) and, between the RESULTS
markers of --rst, the tables. Every figure comes from those files: a
measurement that is missing or failed is shown as such, never guessed.
"""
import glob
import json
import os
import re
import statistics
import subprocess

from benchreport import (END, GUEST_BOUND, PART_TITLE, PARTS, USER_HZ,
                         busiest_vcpu, busy_text, delta, fmt, guest_window,
                         idle, idle_share, insns_between, insns_median,
                         load_bound, main, median, plot_split, proc_stat,
                         read_kv, read_text, split_row, table, vcpu_times,
                         wrap)

TESTS = ("keepalive", "close", "synflood")
TARGETS = ("slhttpd", "nginx")
TEST_TITLE = {
    "keepalive": "keep-alive requests/s",
    "close": "new-connection requests/s",
    "synflood": "SYN flood: SYN-ACKs/s",
}
UNIT = {"keepalive": "request", "close": "request", "synflood": "SYN-ACK"}
COUNT_TITLE = {
    "keepalive": "keep-alive request",
    "close": "new-connection request",
    "synflood": "SYN",
}
MODES = ("syn", "ack", "get", "pass", "copy")
MODE_TITLE = {
    "syn": "SYN -> SYN-ACK",
    "ack": "handshake ACK (pure ACK: counted, dropped)",
    "get": "GET /?s=64 -> 200, 64-byte body",
    "pass": "SYN to port 22 (passed)",
    "copy": "frame restore only (no engine call)",
}
def callgrind_total(path):
    with open(path) as f:
        for line in f:
            m = re.match(r"(?:totals|summary):\s+(\d+)", line)
            if m:
                return int(m.group(1))
    return None


def callgrind_profile(path, frames, top=12):
    """Inclusive Ir per frame of the heaviest slhttpd/ndiv functions."""
    try:
        out = subprocess.run(
            ["callgrind_annotate", "--inclusive=yes", path],
            capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    prof = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\([\s\d.]+%\)\s+(\S+):(\S+)", line)
        if not m:
            continue
        fname, func = m.group(2), m.group(3)
        if "/slhttpd/" not in fname and "/ndiv/" not in fname:
            continue
        prof.append({
            "function": func.split(".")[0] if func.endswith(
                (".constprop.0", ".isra.0", ".part.0")) else func,
            "file": re.sub(r".*/(slhttpd|ndiv)/", r"\1/", fname),
            "ir_per_frame": round(int(m.group(1).replace(",", "")) /
                                  frames, 1),
        })
        if len(prof) >= top:
            break
    return prof


def native(raw):
    res = {}
    d = os.path.join(raw, "native")
    for mode in MODES:
        t = read_text(os.path.join(d, mode + ".json"))
        if t is None:
            continue
        r = json.loads(t.strip().splitlines()[-1])
        r.pop("sink", None)
        cg = {}
        for p in glob.glob(os.path.join(d, mode + "-*.callgrind")):
            n = int(re.search(r"-(\d+)\.callgrind$", p).group(1))
            cg[n] = (callgrind_total(p), p)
        ns = sorted(cg)
        if len(ns) >= 2 and all(cg[n][0] for n in ns):
            n1, n2 = ns[0], ns[-1]
            r["ir_per_frame"] = round((cg[n2][0] - cg[n1][0]) / (n2 - n1), 1)
            r["callgrind_iters"] = [n1, n2]
            r["callgrind_totals"] = [cg[n1][0], cg[n2][0]]
            if mode in ("syn", "get"):
                r["profile_inclusive"] = callgrind_profile(cg[n2][1], n2)
        res[mode] = r
    copy = res.get("copy")
    for mode, r in res.items():
        if mode == "copy" or not copy:
            continue
        r["ns_engine_best"] = round(r["ns_per_frame_best"] -
                                    copy["ns_per_frame_best"], 2)
        if "ir_per_frame" in r and "ir_per_frame" in copy:
            r["ir_engine"] = round(r["ir_per_frame"] - copy["ir_per_frame"], 1)
    return res


def delta_counters(g0, g1, prefix):
    out = {}
    for k, v in g1.items():
        if not k.startswith(prefix):
            continue
        try:
            d = int(v.split()[0]) - int(g0.get(k, "0").split()[0])
        except (ValueError, IndexError):
            continue
        if d:
            out[k[len(prefix):]] = d
    return out


def mib_deltas(g0, g1):
    out = {}
    for k, v in g1.items():
        if re.match(r"^(Tcp|TcpExt)[A-Za-z]+$", k):
            try:
                d = int(v.split()[0]) - int(g0.get(k, "0").split()[0])
            except (ValueError, IndexError):
                continue
            if d:
                out[k] = d
    return out


def ab_result(path):
    """ab's counts: complete, failed and keep-alive requests."""
    out = {}
    for line in (read_text(path) or "").splitlines():
        m = re.match(r"(Complete|Failed|Keep-Alive) requests:\s+(\d+)", line)
        if m:
            out[m.group(1).lower()] = int(m.group(2))
        m = re.match(r"Requests per second:\s+([\d.]+)", line)
        if m:
            out["rate"] = float(m.group(1))
    return out


def counted(d, test):
    """The guest's instructions over the fixed amount of work after the
    load: per request (ab) or per SYN handed to the guest."""
    if test == "synflood":
        return {"insns": insns_between(d)}
    ab = ab_result(os.path.join(d, "ab.out"))
    return {"ab": ab, "insns": insns_between(d, ab.get("complete"))}


def measurement(d, dev):
    meta = read_kv(os.path.join(d, "meta"))
    g0 = read_kv(os.path.join(d, "guest0"))
    g1 = read_kv(os.path.join(d, "guest1"))
    h0 = read_kv(os.path.join(d, "host0"))
    h1 = read_kv(os.path.join(d, "host1"))
    r = {"round": int(meta.get("rep", 0)), "port": int(meta.get("port", 0))}
    test = meta.get("test")
    r.update(counted(d, test))
    count = None
    v0, v1 = vcpu_times(g0), vcpu_times(g1)
    if test in ("keepalive", "close"):
        w = None
        for line in (read_text(os.path.join(d, "wrk.out")) or "").splitlines():
            if line.startswith("{"):
                w = json.loads(line)
        if not w:
            r["error"] = "no wrk result"
            return test, meta.get("target"), r
        secs = w["duration_us"] / 1e6
        count = w["requests"]
        r.update({
            "requests": count, "seconds": round(secs, 3),
            "rate": round(count / secs, 1),
            "errors": {k[4:]: w[k] for k in w
                       if k.startswith("err_") and w[k]},
            "latency_us": {"p50": w["lat_p50_us"], "p99": w["lat_p99_us"],
                           "max": w["lat_max_us"]},
        })
    elif test == "synflood":
        count = delta(h0, h1, "replies")
        if count is None:
            r["error"] = "no SYN-ACK count"
            return test, meta.get("target"), r
        secs = float(h1["time"]) - float(h0["time"])
        r.update({"synacks": count, "seconds": round(secs, 3),
                  "rate": round(count / secs, 1)})
        sent = {k: delta(h0, h1, "tap_" + k)
                for k in ("tx_packets", "tx_dropped")}
        if None not in sent.values():
            r["offered_to_qemu"] = sent
    else:
        r["error"] = "unknown test"
        return test, meta.get("target"), r
    s0, s1 = proc_stat(g0), proc_stat(g1)
    if test == "synflood":
        # CPU per SYN-ACK from the guest's own window inside the flood:
        # busy jiffies over frames the NIC sent (all SYN-ACKs) in it.
        s0 = s1 = None
        win = guest_window(os.path.join(d, "guest-window"))
        if 0 in win and 1 in win:
            w0, w1 = win[0], win[1]
            s0 = (w0["busy"], w0["total"])
            s1 = (w1["busy"], w1["total"])
            v0, v1 = w0["vcpus"], w1["vcpus"]
            gsecs = w1["uptime"] - w0["uptime"]
            count = w1["tx"] - w0["tx"]
            rx = w1["rx"] - w0["rx"]
            r["guest_window"] = {
                "seconds": round(gsecs, 2), "tx": count, "rx": rx,
                "tx_rate": round(count / gsecs, 1) if gsecs > 0 else None,
                "rx_rate": round(rx / gsecs, 1) if gsecs > 0 else None}
    if s0 and s1 and count:
        busy, total = s1[0] - s0[0], s1[1] - s0[1]
        r["guest_busy_jiffies"] = busy
        r["guest_busy"] = round(busy / total, 3) if total else None
        r["guest_cpu_us"] = round(busy * 1e6 / USER_HZ / count, 2)
        r["busiest_vcpu"] = busiest_vcpu(v0, v1)
    slh = delta_counters(g0, g1, "/sys/kernel/ndiv/slhttpd/stats/")
    if slh:
        r["slhttpd_counters"] = slh
    nd = delta_counters(g0, g1, "/sys/class/net/%s/ndiv/stats/" % dev)
    if nd:
        r["ndiv_counters"] = nd
    mib = mib_deltas(g0, g1)
    if mib:
        r["guest_mib"] = mib
    return test, meta.get("target"), r


def summarize(runs):
    out = {"insns": insns_median(runs)}
    ok = [r for r in runs if "rate" in r]
    if ok:
        rates = [r["rate"] for r in ok]
        out.update({"rate": round(statistics.median(rates), 1),
                    "rate_min": min(rates), "rate_max": max(rates)})
        for k in ("guest_cpu_us", "guest_busy", "busiest_vcpu"):
            v = median(ok, k)
            if v is not None:
                out[k] = round(v, 3)
    out["runs"] = runs
    return out


def lab(d):
    info = read_kv(os.path.join(d, "lab"))
    res = {"status": read_text(os.path.join(d, "status")),
           "complete": os.path.exists(os.path.join(d, "done"))}
    res["status"] = int(res["status"]) if res["status"] else None
    res["lab"] = info
    dev = "eth0"
    body = {}
    for t in TARGETS:
        hdr = read_text(os.path.join(d, t + ".headers"))
        b = None
        try:
            with open(os.path.join(d, t + ".body"), "rb") as f:
                b = f.read()
        except OSError:
            pass
        body[t] = {"headers": hdr.replace("\r", "").strip().splitlines()
                   if hdr else None,
                   "body_len": len(b) if b is not None else None}
        if b is not None:
            body[t]["body"] = b.decode("latin-1")
    res["responses"] = body
    res["identical_bodies"] = (body["slhttpd"].get("body") is not None and
                               body["slhttpd"].get("body") ==
                               body["nginx"].get("body"))
    raw = {}
    for m in sorted(glob.glob(os.path.join(d, "*-*-*"))):
        if not os.path.isdir(m):
            continue
        test, target, r = measurement(m, dev)
        raw.setdefault(test, {}).setdefault(target, []).append(r)
    results = {}
    for test in TESTS:
        if test not in raw:
            continue
        e = {t: summarize(sorted(raw[test].get(t, []),
                                 key=lambda r: r["round"]))
             for t in TARGETS}
        s, n = e["slhttpd"].get("rate"), e["nginx"].get("rate")
        e["ratio"] = round(s / n, 2) if s and n else None
        cs, cn = e["slhttpd"].get("guest_cpu_us"), e["nginx"].get(
            "guest_cpu_us")
        e["cpu_ratio"] = round(cn / cs, 2) if cs and cn else None
        i = [(e[t]["insns"] or {}).get("total") for t in TARGETS]
        e["insns_ratio"] = round(i[1] / i[0], 2) if all(i) else None
        results[test] = e
    res["results"] = results
    res["idle"] = idle(d)
    res["ranges"] = (read_text(os.path.join(d, "insns-ranges")) or
                     "").splitlines()
    return res


def each_test(r):
    """(test, results) of a lab, in the order of TESTS."""
    for test in TESTS:
        if test in r["results"]:
            yield test, r["results"][test]


def insns_tables(r, cfg, info):
    """The headline: instructions per request, and where they go."""
    out = []
    rows = []
    for test, e in each_test(r):
        s, n = e["slhttpd"]["insns"] or {}, e["nginx"]["insns"] or {}
        rows.append([COUNT_TITLE[test], fmt(s.get("total")),
                     fmt(n.get("total")),
                     fmt(e["insns_ratio"], 1) + "x" if e["insns_ratio"]
                     else "n/a"])
    out.append(table(["guest instructions per", "slhttpd", "nginx",
                      "nginx / slhttpd"], rows))
    out.append("")
    i = r.get("idle") or {}
    shares = [idle_share({"idle": i, "insns": e[t]["insns"]})
              for e in r["results"].values() for t in TARGETS
              if e[t]["insns"]]
    shares = [x for x in shares if x is not None]
    out.append(
        "Instructions the guest executed (kernel and user space, all "
        "vCPUs), per request over %s requests made by ``ab -c %s`` "
        "(``-k`` for keep-alive, HTTP/1.0) and per SYN over %s SYNs sent "
        "at %s/s, with nothing else started in the guest; medians of %s "
        "rounds. The idle guest ran %s instructions/s, at most %s of a "
        "count here." % (
            fmt(int(cfg.get("BENCH_REQUESTS") or 0)),
            cfg.get("BENCH_AB_CONC", "?"),
            fmt(int(cfg.get("BENCH_SYNS") or 0)),
            fmt(int(cfg.get("BENCH_SYNS_RATE") or 0)),
            cfg.get("BENCH_REPEAT", "?"), fmt(i.get("per_second")),
            "%.1f %%" % (100 * max(shares)) if shares else "n/a"))
    out.append("")
    out.append("Where they go, instructions per request (per SYN): the "
               "text of the driver (%s), of ndiv's core (ndiv.ko) and of "
               "the app (slhttpd.ko), the rest of the kernel (stack, "
               "interrupts, NAPI, scheduler) and user space:" %
               info.get("driver", "?").split()[0])
    out.append("")
    rows = []
    for test, e in each_test(r):
        for t in TARGETS:
            if e[t]["insns"]:
                rows.append([COUNT_TITLE[test], t] +
                            split_row(e[t]["insns"]))
    out.append(table(["per", "server"] + [PART_TITLE[p] for p in PARTS] +
                     ["total"], rows))
    out.append("")
    return out


def rst(data, begin):
    out = [begin, ""]
    cfg = data["config"]
    out.append("Measured on %s by ``%s``." % (data["generated"],
                                            data["command"]))
    mach = data["machine"]
    out.append("")
    out.append("Machine: %d cores (%s), host kernel %s, %s; guests "
               "under TCG (no KVM), %s vCPUs. Load: %s; %s. Absolute "
               "numbers under emulation mean little, the ratios are what "
               "to read." % (
                   mach["cpus"], mach["cpu"], mach["host_kernel"],
                   mach["qemu"], cfg.get("BENCH_SMP", "?"), mach["wrk"],
                   mach["trafgen"]))
    out.append("")
    for nic, r in data["lab"].items():
        info = r["lab"]
        title = "Lab, %s (%s driver, %s)" % (nic, info.get("driver", "?"),
                                             info.get("accel", "?"))
        out += [title, "-" * len(title), ""]
        if r["status"] != 0 or not r["complete"]:
            out.append("**This lab run did not complete** (exit status "
                       "%s); the rows below are what it measured before "
                       "it stopped." % r["status"])
            out.append("")
        out += insns_tables(r, cfg, info)
        out.append("Rates, with how busy the guest was:")
        out.append("")
        rows = []
        for test, e in each_test(r):
            s, n = e["slhttpd"], e["nginx"]
            rows.append([
                TEST_TITLE[test], fmt(s.get("rate")), fmt(n.get("rate")),
                ("%.2f" % e["ratio"]) if e["ratio"] else "n/a",
                busy_text(s), busy_text(n)])
        out.append(table(["load", "slhttpd", "nginx", "ratio",
                          "slhttpd: guest", "nginx: guest"], rows))
        out.append("")
        out.append("Medians of %s rounds of %s s. ratio: slhttpd's rate "
                   "over nginx's. guest: the share of its time the busiest "
                   "vCPU, and all vCPUs, were busy (/proc/stat); "
                   "*load-bound* when no vCPU was %d %% busy: then the "
                   "load generator and the emulator set the rate, not the "
                   "server. nginx %s, %s guest CPUs, ``wrk %s``, SYN flood "
                   "with ``tcp_syncookies=%s``, trafgen rate %s." % (
                       cfg.get("BENCH_REPEAT", "?"),
                       cfg.get("BENCH_DURATION", "?"),
                       round(100 * GUEST_BOUND),
                       info.get("nginx", "?").replace(
                           "nginx version: nginx/", ""),
                       info.get("guest_cpus", "?"), info.get("wrk", "?"),
                       info.get("syncookies", "?"),
                       info.get("syn_rate", "?")))
        errs = []
        for test, e in each_test(r):
            for t in TARGETS:
                for run in e[t].get("runs", []):
                    if run.get("errors"):
                        errs.append("%s %s round %d: %s" % (
                            t, test, run["round"], ", ".join(
                                "%s %d" % kv for kv in run["errors"].items())))
                    if run.get("error"):
                        errs.append("%s %s round %d: %s" % (
                            t, test, run["round"], run["error"]))
                    if run.get("ab", {}).get("failed"):
                        errs.append("%s %s round %d: ab failed %d" % (
                            t, test, run["round"], run["ab"]["failed"]))
        if errs:
            out.append("")
            out.append("wrk or ab reported errors:")
            out.append("")
            out += ["* " + x for x in errs]
        notes = []
        for test, e in each_test(r):
            for t in TARGETS:
                sums = {}
                for run in e[t].get("runs", []):
                    for k, v in run.get("ndiv_counters", {}).items():
                        if k in ("tx_err", "aborted"):
                            sums["ndiv " + k] = sums.get("ndiv " + k, 0) + v
                    for k, v in run.get("slhttpd_counters", {}).items():
                        if k in ("malformed", "bad_csum", "cookie_bad",
                                 "emit_fail", "resp_4xx", "resp_5xx",
                                 "rst_sent"):
                            sums["slhttpd " + k] = sums.get(
                                "slhttpd " + k, 0) + v
                if sums:
                    notes.append("%s, %s (all rounds): %s" % (
                        t, test, ", ".join("%s %s" % (k, fmt(v))
                                           for k, v in sorted(sums.items()))))
        if notes:
            out.append("")
            out.append("Error counters in the guest during the loads:")
            out.append("")
            out += ["* " + x for x in notes]
        out.append("")
    nat = data["native"]
    if nat:
        title = "Native (slh_handle() in user space)"
        out += [title, "-" * len(title), ""]
        rows = []
        for mode in MODES:
            r = nat.get(mode)
            if not r:
                continue
            rows.append([MODE_TITLE[mode],
                         r["verdict"].upper() if mode != "copy" else "-",
                         fmt(r["ns_per_frame_best"], 1),
                         fmt(r.get("ns_engine_best"), 1)
                         if mode != "copy" else "",
                         fmt(r.get("ir_per_frame")),
                         fmt(r.get("ir_engine")) if mode != "copy" else ""])
        out.append(table(["frame", "verdict", "ns/frame", "minus restore",
                          "instructions/frame", "minus restore"], rows))
        g = nat.get("get", {})
        out.append("")
        out.append("ns: best of %s runs of %s frames, each frame copied "
                   "back from its template before the call (the "
                   "\"restore\" row); instructions: callgrind, the "
                   "difference between runs of %s and %s frames. %s, "
                   "``-O2``." % (
                       g.get("runs", "?"), fmt(g.get("iters")),
                       *[fmt(x) for x in g.get("callgrind_iters", [])[::-1]
                         or ["?", "?"]],
                       mach["gcc"]))
        prof = g.get("profile_inclusive")
        if prof:
            out.append("")
            out.append("Where the GET's instructions go (inclusive, per "
                       "frame):")
            out.append("")
            out.append(table(["function", "file", "instructions"],
                             [[p["function"], p["file"],
                               fmt(p["ir_per_frame"])] for p in prof]))
        out.append("")
    out += targets(data)
    out.append(END)
    return "\n".join(wrap(x) for x in out)


def targets(data):
    """The issue's targets, checked against this run."""
    out = ["Targets", "-------", ""]
    for nic, r in data["lab"].items():
        for test in ("keepalive", "close"):
            e = r["results"].get(test)
            if not e or not e["insns_ratio"]:
                continue
            out.append("* %s, guest instructions per %s: nginx / slhttpd "
                       "= %.1f, target >= 10: %s" % (
                           nic, COUNT_TITLE[test], e["insns_ratio"],
                           "met" if e["insns_ratio"] >= 10
                           else "**not met**"))
    for mode in ("syn", "get"):
        r = data["native"].get(mode)
        if r:
            out.append("* native, %s: %.1f ns per frame, target < 100 ns "
                       "(\"well under\"): %s" % (MODE_TITLE[mode],
                                       r["ns_per_frame_best"],
                                       "met" if r["ns_per_frame_best"] < 100
                                       else "**not met**"))
    out.append("")
    return out


def plot(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nics = list(data["lab"])
    ncols = len(nics) + (1 if data["native"] else 0)
    fig, axes = plt.subplots(3, max(ncols, 1), figsize=(5.6 * max(ncols, 1),
                                                          12), squeeze=False)
    colors = {"slhttpd": "#2b7bba", "nginx": "#e08a2c"}
    for i, nic in enumerate(nics):
        res = data["lab"][nic]["results"]
        tests = [t for t in TESTS if t in res]
        plot_split(axes[1][i], [("%s %s" % (t, x), res[x][t]["insns"])
                                for x in tests for t in TARGETS],
                   "%s: where the instructions go, per request / SYN" % nic)
        for row, key, ylabel in ((0, "insns", "guest instructions per "
                                  "request / SYN"),
                                 (2, "rate", "per second (wrk, trafgen)")):
            ax = axes[row][i]

            def val(x, t):
                if key == "insns":
                    return (res[x][t]["insns"] or {}).get("total") or 0
                return res[x][t].get(key) or 0
            for j, t in enumerate(TARGETS):
                vals = [val(x, t) for x in tests]
                xs = [k + (j - 0.5) * 0.38 for k in range(len(tests))]
                bars = ax.bar(xs, vals, 0.38, label=t, color=colors[t])
                for b, v, x in zip(bars, vals, tests):
                    if not v:
                        continue
                    lb = load_bound(res[x][t].get("busiest_vcpu"))
                    ax.annotate(fmt(v) + ("\nload-bound" if key == "rate"
                                          and lb else ""),
                                (b.get_x() + b.get_width() / 2, v),
                                ha="center", va="bottom", fontsize=7)
            ax.set_xticks(range(len(tests)))
            ax.set_xticklabels(tests)
            ax.set_yscale("log")
            top = max([val(x, t) for x in tests for t in TARGETS] or [0])
            if top:
                ax.set_ylim(top=top * 6)
            ax.set_ylabel(ylabel)
            if row == 0:
                ratios = ", ".join("%s %.1fx" % (x, res[x]["insns_ratio"])
                                   for x in tests if res[x]["insns_ratio"])
                ax.set_title("%s: guest instructions, nginx / slhttpd\n%s"
                             % (nic, ratios), fontsize=9)
            else:
                ratios = ", ".join("%s x%.1f" % (x, res[x]["ratio"])
                                   for x in tests if res[x]["ratio"])
                ax.set_title("%s: rates, slhttpd / nginx\n%s" % (nic, ratios),
                             fontsize=9)
            ax.legend(fontsize=8, loc="upper center", ncol=2)
    if data["native"]:
        nat = data["native"]
        modes = [m for m in MODES if m in nat and m != "copy"]
        ax = axes[0][ncols - 1]
        vals = [nat[m]["ns_per_frame_best"] for m in modes]
        bars = ax.bar(modes, vals, color="#2b7bba")
        ax.axhline(100, color="red", linestyle="--", linewidth=1,
                   label="100 ns target")
        for b, v in zip(bars, vals):
            ax.annotate("%.0f" % v, (b.get_x() + b.get_width() / 2, v),
                        ha="center", va="bottom", fontsize=8)
        ax.set_ylabel("ns per frame (best run)")
        ax.set_title("native slh_handle(): time per frame", fontsize=9)
        ax.legend(fontsize=8)
        ax = axes[1][ncols - 1]
        vals = [nat[m].get("ir_per_frame", 0) for m in modes]
        bars = ax.bar(modes, vals, color="#5a9e4b")
        for b, v in zip(bars, vals):
            ax.annotate(fmt(v), (b.get_x() + b.get_width() / 2, v),
                        ha="center", va="bottom", fontsize=8)
        ax.set_ylabel("instructions per frame (callgrind)")
        ax.set_title("native slh_handle(): instructions per frame",
                     fontsize=9)
        axes[2][ncols - 1].axis("off")
    fig.suptitle("make bench-http, %s (TCG lab: instructions are exact, "
                 "rates are the emulator's)" % data["generated"],
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def read(raw, data):
    data["native"] = native(raw)
    data["lab"] = {}
    for d in sorted(glob.glob(os.path.join(raw, "lab-*"))):
        data["lab"][os.path.basename(d)[4:]] = lab(d)
    return bool(data["native"] or data["lab"])


if __name__ == "__main__":
    main(__doc__, "report.py", "slhttpd", "bench-http", read, rst, plot)
