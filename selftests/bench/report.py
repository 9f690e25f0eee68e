#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The shoal authors.
#
# Turns the raw results of selftests/bench/guest.sh (one directory per VM
# boot, i.e. per CPU model) into figures: min/median/max over repetitions
# per scenario and system, ratios between systems computed inside each
# boot, issue #5's targets checked against them, a table on stdout,
# results.json, and PNG plots (if matplotlib is there).
#
#   report.py BENCHDIR        reads BENCHDIR/raw/*/, writes BENCHDIR/results.json,
#                             BENCHDIR/throughput.png, BENCHDIR/fanout.png and
#                             BENCHDIR/table-MODEL.rst (for performance.rst)

import json
import os
import re
import statistics
import sys
import time

SYSTEMS = ["veth", "vxlan", "wg", "shoal"]


def percentile(xs, p):
    """The p-th percentile of xs (nearest rank)."""
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def summary(values):
    return {"reps": len(values), "values": values, "min": min(values),
            "median": statistics.median(values), "max": max(values)}


def iperf_value(path, scen):
    """S1/S2: received Mbit/s; S3: received datagrams/s (64-byte)."""
    with open(path) as f:
        d = json.load(f)
    if "error" in d:
        raise ValueError(d["error"])
    r = d["end"]["sum_received"]
    if scen == "s3":
        length = d["start"]["test_start"]["blksize"]
        return r["bytes"] / length / r["seconds"]
    return r["bits_per_second"] / 1e6


def iperf_flow(path):
    """S1: the sender's mean RTT (us) and largest congestion window (kB)."""
    with open(path) as f:
        d = json.load(f)
    snd = d["end"]["streams"][0]["sender"]
    return snd["mean_rtt"], snd["max_snd_cwnd"] / 1000.0


def ping_times(path):
    """Per-reply round trip times of a ping output, in microseconds."""
    with open(path) as f:
        return [float(m.group(1)) * 1000
                for m in re.finditer(r"time=([0-9.]+) ms", f.read())]


def tcrypt(path, name=None, bits=None):
    """{(direction, block size): bytes per second}, and the driver name; of
    the algorithm called name and keys of that many bits, if given."""
    speeds, direction, driver = {}, None, None
    with open(path) as f:
        for line in f:
            m = re.search(r"testing speed of (\S+) \((\S+)\) "
                          r"(encryption|decryption)", line)
            if m:
                direction = m.group(3) if name in (None, m.group(1)) else None
                driver = m.group(2) if direction else driver
                continue
            m = re.search(r"(\d+) bit key, (\d+) byte blocks\): (\d+) "
                          r"operations in (\d+) seconds \((\d+) bytes\)", line)
            if m and direction and bits in (None, int(m.group(1))):
                speeds[(direction, int(m.group(2)))] = \
                    int(m.group(5)) / int(m.group(4))
                continue
            m = re.search(r"(\d+) byte blocks\): (\d+) operations in (\d+) "
                          r"seconds \((\d+) bytes\)", line)
            if m and direction and "bit key" not in line:
                speeds[(direction, int(m.group(1)))] = \
                    int(m.group(4)) / int(m.group(3))
    return speeds, driver


def shoal_aead(path):
    """{cipher: (seal, open) bytes per second} of shoal's own AEAD rate
    (modprobe shoal aead_rate=1)."""
    rates = {}
    with open(path) as f:
        for line in f:
            m = re.search(r"AEAD rate of (\S+) on CPU \d+, \d+-byte datagrams: "
                          r"seal (\d+) MB/s, open (\d+) MB/s", line)
            if m:
                rates[m.group(1)] = (int(m.group(2)) * 1e6,
                                     int(m.group(3)) * 1e6)
    return rates


RUN_TIME = {}


def s1_extra(add, rundir, r, mbit):
    """S1 beside its goodput: where each end's CPU went, the flow's state."""
    sys_ = r["system"]
    if "busy_a" in r:
        add(("s1_busy_a", sys_, ""), r["busy_a"])
        add(("s1_busy_b", sys_, ""), r["busy_b"])
        if "mtu" in r and mbit:
            # CPU per inner TCP segment (IPv4, timestamps: the MSS is the
            # MTU less 52 bytes), each end.
            segs = mbit * 1e6 / 8 / (r["mtu"] - 52)
            add(("s1_seg_a", sys_, ""), r["busy_a"] * 1e6 / segs)
            add(("s1_seg_b", sys_, ""), r["busy_b"] * 1e6 / segs)
    if r.get("dev_rx") and "dev_rx_a" in r:
        # Packets A's tunnel device received (acknowledgements) per packet
        # B's received.
        add(("s1_acks", sys_, ""), r["dev_rx_a"] / r["dev_rx"])
    rtt, cwnd = iperf_flow(os.path.join(rundir, r["file"]))
    add(("s1_rtt", sys_, ""), rtt)
    add(("s1_cwnd", sys_, ""), cwnd)


def load_run(rundir):
    """Everything measured in one boot: {(scenario, system, params): [values]}."""
    vals = {}
    aux = {}

    def add(key, v):
        vals.setdefault(key, []).append(v)

    pings = {}
    with open(os.path.join(rundir, "raw.jsonl")) as f:
        records = [json.loads(line) for line in f if line.strip()]
    for r in records:
        scen, sys_, rep = r["scenario"], r["system"], r["rep"]
        try:
            if r.get("kind") == "iperf3":
                v = iperf_value(os.path.join(rundir, r["file"]), scen)
                if scen == "s3":
                    # Delivered by the tunnel (B's inner device) per
                    # second; what the application read is s3_app.
                    add(("s3_app", sys_, ""), v)
                    meta_t = r.get("seconds") or RUN_TIME.get(rundir)
                    add(("s3", sys_, ""), r["dev_rx"] / meta_t)
                else:
                    add((scen, sys_, ""), v)
                if scen == "s1":
                    s1_extra(add, rundir, r, v)
            elif r.get("kind") == "ping":
                t = ping_times(os.path.join(rundir, r["file"]))
                if t:
                    pings[(sys_, rep)] = t
                    add(("s4_p50", sys_, ""), percentile(t, 50))
                    add(("s4_p99", sys_, ""), percentile(t, 99))
            elif r.get("kind") == "tcrypt":
                speeds, driver = tcrypt(os.path.join(rundir, r["file"]))
                aux["tcrypt_driver"] = driver
                aux["tcrypt"] = {"%s %d" % k: v for k, v in speeds.items()}
            elif r.get("kind") == "shoal-aead":
                aux["shoal_aead"] = shoal_aead(os.path.join(rundir, r["file"]))
            elif r.get("kind") == "tcrypt-gcm":
                speeds, driver = tcrypt(os.path.join(rundir, r["file"]),
                                        "gcm(aes)", 256)
                aux["tcrypt_gcm_driver"] = driver
                aux["tcrypt_gcm"] = {"%s %d" % k: v for k, v in speeds.items()}
            elif scen == "s5rx":
                rate = r["rx_packets"] / r["send_seconds"]
                add(("s5rx", sys_, "1400 B"), rate)
                # The sender's unicast rate: one encrypted send each.
                add(("s5rx_send", sys_, "1400 B"), r["sent"] / r["send_seconds"])
                if r.get("busy_b"):
                    # What one receiver CPU decrypts per second of work.
                    add(("s5rx_cap", sys_, "1400 B"), rate / r["busy_b"])
            elif scen == "s5":
                p = "N=%d %d B" % (r["n"], r["size"])
                add(("s5", sys_, p), r["copies"] / r["send_seconds"])
                add(("s5_inner", sys_, p), r["sent"] / r["send_seconds"])
                if "busy_a" in r:
                    # Both CPUs' work: WireGuard encrypts on every CPU.
                    cpus = r["busy_a"] + r["busy_b"]
                    add(("s5_cpu", sys_, p),
                        r["copies"] / r["send_seconds"] / max(cpus, 1e-3))
            elif scen == "s6":
                p = "%d peers" % r["peers"]
                add(("s6_add", sys_, p), r["add_seconds"])
                if sys_ == "shoal" and "add_files_seconds" in r:
                    add(("s6_add_files", sys_, p), r["add_files_seconds"])
                add(("s6_dump", sys_, p), r["dump_seconds"])
                add(("s6_mem", sys_, p), r["kernel_kb"] * 1024.0 / r["peers"])
                if "charged_slab" in r:
                    add(("s6_charged_slab", sys_, p),
                        r["charged_slab"] / r["peers"])
                    add(("s6_charged_pcpu", sys_, p),
                        r["charged_percpu"] / r["peers"])
                if "freed_kb" in r:
                    add(("s6_mem_freed", sys_, p),
                        r["freed_kb"] * 1024.0 / r["peers"])
                    add(("s6_empty", sys_, p), r["empty_seconds"])
        except (OSError, ValueError, KeyError, ZeroDivisionError) as e:
            print("report: %s: %s %s rep %s: %s" % (rundir, scen, sys_, rep, e),
                  file=sys.stderr)
    # S4 as added over plain veth, repetition by repetition (same boot,
    # same moment).
    for (sys_, rep), t in pings.items():
        base = pings.get(("veth", rep))
        if sys_ == "veth" or not base:
            continue
        add(("s4_p50_added", sys_, ""), percentile(t, 50) - percentile(base, 50))
        add(("s4_p99_added", sys_, ""), percentile(t, 99) - percentile(base, 99))
    return vals, aux


UNITS = {
    "s1": "Mbit/s", "s2": "Mbit/s", "s3": "pps", "s3_app": "pps", "s4_p50": "us",
    "s4_p99": "us", "s4_p50_added": "us", "s4_p99_added": "us",
    "s5rx": "pps", "s5rx_cap": "pps/CPU", "s5": "copies/s",
    "s5_cpu": "copies/CPU-s", "s5_inner": "packets/s",
    "s6_add": "s", "s6_add_files": "s", "s6_dump": "s", "s6_mem": "bytes/peer",
    "s6_mem_freed": "bytes/peer", "s6_charged_slab": "bytes/peer",
    "s6_charged_pcpu": "bytes/peer", "s6_empty": "s", "s7": "x", "s7_open": "x",
    "s5rx_send": "pps", "s1_busy_a": "fraction", "s1_busy_b": "fraction",
    "s1_seg_a": "us", "s1_seg_b": "us", "s1_rtt": "us", "s1_cwnd": "kB",
    "s1_acks": "per rx packet",
}
TITLES = {
    "s1": "S1 TCP 1 flow", "s2": "S2 TCP 8 flows", "s3": "S3 UDP 64 B delivered",
    "s3_app": "S3 UDP 64 B read by iperf3",
    "s4_p50": "S4 RTT p50", "s4_p99": "S4 RTT p99",
    "s4_p50_added": "S4 p50 added over veth",
    "s4_p99_added": "S4 p99 added over veth",
    "s5rx": "S5 one receiver's rx (decrypt)",
    "s5rx_cap": "S5 rx per busy rx CPU-second", "s5": "S5 fan-out copies",
    "s5_cpu": "S5 copies per busy CPU-second",
    "s5_inner": "S5 fan-out inner pkts", "s6_add": "S6 add peers",
    "s6_add_files": "S6 add peers, a key file each",
    "s6_dump": "S6 dump peers", "s6_mem": "S6 kernel memory (add)",
    "s6_mem_freed": "S6 kernel memory (freed)",
    "s6_charged_slab": "S6 memcg charge, slab",
    "s6_charged_pcpu": "S6 memcg charge, per-CPU",
    "s6_empty": "S6 dump of 0 peers",
    "s1_busy_a": "S1 sender CPU busy", "s1_busy_b": "S1 receiver CPU busy", "s5rx_send": "S5 unicast send rate",
    "s1_seg_a": "S1 sender CPU per segment",
    "s1_seg_b": "S1 receiver CPU per segment",
    "s1_rtt": "S1 sender's mean RTT", "s1_cwnd": "S1 sender's largest cwnd",
    "s1_acks": "S1 packets A received / B received",
    "s7": "S7 S1 / 1 vCPU AEAD",
    "s7_open": "S7 S1 / 1 vCPU open, shoal's code",
}


def analyse(vals, aux):
    """Summaries, S7, ratios and targets of one boot."""
    med = {k: statistics.median(v) for k, v in vals.items()}
    out = {"scenarios": [], "ratios": {}, "targets": []}
    for (scen, sys_, p), v in sorted(vals.items()):
        e = {"scenario": scen, "title": TITLES.get(scen, scen), "system": sys_,
             "params": p, "unit": UNITS.get(scen, "")}
        e.update(summary(v))
        out["scenarios"].append(e)

    def add_s7(scen, rate, systems):
        """S1 goodput of each of systems over rate, bytes per second."""
        for sys_ in systems:
            v = vals.get(("s1", sys_, ""))
            if v:
                s7 = [x * 1e6 / 8 / rate for x in v]
                vals[(scen, sys_, "")] = s7
                med[(scen, sys_, "")] = statistics.median(s7)
                e = {"scenario": scen, "title": TITLES[scen], "system": sys_,
                     "params": "", "unit": "x"}
                e.update(summary(s7))
                out["scenarios"].append(e)

    # S7: S1 goodput over one vCPU's AEAD throughput (1420-byte blocks),
    # of the cipher each system uses.
    for tc, systems in (("tcrypt", ("wg", "shoal")), ("tcrypt_gcm", ("shoal-aes",))):
        aead = aux.get(tc, {}).get("encryption 1420")
        if not aead:
            continue
        out["aead" if tc == "tcrypt" else "aead_gcm"] = {
            "driver": aux.get(tc + "_driver"),
            "encryption_1420_MBps": aead / 1e6,
            "decryption_1420_MBps": aux[tc].get("decryption 1420", 0) / 1e6}
        add_s7("s7", aead, systems)

    # The same over one vCPU's rate of opening 1420-byte datagrams with the
    # kernel's AEAD code as shoal's packet path calls it (WireGuard calls
    # the same ChaCha20-Poly1305 library): what one receiving CPU could
    # open if it did nothing else.
    rates = aux.get("shoal_aead", {})
    if rates:
        out["aead_shoal"] = {c: {"seal_1420_MBps": v[0] / 1e6,
                                 "open_1420_MBps": v[1] / 1e6}
                             for c, v in rates.items()}
    for cipher, systems in (("chacha20-poly1305", ("wg", "shoal")),
                            ("aes-256-gcm", ("shoal-aes",))):
        if cipher in rates:
            add_s7("s7_open", rates[cipher][1], systems)

    def ratio(name, a, b):
        if a in med and b in med and med[b]:
            out["ratios"][name] = med[a] / med[b]
        return out["ratios"].get(name)

    for scen in ("s1", "s2", "s3", "s3_app", "s5rx", "s5rx_cap"):
        for other in ("wg", "vxlan", "veth"):
            ratio("%s shoal/%s" % (scen, other), (scen, "shoal", ""), (scen, other, ""))
            ratio("%s shoal/%s" % (scen, other), (scen, "shoal", "1400 B"),
                  (scen, other, "1400 B"))
        ratio("%s wg/vxlan" % scen, (scen, "wg", ""), (scen, "vxlan", ""))
        for other in ("shoal", "wg"):
            for p in ("", "1400 B"):
                ratio("%s shoal-aes/%s" % (scen, other), (scen, "shoal-aes", p),
                      (scen, other, p))
    ratio("s4 p50 added shoal/wg", ("s4_p50_added", "shoal", ""),
          ("s4_p50_added", "wg", ""))
    ratio("s4 p99 added shoal/wg", ("s4_p99_added", "shoal", ""),
          ("s4_p99_added", "wg", ""))
    ratio("s4 p50 added shoal-aes/shoal", ("s4_p50_added", "shoal-aes", ""),
          ("s4_p50_added", "shoal", ""))
    params = sorted({p for (s, _, p) in vals if s == "s5"},
                    key=lambda p: [int(x) for x in re.findall(r"\d+", p)])
    for p in params:
        ratio("s5 %s shoal/vxlan" % p, ("s5", "shoal", p), ("s5", "vxlan", p))
        ratio("s5 %s shoal/wg" % p, ("s5", "shoal", p), ("s5", "wg", p))
        ratio("s5 per CPU-s %s shoal/vxlan" % p, ("s5_cpu", "shoal", p),
              ("s5_cpu", "vxlan", p))
        ratio("s5 per CPU-s %s shoal/wg" % p, ("s5_cpu", "shoal", p),
              ("s5_cpu", "wg", p))
        ratio("s5 %s shoal-aes/shoal" % p, ("s5", "shoal-aes", p),
              ("s5", "shoal", p))
    # The cost of one more member, as a fraction of one encrypted send:
    # a packet to N members takes N / copies_per_s(N) seconds.
    for size in (64, 1400):
        c1 = med.get(("s5", "shoal", "N=1 %d B" % size))
        for n in (16, 256, 1024):
            cn = med.get(("s5", "shoal", "N=%d %d B" % (n, size)))
            if c1 and cn:
                t1, tn = 1 / c1, n / cn
                out["ratios"]["s5 member cost/send N=%d %d B" % (n, size)] = \
                    (tn - t1) / (n - 1) / t1
                # The same against one unicast encrypted send (1400 B).
                u = med.get(("s5rx_send", "shoal", "1400 B"))
                if u and size == 1400:
                    out["ratios"]["s5 member cost/unicast send N=%d %d B"
                                  % (n, size)] = (tn - t1) / (n - 1) * u

    def target(what, value, ok):
        out["targets"].append({"target": what, "value": value,
                               "holds": None if value is None else ok(value)})

    r = out["ratios"]
    target("S3 shoal/wg >= 2.0", r.get("s3 shoal/wg"), lambda v: v >= 2.0)
    target("S3 shoal/vxlan >= 0.9", r.get("s3 shoal/vxlan"), lambda v: v >= 0.9)
    target("S4 p50 added shoal/wg <= 0.3", r.get("s4 p50 added shoal/wg"),
           lambda v: v <= 0.3)
    target("S5 N=256 1400 B shoal/vxlan >= 0.8",
           r.get("s5 N=256 1400 B shoal/vxlan"), lambda v: v >= 0.8)
    target("S5 N=256 1400 B shoal/wg >= 3",
           r.get("s5 N=256 1400 B shoal/wg"), lambda v: v >= 3)
    target("S5 one more member <= 0.1 of an encrypted send (N=256, 1400 B)",
           r.get("s5 member cost/send N=256 1400 B"), lambda v: v <= 0.1)
    target("S1 shoal/wg >= 1.5", r.get("s1 shoal/wg"), lambda v: v >= 1.5)
    target("S7 shoal >= 0.7", med.get(("s7", "shoal", "")), lambda v: v >= 0.7)
    target("S6 add 10,000 peers < 1 s", med.get(("s6_add", "shoal", "10000 peers")),
           lambda v: v < 1)
    target("S6 dump 10,000 peers < 1 s", med.get(("s6_dump", "shoal", "10000 peers")),
           lambda v: v < 1)
    return out


def fmt(v, unit):
    if v is None:
        return "-"
    if unit in ("s", "x") or abs(v) < 10:
        return "%.3g" % v
    return "%.0f" % v


def table(label, meta, res):
    """The stdout table of one boot."""
    lines = ["", "== %s: %s, %s CPUs, %s, clock %s, %s" % (
        label, meta.get("cpu_model"), meta.get("cpus"), meta.get("kernel"),
        meta.get("clocksource", "?"), meta.get("date"))]
    p = meta.get("params", {})
    lines.append("   reps %s, iperf3 %s s, %s pings, fan-out %s s per point; "
                 "median (min-max) of the repetitions" % (
                     p.get("reps"), p.get("time"), p.get("pings"),
                     p.get("fanout_time")))
    if "aead" in res:
        lines.append("   AEAD (tcrypt, 1 vCPU, %s, 1420 B): %.1f MB/s encrypt" % (
            res["aead"]["driver"], res["aead"]["encryption_1420_MBps"]))
    for c, v in sorted(res.get("aead_shoal", {}).items()):
        lines.append("   %s (shoal's code, 1 vCPU, 1420 B): seal %.1f, open %.1f MB/s" % (
            c, v["seal_1420_MBps"], v["open_1420_MBps"]))
    if "aead_gcm" in res:
        lines.append("   AES-256-GCM (tcrypt, 1 vCPU, %s, 1420 B): %.1f MB/s encrypt" % (
            res["aead_gcm"]["driver"], res["aead_gcm"]["encryption_1420_MBps"]))
    rows = {}
    for e in res["scenarios"]:
        key = (e["scenario"], e["params"])
        rows.setdefault(key, {})[e["system"]] = e
    head = "%-44s %-12s" % ("scenario", "unit") + "".join(
        "%22s" % s for s in SYSTEMS)
    lines.append(head)
    order = list(TITLES)
    for key in sorted(rows, key=lambda k: (order.index(k[0]) if k[0] in order else 99,
                                           [int(x) for x in re.findall(r"\d+", k[1])])):
        r = rows[key]
        unit = UNITS.get(key[0], "")
        name = TITLES.get(key[0], key[0]) + (" " + key[1] if key[1] else "")
        cells = ""
        for s in SYSTEMS:
            e = r.get(s)
            cells += "%22s" % ("" if e is None else "%s (%s-%s)" % (
                fmt(e["median"], unit), fmt(e["min"], unit), fmt(e["max"], unit)))
        lines.append("%-44s %-12s%s" % (name[:44], unit, cells))
    lines.append("   ratios (of medians):")
    for k, v in res["ratios"].items():
        lines.append("     %-44s %.3f" % (k, v))
    lines.append("   targets (issue #5):")
    for t in res["targets"]:
        state = {True: "holds", False: "MISSED", None: "not measured"}[t["holds"]]
        lines.append("     %-62s %-8s %s" % (
            t["target"], "-" if t["value"] is None else "%.3g" % t["value"], state))
    return "\n".join(lines)


def rst(label, meta, res):
    """The table of one boot as reStructuredText, for performance.rst."""
    rows = {}
    for e in res["scenarios"]:
        rows.setdefault((e["scenario"], e["params"]), {})[e["system"]] = e
    order = list(TITLES)
    body = []
    for key in sorted(rows, key=lambda k: (order.index(k[0]) if k[0] in order else 99,
                                           [int(x) for x in re.findall(r"\d+", k[1])])):
        unit = UNITS.get(key[0], "")
        name = TITLES.get(key[0], key[0]) + (", " + key[1] if key[1] else "")
        cells = []
        for sys_ in SYSTEMS:
            e = rows[key].get(sys_)
            cells.append("" if e is None else "%s (%s-%s)" % (
                fmt(e["median"], unit), fmt(e["min"], unit), fmt(e["max"], unit)))
        body.append([name, unit] + cells)
    head = ["scenario", "unit"] + SYSTEMS
    w = [max(len(r[i]) for r in body + [head]) for i in range(len(head))]
    line = " ".join("=" * x for x in w)
    out = ["-cpu %s: %s, %s vCPUs, %s" % (label, meta.get("cpu_model"),
                                          meta.get("cpus"), meta.get("date")),
           "", line, " ".join(h.ljust(x) for h, x in zip(head, w)), line]
    for r in body:
        out.append(" ".join((c or "-").ljust(x) for c, x in zip(r, w)).rstrip())
    out += [line, "", "Ratios (of medians):", ""]
    for k, v in res["ratios"].items():
        out.append("* %s: %.3f" % (k, v))
    return "\n".join(out)


def plots(benchdir, runs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: no matplotlib, no plots", file=sys.stderr)
        return []
    labels = list(runs)
    colors = {"veth": "#999999", "vxlan": "#4c72b0", "wg": "#dd8452",
              "shoal": "#55a868", "shoal-aes": "#8172b3"}
    written = []

    # Throughput per system: one panel per scenario, a group of bars per
    # CPU model, min-max as error bars.
    have = {e["scenario"] for run in runs.values()
            for e in run["results"]["scenarios"]}
    scens = ["s1", "s2", "s3", "s5rx_cap" if "s5rx_cap" in have else "s5rx"]
    fig, axes = plt.subplots(1, len(scens), figsize=(4 * len(scens), 4))
    for ax, scen in zip(axes, scens):
        width = 0.8 / len(SYSTEMS)
        for j, s in enumerate(SYSTEMS):
            xs, ys, lo, hi = [], [], [], []
            for i, label in enumerate(labels):
                for e in runs[label]["results"]["scenarios"]:
                    if e["scenario"] == scen and e["system"] == s:
                        xs.append(i + (j - (len(SYSTEMS) - 1) / 2) * width)
                        ys.append(e["median"])
                        lo.append(e["median"] - e["min"])
                        hi.append(e["max"] - e["median"])
            if xs:
                ax.bar(xs, ys, width, yerr=[lo, hi], capsize=2,
                       color=colors[s], label=s)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(["-cpu " + l for l in labels])
        ax.set_title(TITLES[scen], fontsize=10)
        ax.set_ylabel(UNITS[scen] + " (log scale)")
        ax.set_yscale("log")
    axes[0].legend(fontsize=8)
    fig.suptitle("shoal bench: throughput per system (median of repetitions, "
                 "min-max bars; emulated VM: compare within a CPU model)",
                 fontsize=9)
    fig.tight_layout()
    path = os.path.join(benchdir, "throughput.png")
    fig.savefig(path, dpi=90)
    plt.close(fig)
    written.append(path)

    # Fan-out: copies/s against N, one panel per inner packet size.
    sizes = sorted({int(re.search(r"(\d+) B", e["params"]).group(1))
                    for run in runs.values()
                    for e in run["results"]["scenarios"] if e["scenario"] == "s5"})
    if sizes:
        fig, axes = plt.subplots(1, len(sizes), figsize=(6 * len(sizes), 4.5),
                                 squeeze=False)
        for ax, size in zip(axes[0], sizes):
            for k, label in enumerate(labels):
                for s in ("vxlan", "wg", "shoal", "shoal-aes"):
                    pts = sorted(
                        (int(re.search(r"N=(\d+)", e["params"]).group(1)), e)
                        for e in runs[label]["results"]["scenarios"]
                        if e["scenario"] == "s5" and e["system"] == s
                        and e["params"].endswith(" %d B" % size))
                    if not pts:
                        continue
                    ax.errorbar([n for n, _ in pts], [e["median"] for _, e in pts],
                                yerr=[[e["median"] - e["min"] for _, e in pts],
                                      [e["max"] - e["median"] for _, e in pts]],
                                color=colors[s], marker="o",
                                linestyle=["-", "--", ":"][k % 3],
                                label="%s (-cpu %s)" % (s, label), capsize=2)
            ax.set_xscale("log", base=2)
            ns = sorted({int(re.search(r"N=(\d+)", e["params"]).group(1))
                         for run in runs.values()
                         for e in run["results"]["scenarios"]
                         if e["scenario"] == "s5"})
            ax.set_xticks(ns)
            ax.set_xticklabels([str(n) for n in ns])
            ax.set_xlabel("receivers N")
            ax.set_ylabel("copies/s on the sender's underlay")
            ax.set_title("S5 fan-out 1:N, %d-byte inner packets" % size,
                         fontsize=10)
            ax.set_ylim(bottom=0)
            ax.legend(fontsize=7)
        fig.tight_layout()
        path = os.path.join(benchdir, "fanout.png")
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    return written


def main():
    benchdir = sys.argv[1] if len(sys.argv) > 1 else "bench"
    rawdir = os.path.join(benchdir, "raw")
    runs = {}
    for label in sorted(os.listdir(rawdir), key=lambda l: (l != "qemu64", l)):
        d = os.path.join(rawdir, label)
        if not os.path.exists(os.path.join(d, "raw.jsonl")):
            print("report: %s: no results" % d, file=sys.stderr)
            continue
        try:
            with open(os.path.join(d, "meta.json")) as f:
                meta = json.load(f)
        except (OSError, ValueError):
            meta = {}
        RUN_TIME[d] = meta.get("params", {}).get("time")
        vals, aux = load_run(d)
        # shoal with AES-256-GCM, when the run had it (BENCH_SYSTEMS).
        if any(s == "shoal-aes" for _, s, _ in vals) and \
                "shoal-aes" not in SYSTEMS:
            SYSTEMS.append("shoal-aes")
        runs[label] = {"meta": meta, "results": analyse(vals, aux)}
    if not runs:
        print("report: no results under %s" % rawdir, file=sys.stderr)
        return 1
    for label, run in runs.items():
        print(table(label, run["meta"], run["results"]))
        with open(os.path.join(benchdir, "table-%s.rst" % label), "w") as f:
            f.write(rst(label, run["meta"], run["results"]) + "\n")
    pngs = plots(benchdir, runs)
    doc = {"generated": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
           "note": "Emulated CPUs (QEMU TCG): only ratios within one run "
                   "(one CPU model) mean anything.",
           "runs": runs, "plots": [os.path.basename(p) for p in pngs]}
    with open(os.path.join(benchdir, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print("\nreport: wrote %s/results.json%s" % (
        benchdir, "".join(", " + p for p in pngs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
