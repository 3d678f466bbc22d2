#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Results of make bench-xdp: JSON, plot and the rst table.

Reads what tools/bench/bench-xdp.sh left in build/bench/xdp-raw:

  config                      the BENCH_* settings
  lab-NIC/lab, status, done   one lab VM per NIC
  lab-NIC/R-TEST-TARGET/      one measurement: meta, guest-window (the
                              guest's own two samples), host0/1 (tap and
                              replies counters), trafgen.out,
                              ndiv-stats (ndiv's counters, totals since
                              the lab booted) or xdp-bench.log

and writes the JSON (--json), a PNG (--png) and, between the RESULTS
markers of --rst, the tables. A measurement that is missing or failed is
shown as such, never guessed.
"""
import glob
import os

from benchreport import (END, USER_HZ, delta, fmt, guest_window, main,
                         median, read_kv, read_text, ratio, table, wrap)

TESTS = ("drop", "tx")
LOADS = ("max", "fixed")
TEST_TITLE = {"drop": "drop", "tx": "reflect (TX)"}
TARGETS = ("ndiv", "xdp-native", "xdp-generic")
TARGET_TITLE = {
    "ndiv": "ndiv (native hook)",
    "xdp-native": "XDP native",
    "xdp-generic": "XDP generic (skb)",
}
NDIV_APP = {"drop": "bench-drop", "tx": "bench-reflect"}
XDP_PROG = {"drop": "xdp-bench drop -p no-touch",
            "tx": "xdp-bench tx -p swap-macs"}


def measurement(d):
    meta = read_kv(os.path.join(d, "meta"))
    r = {"test": meta.get("test"), "load": meta.get("load"),
         "target": meta.get("target"), "rep": int(meta.get("rep", 0))}
    g = guest_window(os.path.join(d, "guest-window"))
    h0 = read_kv(os.path.join(d, "host0"))
    h1 = read_kv(os.path.join(d, "host1"))
    if 0 not in g or 1 not in g or "time" not in h0 or "time" not in h1:
        r["error"] = "incomplete samples"
        return r
    secs = g[1]["uptime"] - g[0]["uptime"]
    rx = g[1]["rx"] - g[0]["rx"]
    busy = g[1]["busy"] - g[0]["busy"]
    total = g[1]["total"] - g[0]["total"]
    hsecs = float(h1["time"]) - float(h0["time"])
    if secs <= 0 or hsecs <= 0 or rx <= 0:
        r["error"] = "no frames received"
        return r
    r.update({
        "seconds": round(secs, 2),
        "rx_pps": rx / secs,
        "offered_pps": delta(h0, h1, "tap_tx_packets") / hsecs,
        "tap_drops_pps": delta(h0, h1, "tap_tx_dropped") / hsecs,
        "guest_busy": busy / total if total else None,
        "cpu_ns_per_frame": busy * 1e9 / USER_HZ / rx,
    })
    if "replies" in h0 and "replies" in h1:
        r["tx_pps"] = delta(h0, h1, "replies") / hsecs
    stats = {}
    for line in (read_text(os.path.join(d, "ndiv-stats")) or "").split():
        k, _, v = line.partition(":")
        if v.isdigit():
            stats[k] = int(v)
    if stats:
        r["ndiv_stats"] = stats
    return r


def lab(d):
    res = {"info": read_kv(os.path.join(d, "lab")),
           "status": (read_text(os.path.join(d, "status")) or "?").strip(),
           "complete": os.path.exists(os.path.join(d, "done")),
           "runs": [], "results": {}}
    for m in sorted(glob.glob(os.path.join(d, "*-*-*-*"))):
        if os.path.isdir(m):
            res["runs"].append(measurement(m))
    for test, load, target in ((t, ld, g) for t in TESTS for ld in LOADS
                               for g in TARGETS):
        runs = [x for x in res["runs"] if x["test"] == test and
                x["load"] == load and x["target"] == target and
                "error" not in x]
        if runs:
            res["results"]["%s/%s/%s" % (test, load, target)] = {
                "n": len(runs),
                "rx_pps": median(runs, "rx_pps"),
                "tx_pps": median(runs, "tx_pps"),
                "offered_pps": median(runs, "offered_pps"),
                "guest_busy": median(runs, "guest_busy"),
                "cpu_ns_per_frame": median(runs, "cpu_ns_per_frame"),
            }
    return res


def rate_key(test):
    """What a test's rate is: frames dropped, or frames sent back."""
    return "rx_pps" if test == "drop" else "tx_pps"


def comparisons(data):
    """(nic, test, xdp target, {load: ndiv result}, {load: xdp result})."""
    for nic, L in data["lab"].items():
        R = L["results"]
        for test in TESTS:
            n = {ld: R.get("%s/%s/ndiv" % (test, ld)) or {} for ld in LOADS}
            for target in TARGETS[1:]:
                x = {ld: R.get("%s/%s/%s" % (test, ld, target)) or {}
                     for ld in LOADS}
                if any(x.values()):
                    yield nic, test, target, n, x


def rst(data, begin):
    out = [begin, ""]
    out.append("Measured on %s by ``%s``." % (data["generated"],
                                            data["command"]))
    mach = data["machine"]
    cfg = data["config"]
    out.append("")
    out.append(wrap(
        "Machine: %d cores (%s), host kernel %s, %s. Guests: TCG, %s "
        "vCPUs, one queue pair; %s rounds of %s s floods after %s s of "
        "warm-up, medians." % (
            mach["cpus"], mach["cpu"], mach["host_kernel"], mach["qemu"],
            cfg.get("BENCH_SMP"), cfg.get("BENCH_REPEAT"),
            cfg.get("BENCH_DURATION"), cfg.get("BENCH_WARMUP"))))
    out.append("")
    rows = []
    for nic, test, target, n, x in comparisons(data):
        k = rate_key(test)
        nm, xm = n["max"], x["max"]
        nc = n["fixed"].get("cpu_ns_per_frame")
        xc = x["fixed"].get("cpu_ns_per_frame")
        rows.append([
            nic, TEST_TITLE[test], TARGET_TITLE[target],
            fmt(nm.get(k)), fmt(xm.get(k)),
            fmt(ratio(nm.get(k), xm.get(k)), 2),
            fmt(nc), fmt(xc), fmt(ratio(xc, nc), 2)])
    out.append(table(
        ["NIC", "test", "against", "ndiv frames/s", "XDP frames/s",
         "ratio", "ndiv CPU ns/frame", "XDP CPU ns/frame", "CPU ratio"],
        rows))
    out.append("")
    out.append(wrap(
        "*frames/s*, at the maximum load: frames dropped per second (drop) "
        "or sent back out of the NIC per second (reflect), from the guest "
        "driver's receive counter over the guest's clock and the host "
        "tap's count of returned frames. *ratio*: ndiv / XDP. *CPU "
        "ns/frame*, at the fixed load of %s frames/s: guest CPU time (all "
        "vCPUs, busy) per received frame; *CPU ratio*: XDP / ndiv, above "
        "1 when ndiv spends less. ndiv runs %s and %s; XDP runs %s and "
        "%s." % (fmt(int(cfg.get("BENCH_RATE") or 0)), NDIV_APP["drop"],
                 NDIV_APP["tx"], XDP_PROG["drop"], XDP_PROG["tx"])))
    out.append("")
    out.append("Offered load and guest saturation per run:")
    out.append("")
    rows = []
    for nic, L in data["lab"].items():
        for key, r in L["results"].items():
            test, load, target = key.split("/")
            rows.append([nic, TEST_TITLE[test], load, TARGET_TITLE[target],
                         fmt(r.get("offered_pps")), fmt(r.get("rx_pps")),
                         fmt(r.get("tx_pps")),
                         "n/a" if r.get("guest_busy") is None else
                         "%d%%" % round(r["guest_busy"] * 100),
                         str(r["n"])])
        bad = [x for x in L["runs"] if "error" in x]
        for x in bad:
            rows.append([nic, TEST_TITLE.get(x["test"], "?"),
                         x.get("load") or "?",
                         TARGET_TITLE.get(x["target"], "?"),
                         "failed: " + x["error"], "", "", "", ""])
    out.append(table(["NIC", "test", "load", "program", "offered/s",
                      "received/s", "returned/s", "guest busy", "runs"],
                     rows))
    out.append("")
    out.append(END)
    return "\n".join(out)


def plot(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    comps = list(comparisons(data))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    labels = ["%s %s\nvs XDP %s" % (nic, test, t.split("-")[1])
              for nic, test, t, _, _ in comps]
    xs = range(len(comps))
    w = 0.38
    for ax, load, key_of, title, unit in (
            (axes[0], "max", rate_key,
             "frames per second, maximum load (higher is better)",
             "frames/s"),
            (axes[1], "fixed", lambda t: "cpu_ns_per_frame",
             "guest CPU per frame, fixed load (lower is better)",
             "ns/frame")):
        nv = [n[load].get(key_of(test)) or 0 for _, test, _, n, _ in comps]
        xv = [x[load].get(key_of(test)) or 0 for _, test, _, _, x in comps]
        ax.bar([i - w / 2 for i in xs], nv, w, label="ndiv",
               color="#3b6ea5")
        ax.bar([i + w / 2 for i in xs], xv, w, label="XDP",
               color="#c8553d")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_ylabel(unit)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=8)
    fig.suptitle("make bench-xdp, %s (TCG lab: ratios matter, not "
                 "absolute numbers)" % data["generated"], fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def read(raw, data):
    data["lab"] = {}
    for d in sorted(glob.glob(os.path.join(raw, "lab-*"))):
        data["lab"][os.path.basename(d)[4:]] = lab(d)
    return any(L["results"] for L in data["lab"].values())


if __name__ == "__main__":
    main(__doc__, "report-xdp.py", "xdp", "bench-xdp", read, rst, plot)
