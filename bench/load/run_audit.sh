#!/usr/bin/env bash
# What auditing costs: the same load against citadel with its audit trail, and against citadel
# started with --benchmark-without-audit (a benchmark-only switch), same machine, same signing load
# generator as run.sh (2 connections per core, keep-alive, a fresh signature per request).
#   reads:  sts GetCallerIdentity (its record is appended to the audit journal)
#   writes: kms TagResource on one key, setting the tag it already has (the call's transaction
#           changes no row, so its record is appended after the commit, as a read's is)
#   changes: kms TagResource giving the tag a new value on every request (the record goes to the
#           journal from inside the call's transaction, noting the store's commit point)
# Rounds alternate the two servers, SECONDS of load each (ROUNDS=N, default 15; KINDS="reads
# writes" picks the loads): the machine's slow and fast spells, which on a shared VM move a single
# load by ±20%, weigh on both alike. CITADEL_ARGS=--benchmark-without-audit runs both servers
# without the trail: that A/A ratio is the machine's noise (±0.08 on the development VM). Prints the ratio of the requests each served in all (the
# figure), the rounds' ratios, and each server's CPU time per request (all its threads: request
# threads, audit indexer, checkpointer), which does not depend on how the load was scheduled.
#   bench/load/run_audit.sh [SECONDS]     (default 1; build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-1}
conns=$((2 * $(nproc)))
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts a fresh server with the given extra arguments and a KMS key to tag; sets the globals
# port_X, key_X, secret_X, tag_X and pid_X for X = $1.
start_server() {
  local name=$1 dir port
  shift
  dir=$(mktemp -d -p "$work")
  port=$(free_port)
  ./build/citadel serve --data "$dir/data" --listen "127.0.0.1:$port" ${CITADEL_ARGS:-} "$@" >"$dir/creds.json" 2>"$dir/citadel.log" &
  pids+=($!)
  printf -v "pid_$name" '%s' "$!"
  for _ in $(seq 100); do [ -s "$dir/creds.json" ] && curl -sf "http://127.0.0.1:$port/_citadel/health" >/dev/null && break; sleep 0.1; done
  python3 - "$dir/creds.json" "$port" >"$dir/bodies" <<'PY'
import json, sys
import boto3
creds = json.load(open(sys.argv[1]))
kms = boto3.client("kms", endpoint_url=f"http://127.0.0.1:{sys.argv[2]}", region_name="us-east-1",
                   aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"])
key = kms.create_key()["KeyMetadata"]["KeyId"]
print(creds["AccessKeyId"]); print(creds["SecretAccessKey"])
print(json.dumps({"KeyId": key, "Tags": [{"TagKey": "bench", "TagValue": "audit"}]}))
print(json.dumps({"KeyId": key, "Tags": [{"TagKey": "bench", "TagValue": "value-{n}"}]}))
PY
  local key secret tag retag
  { read -r key; read -r secret; read -r tag; read -r retag; } <"$dir/bodies"
  printf -v "port_$name" '%s' "$port"; printf -v "key_$name" '%s' "$key"; printf -v "secret_$name" '%s' "$secret"
  printf -v "tag_$name" '%s' "$tag"
  printf -v "retag_$name" '%s' "$retag"
}

# The CPU time server X has used so far, in clock ticks (all its threads).
cpu_ticks() { local pid="pid_$1"; awk '{print $14 + $15}' "/proc/${!pid}/stat"; }

# One load of `kind` (reads, writes or changes) against server X; prints its JSON line, then the
# server's CPU ticks during it.
load() {
  local port="port_$1" key="key_$1" secret="secret_$1" tag="tag_$1" before
  [ "$2" = changes ] && tag="retag_$1"
  before=$(cpu_ticks "$1")
  if [ "$2" = reads ]; then
    ./build/citadel_load --port "${!port}" --connections "$conns" --seconds "$seconds" --access-key "${!key}" --secret "${!secret}" --service sts
  else
    ./build/citadel_load --port "${!port}" --connections "$conns" --seconds "$seconds" --access-key "${!key}" --secret "${!secret}" \
      --service kms --target TrentService.TagResource --body "${!tag}"
  fi
  echo "$(($(cpu_ticks "$1") - before))"
}

# Both servers run side by side (only the one under load is busy).
pids=()
start_server audited
start_server unaudited --benchmark-without-audit
rounds=${ROUNDS:-15}
ticks=$(getconf CLK_TCK)
for kind in ${KINDS:-reads writes changes}; do
  lines=()
  for _ in $(seq "$rounds"); do lines+=("$(load audited $kind | paste -sd' ')|$(load unaudited $kind | paste -sd' ')"); done
  python3 - "$kind" "$ticks" "${lines[@]}" <<'PY'
import json, statistics, sys
kind, ticks = sys.argv[1], int(sys.argv[2])
def parse(x):
    text, cpu = x.rsplit(" ", 1)
    d = json.loads(text)
    d["cpu_s"] = int(cpu) / ticks
    return d
rounds = [tuple(parse(x) for x in line.split("|")) for line in sys.argv[3:]]
req = lambda i: sum(r[i]["requests"] for r in rounds)
secs = lambda i: sum(r[i]["seconds"] for r in rounds)
cpu_us = lambda i: 1e6 * sum(r[i]["cpu_s"] for r in rounds) / req(i)
ratios = sorted(a["rps"] / u["rps"] for a, u in rounds)
errors = sum(x["errors"] + x["non_2xx"] for r in rounds for x in r)
name = {"reads": "GetCallerIdentity (journal)",
        "writes": "kms TagResource, same tag (journal; no change, appended after the commit)",
        "changes": "kms TagResource, new tag value each time (journal, from inside the call's transaction)"}[kind]
print(f"{name}: audited {req(0) / secs(0):.0f} req/s, unaudited {req(1) / secs(1):.0f} req/s, ratio {req(0) / secs(0) / (req(1) / secs(1)):.2f} "
      f"(rounds {ratios[0]:.2f}..{ratios[-1]:.2f}, median {statistics.median(ratios):.2f}); "
      f"server CPU per request {cpu_us(0):.1f} us audited, {cpu_us(1):.1f} us unaudited; errors {errors}")
PY
done
