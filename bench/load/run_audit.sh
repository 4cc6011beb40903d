#!/usr/bin/env bash
# What auditing costs: the same load against citadel with its audit trail, and against citadel
# started with --benchmark-without-audit (a benchmark-only switch), same machine, same signing load
# generator as run.sh (2 connections per core, keep-alive, a fresh signature per request).
#   reads:  sts GetCallerIdentity (its record is appended to the audit journal)
#   writes: kms TagResource on one key, setting the tag it already has (the call's transaction
#           changes no row, so its record is appended after the commit, as a read's is)
#   changes: kms TagResource giving the tag a new value on every request (the record goes to the
#           journal from inside the call's transaction, which commits a marker row with the change)
# Prints req/s of each and the ratio audited/unaudited (ROUNDS=N alternations, default 3;
# KINDS="reads writes" picks the loads).
#   bench/load/run_audit.sh [SECONDS]     (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
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

# One load of `kind` (reads, writes or changes) against server X; prints its JSON line.
load() {
  local port="port_$1" key="key_$1" secret="secret_$1" tag="tag_$1"
  [ "$2" = changes ] && tag="retag_$1"
  if [ "$2" = reads ]; then
    ./build/citadel_load --port "${!port}" --connections "$conns" --seconds "$seconds" --access-key "${!key}" --secret "${!secret}" --service sts
  else
    ./build/citadel_load --port "${!port}" --connections "$conns" --seconds "$seconds" --access-key "${!key}" --secret "${!secret}" \
      --service kms --target TrentService.TagResource --body "${!tag}"
  fi
}

# Both servers run side by side (only the one under load is busy); rounds alternate them, so a
# slow spell of the machine weighs on both, and the figure is the median round's ratio.
pids=()
start_server audited
start_server unaudited --benchmark-without-audit
rounds=${ROUNDS:-3}
for kind in ${KINDS:-reads writes changes}; do
  lines=()
  for _ in $(seq "$rounds"); do lines+=("$(load audited $kind)|$(load unaudited $kind)"); done
  python3 - "$kind" "${lines[@]}" <<'PY'
import json, sys
kind = sys.argv[1]
rounds = []
for line in sys.argv[2:]:
    a, u = (json.loads(x) for x in line.split("|"))
    rounds.append((a["rps"] / u["rps"], a, u))
rounds.sort(key=lambda r: r[0])
ratio, a, u = rounds[len(rounds) // 2]
errors = sum(x["errors"] + x["non_2xx"] for _, p, q in rounds for x in (p, q))
name = {"reads": "GetCallerIdentity (journal)",
        "writes": "kms TagResource, same tag (journal; no change, so no marker row)",
        "changes": "kms TagResource, new tag value each time (journal, marker row in the call's transaction)"}[kind]
print(f"{name}: ratios by round {', '.join(f'{r[0]:.2f}' for r in rounds)}; median round: audited {a['rps']:.0f} req/s "
      f"p99 {a['p99_us']:.0f} us, unaudited {u['rps']:.0f} req/s p99 {u['p99_us']:.0f} us, ratio {ratio:.2f}; errors {errors}")
PY
done
