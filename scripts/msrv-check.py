#!/usr/bin/env python3
"""Checks that the library's declared MSRV (`rust-version` in Cargo.toml) is at least the
`rust-version` of every crate it depends on (normal dependencies, all features), so the MSRV
we promise is one that can actually build. Prints the binding crates; exits 1 when one needs a
newer Rust than we declare."""
import json, subprocess, sys

meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--format-version", "1", "--all-features", "--locked"]))
pkgs = {p["id"]: p for p in meta["packages"]}
root = next(p for p in meta["packages"] if p["name"] == "leptos_cognito")
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}

def ver(v):
    return tuple(int(x) for x in (v or "0").split(".")) + (0,) * (3 - len((v or "0").split(".")))

ours = ver(root.get("rust_version"))
seen, todo = set(), [root["id"]]
while todo:
    pid = todo.pop()
    if pid in seen:
        continue
    seen.add(pid)
    for d in nodes[pid]["deps"]:
        if any(k["kind"] is None for k in d["dep_kinds"]):
            todo.append(d["pkg"])
seen.discard(root["id"])
needs = sorted(((ver(pkgs[p].get("rust_version")), pkgs[p]["name"], pkgs[p]["version"]) for p in seen), reverse=True)
top = needs[0]
print(f"declared rust-version {root.get('rust_version')}; highest among {len(seen)} dependencies: "
      + ", ".join(f"{n} {v} needs {'.'.join(map(str, r))}" for r, n, v in needs[:3]))
bad = [(r, n, v) for r, n, v in needs if r > ours]
if bad:
    print("MSRV too low for: " + ", ".join(f"{n} {v} ({'.'.join(map(str, r))})" for r, n, v in bad))
    sys.exit(1)
print("msrv: ok")
