#!/usr/bin/env bash
# What auditing costs: the same load against citadel with its audit trail, and against citadel
# started with --benchmark-without-audit (a benchmark-only switch), same machine, same signing load
# generator as run.sh (2 connections per core, keep-alive, a fresh signature per request).
#   reads:  sts GetCallerIdentity (its record is appended to the audit journal)
#   writes: kms TagResource on one key (its record is written in the call's own transaction)
# Prints req/s of each and the ratio audited/unaudited.
#   bench/load/run_audit.sh [SECONDS]     (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
conns=$((2 * $(nproc)))
work=$(mktemp -d)
cpid=""
trap '[ -n "$cpid" ] && kill $cpid 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Runs both loads against a fresh server started with the given extra arguments; prints two JSON lines.
measure() {
  local dir port
  dir=$(mktemp -d -p "$work")
  port=$(free_port)
  ./build/citadel serve --data "$dir/data" --listen "127.0.0.1:$port" ${CITADEL_ARGS:-} "$@" >"$dir/creds.json" 2>"$dir/citadel.log" &
  cpid=$!
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
PY
  local key secret tag
  { read -r key; read -r secret; read -r tag; } <"$dir/bodies"
  ./build/citadel_load --port "$port" --connections "$conns" --seconds "$seconds" --access-key "$key" --secret "$secret" --service sts
  ./build/citadel_load --port "$port" --connections "$conns" --seconds "$seconds" --access-key "$key" --secret "$secret" \
    --service kms --target TrentService.TagResource --body "$tag"
  kill "$cpid"; wait "$cpid" 2>/dev/null || true; cpid=""
}

audited=$(measure)
unaudited=$(measure --benchmark-without-audit)
python3 - "$audited" "$unaudited" <<'PY'
import json, sys
a = [json.loads(l) for l in sys.argv[1].splitlines()]
u = [json.loads(l) for l in sys.argv[2].splitlines()]
for name, x, y in (("GetCallerIdentity (journal)", a[0], u[0]), ("kms TagResource (in-transaction)", a[1], u[1])):
    print(f"{name}: audited {x['rps']:.0f} req/s p99 {x['p99_us']:.0f} us, unaudited {y['rps']:.0f} req/s p99 {y['p99_us']:.0f} us, "
          f"ratio {x['rps'] / y['rps']:.2f}; errors {x['errors'] + x['non_2xx'] + y['errors'] + y['non_2xx']}")
PY
