#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Results of make bench-xdp: JSON, plot and the rst table.

Reads what tools/bench/bench-xdp.sh left in build/bench/xdp-raw:

  config                      the BENCH_* settings
  lab-NIC/lab, status, done   one lab VM per NIC; idle0/1, the idle
                              guest's instructions; insns-ranges, the
                              modules' text ranges
  lab-NIC/R-TEST-LOAD-TARGET/ one measurement: meta, trafgen.out,
                              ndiv-stats (ndiv's counters, totals since
                              the lab booted) or xdp-bench.log; at the
                              maximum load guest-window (the guest's own
                              two samples) and host0/1 (tap and replies
                              counters), at the fixed load insns0/1 (the
                              guest's instructions, tap and replies)

and writes the JSON (--json), a PNG (--png) and, between the RESULTS
markers of --rst, the tables. A measurement that is missing or failed is
shown as such, never guessed.
"""
import glob
import os

from benchreport import (END, GUEST_BOUND, PART_TITLE, PARTS, busiest_vcpu,
                         busy_text, delta, fmt, guest_window, idle,
                         idle_share, insns_between, insns_median, main,
                         median, plot_split, read_kv, read_text, ratio,
                         split_row, table, wrap)

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
    stats = {}
    for line in (read_text(os.path.join(d, "ndiv-stats")) or "").split():
        k, _, v = line.partition(":")
        if v.isdigit():
            stats[k] = int(v)
    if stats:
        r["ndiv_stats"] = stats
    if r["load"] == "fixed":
        r["insns"] = insns_between(d)
        if not r["insns"]:
            r["error"] = "no instruction counts"
        return r
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
        "busiest_vcpu": busiest_vcpu(g[0]["vcpus"], g[1]["vcpus"]),
    })
    if "replies" in h0 and "replies" in h1:
        r["tx_pps"] = delta(h0, h1, "replies") / hsecs
    return r


def lab(d):
    res = {"info": read_kv(os.path.join(d, "lab")),
           "status": (read_text(os.path.join(d, "status")) or "?").strip(),
           "complete": os.path.exists(os.path.join(d, "done")),
           "runs": [], "results": {}, "idle": idle(d),
           "ranges": (read_text(os.path.join(d, "insns-ranges")) or
                      "").splitlines()}
    for m in sorted(glob.glob(os.path.join(d, "*-*-*-*"))):
        if os.path.isdir(m):
            res["runs"].append(measurement(m))
    for test, load, target in ((t, ld, g) for t in TESTS for ld in LOADS
                               for g in TARGETS):
        runs = [x for x in res["runs"] if x["test"] == test and
                x["load"] == load and x["target"] == target and
                "error" not in x]
        if runs and load == "fixed":
            res["results"]["%s/%s/%s" % (test, load, target)] = {
                "n": len(runs), "insns": insns_median(runs)}
        elif runs:
            res["results"]["%s/%s/%s" % (test, load, target)] = {
                "n": len(runs),
                "rx_pps": median(runs, "rx_pps"),
                "tx_pps": median(runs, "tx_pps"),
                "offered_pps": median(runs, "offered_pps"),
                "guest_busy": median(runs, "guest_busy"),
                "busiest_vcpu": median(runs, "busiest_vcpu"),
            }
    return res


def insns(result):
    """A fixed-load result's total instructions per frame."""
    return ((result or {}).get("insns") or {}).get("total")


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
        ni, xi = insns(n["fixed"]), insns(x["fixed"])
        rows.append([nic, TEST_TITLE[test], TARGET_TITLE[target], fmt(ni),
                     fmt(xi), fmt(ratio(xi, ni), 2) + "x"
                     if ratio(xi, ni) else "n/a"])
    out.append(table(["NIC", "test", "against", "ndiv instructions/frame",
                      "XDP instructions/frame", "XDP / ndiv"], rows))
    out.append("")
    shares = [idle_share({"idle": L["idle"], "insns": r.get("insns")})
              for L in data["lab"].values() for r in L["results"].values()]
    shares = [v for v in shares if v is not None]
    out.append(wrap(
        "Instructions the guest executed (kernel and user space, all "
        "vCPUs) per frame handed to it, over %s frames sent at %s "
        "frames/s, with nothing else started in the guest; medians of %s "
        "rounds. *XDP / ndiv*: above 1 when ndiv executes fewer. The idle "
        "guest ran %s instructions/s, at most %s of a count here. ndiv "
        "runs %s and %s; XDP runs %s and %s." % (
            fmt(int(cfg.get("BENCH_FRAMES") or 0)),
            fmt(int(cfg.get("BENCH_RATE") or 0)), cfg.get("BENCH_REPEAT"),
            " / ".join("%s %s" % (nic, fmt((L["idle"] or {}).get(
                "per_second"))) for nic, L in data["lab"].items()),
            "%.1f %%" % (100 * max(shares)) if shares else "n/a",
            NDIV_APP["drop"], NDIV_APP["tx"], XDP_PROG["drop"],
            XDP_PROG["tx"])))
    out.append("")
    out.append(wrap(
        "Where they go, instructions per frame: the text of the driver, of "
        "ndiv's core (ndiv.ko) and of the app (ndiv_bench.ko), the rest of "
        "the kernel (the XDP programs, the stack, interrupts, NAPI) and "
        "user space:"))
    out.append("")
    rows = []
    for nic, L in data["lab"].items():
        for test in TESTS:
            for target in TARGETS:
                r = L["results"].get("%s/fixed/%s" % (test, target))
                if r and r.get("insns"):
                    rows.append([nic, TEST_TITLE[test], TARGET_TITLE[target]]
                                + split_row(r["insns"]))
    out.append(table(["NIC", "test", "program"] +
                     [PART_TITLE[p] for p in PARTS] + ["total"], rows))
    out.append("")
    out.append("Rates at the maximum load, with how busy the guest was:")
    out.append("")
    rows = []
    for nic, test, target, n, x in comparisons(data):
        k = rate_key(test)
        nm, xm = n["max"], x["max"]
        rows.append([
            nic, TEST_TITLE[test], TARGET_TITLE[target],
            fmt(nm.get(k)), fmt(xm.get(k)),
            fmt(ratio(nm.get(k), xm.get(k)), 2), busy_text(nm),
            busy_text(xm)])
    out.append(table(
        ["NIC", "test", "against", "ndiv frames/s", "XDP frames/s",
         "ratio", "ndiv: guest", "XDP: guest"], rows))
    out.append("")
    out.append(wrap(
        "*frames/s*: frames dropped per second (drop) or sent back out of "
        "the NIC per second (reflect), from the guest driver's receive "
        "counter over the guest's clock and the host tap's count of "
        "returned frames. *ratio*: ndiv / XDP. *guest*: the share of its "
        "time the busiest vCPU, and all vCPUs, were busy (/proc/stat); "
        "*load-bound* when no vCPU was %d %% busy: then trafgen and the "
        "emulator set the rate, not the contender." % (
            round(100 * GUEST_BOUND))))
    out.append("")
    out.append("Offered load and guest saturation per run:")
    out.append("")
    rows = []
    for nic, L in data["lab"].items():
        for key, r in L["results"].items():
            test, load, target = key.split("/")
            if load == "fixed":
                continue
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
    out += targets(data)
    out.append(END)
    return "\n".join(out)


def targets(data):
    """The targets, checked against this run: no more instructions than
    native XDP, at least 3x fewer than generic XDP."""
    out = ["Targets", "-------", ""]
    for nic, test, target, n, x in comparisons(data):
        ni, xi = insns(n["fixed"]), insns(x["fixed"])
        if not ni or not xi:
            continue
        if target == "xdp-native":
            ok = ni <= xi
            goal = "ndiv <= XDP native"
        else:
            ok = xi >= 3 * ni
            goal = "XDP generic / ndiv >= 3"
        out.append(wrap("* %s, %s: %s and %s instructions per frame, "
                        "XDP / ndiv = %.2f, target %s: %s" % (
                            nic, TEST_TITLE[test], fmt(ni), fmt(xi),
                            xi / ni, goal, "met" if ok else "**not met**")))
    out.append("")
    return out


def plot(data, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    comps = list(comparisons(data))
    fig, axes = plt.subplots(1, 3, figsize=(17, 5))
    names = ["%s %s\nvs XDP %s" % (nic, test, t.split("-")[1])
             for nic, test, t, _, _ in comps]
    xs = range(len(comps))
    w = 0.38
    # instructions per frame at the fixed load, then the maximum rates
    ni = [insns(n["fixed"]) or 0 for _, _, _, n, _ in comps]
    xi = [insns(x["fixed"]) or 0 for _, _, _, _, x in comps]
    nr = [n["max"].get(rate_key(test)) or 0 for _, test, _, n, _ in comps]
    xr = [x["max"].get(rate_key(test)) or 0 for _, test, _, _, x in comps]
    for ax, nv, xv, labels, title, unit in (
            (axes[0], ni, xi,
             ["%s\n%s" % (m, "x%.2f" % ratio(b, a) if ratio(b, a) else "")
              for m, a, b in zip(names, ni, xi)],
             "guest instructions per frame (lower is better); "
             "x: XDP / ndiv", "instructions/frame"),
            (axes[1], nr, xr, names,
             "frames per second, maximum load (higher is better)",
             "frames/s")):
        ax.bar([i - w / 2 for i in xs], nv, w, label="ndiv",
               color="#3b6ea5")
        ax.bar([i + w / 2 for i in xs], xv, w, label="XDP",
               color="#c8553d")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_ylabel(unit)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=8)
    plot_split(axes[2], [
        ("%s %s %s" % (nic, test, TARGET_TITLE[target].split(" (")[0]),
         L["results"]["%s/fixed/%s" % (test, target)]["insns"])
        for nic, L in data["lab"].items() for test in TESTS
        for target in TARGETS
        if L["results"].get("%s/fixed/%s" % (test, target))],
        "where the instructions go, per frame")
    fig.suptitle("make bench-xdp, %s (TCG lab: instructions are exact, "
                 "rates are the emulator's)" % data["generated"],
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def read(raw, data):
    data["lab"] = {}
    for d in sorted(glob.glob(os.path.join(raw, "lab-*"))):
        data["lab"][os.path.basename(d)[4:]] = lab(d)
    return any(L["results"] for L in data["lab"].values())


if __name__ == "__main__":
    main(__doc__, "report-xdp.py", "xdp", "bench-xdp", read, rst, plot)
