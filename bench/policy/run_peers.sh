#!/usr/bin/env bash
# Runs policy_bench and the npm peer engines (@cloud-copilot/iam-simulate,
# @cedar-policy/cedar-wasm) on the same scenarios (scenarios.json) and prints a side-by-side table.
#
#   bench/policy/run_peers.sh [BUILD_DIR]      (default BUILD_DIR: build; needs policy_bench built)
#   PEER_BUDGET_MS=2000 bench/policy/run_peers.sh build-policy
#
# The peers are installed on first use into bench/policy/peers/node_modules (npm registry needed);
# without node/npm the table shows policy_bench alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-build}"
[[ "$build" = /* ]] || build="$root/$build"
bench="$build/policy_bench"
[[ -x "$bench" ]] || { echo "no $bench: build it first (ninja -C $build policy_bench)" >&2; exit 2; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "== policy_bench ($bench)" >&2
"$bench" --benchmark_filter='^decision/' --benchmark_min_time="${CITADEL_MIN_TIME:-1}" \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$out/citadel.json"

: >"$out/peers.jsonl"
if command -v node >/dev/null && command -v npm >/dev/null; then
  if [[ ! -d "$here/peers/node_modules/@cedar-policy/cedar-wasm" || ! -d "$here/peers/node_modules/@cloud-copilot/iam-simulate" ]]; then
    echo "== npm install (peers)" >&2
    (cd "$here/peers" && npm install --no-audit --no-fund --loglevel=error >&2) || echo "npm install failed: peers skipped" >&2
  fi
  if [[ -d "$here/peers/node_modules/@cloud-copilot/iam-simulate" ]]; then
    echo "== peers (node $(node --version))" >&2
    node "$here/peers/bench_peers.mjs" >"$out/peers.jsonl"
  fi
else
  echo "node/npm not found: peers skipped" >&2
fi

python3 - "$out/citadel.json" "$out/peers.jsonl" <<'PY'
import json, sys
citadel = json.load(open(sys.argv[1]))
ours = {}
for b in citadel["benchmarks"]:
    if b.get("aggregate_name") == "median":
        name = b["run_name"].split("/", 1)[1]
        ns = b["cpu_time"] * {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]
        ours[name] = ns
peers = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
engines = []
for p in peers:
    if p["engine"] not in engines:
        engines.append(p["engine"])
def fmt(ns):
    return f"{ns/1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"
print(f"{'scenario':<17} {'citadel':>10} {'decisions/s':>12}", end="")
for e in engines:
    print(f" | {e:>28} {'x slower':>9}", end="")
print()
for name, ns in ours.items():
    print(f"{name:<17} {fmt(ns):>10} {1e9/ns:>12,.0f}", end="")
    for e in engines:
        hit = [p for p in peers if p["engine"] == e and p["scenario"] == name]
        if hit:
            pn = hit[0]["ns_per_decision"]
            print(f" | {fmt(pn):>28} {pn/ns:>8,.0f}x", end="")
        else:
            print(f" | {'n/a':>28} {'':>9}", end="")
    print()
disagree = [p for p in peers if p["decision"] not in ("Allowed",)]
if disagree:
    print("peer decisions that differ from Allowed:", disagree)
PY
