"""Turns the raw benchmark outputs into one table (markdown), see scripts/bench.sh."""
import csv, gzip, json, os, platform, subprocess, sys

out = sys.argv[1]
rows, notes = [], []


def est(name):
    path = f"target/criterion/verify/{name}/new/estimates.json"
    with open(path) as f:
        return json.load(f)["mean"]["point_estimate"]  # nanoseconds


raw = min(est("rsa_verify_raw_a"), est("rsa_verify_raw_b"))
floor = min(est("rsa_verify_parsed_a"), est("rsa_verify_parsed_b"))
full = min(est("verify_full_a"), est("verify_full_b"))
cached = est("verify_cached")
rows.append(("full verification vs raw RSA-2048 verify, parsed key: the floor (ops/s)", 1e9 / full, 1e9 / floor, floor / full, ">= 0.95"))
rows.append(("full verification vs raw RSA-2048 verify, key built per call (jsonwebtoken's pattern) (ops/s)", 1e9 / full, 1e9 / raw, raw / full, "informative"))
notes.append(f"time outside the signature check: {(full - floor) / 1000:.2f} us per access token (target <= ~1 us)")
rows.append(("repeat request, cached vs full verification (ns)", cached, full, cached / full, "<= 0.10"))

logs = [f"{out}/load.log"] + [p for p in (f"{out}/ssr.log", f"{out}/peers.log") if os.path.exists(p)]
for line in (l for path in logs for l in open(path)):
    parts = line.rstrip("\n").split("\t")
    if parts[0] == "FIGURE":
        rows.append((parts[1], float(parts[2]), float(parts[3]), float(parts[4]), parts[5]))
    elif parts[0] == "NOTE":
        notes.append(parts[1])

wasm = "target/site/pkg/leptos_cognito_demo.wasm"
data = open(wasm, "rb").read()
gz = len(gzip.compress(data, 9))
share = None
tw = f"{out}/twiggy.csv"
if os.path.exists(tw) and os.path.getsize(tw) > 0:
    total = ours = 0
    for r in csv.DictReader(open(tw)):
        size = int(r.get("ShallowSize") or 0)
        total += size
        if "leptos_cognito" in r.get("Name", "") and "demo" not in r.get("Name", ""):
            ours += size
    if total:
        share = ours / total
if share is not None:
    rows.append(("library's client code in the demo wasm (KB gzipped, est.)", gz * share / 1024, gz / 1024, share, "<= 20 KB"))
else:
    notes.append("twiggy unavailable: library share of the wasm not measured")
notes.append(f"demo wasm: {len(data)/1024:.0f} KB raw, {gz/1024:.0f} KB gzipped")

cpu = "unknown"
try:
    for l in open("/proc/cpuinfo"):
        if l.startswith("model name"):
            cpu = l.split(":", 1)[1].strip()
            break
except OSError:
    pass
print(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}\n")
print("| figure | ours | baseline (same run) | ratio | target |")
print("|---|---:|---:|---:|---|")
for name, ours, base, ratio, target in rows:
    print(f"| {name} | {ours:,.1f} | {base:,.1f} | {ratio:.3f} | {target} |")
print()
for n in notes:
    print(f"- {n}")
