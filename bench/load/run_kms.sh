#!/usr/bin/env bash
# KMS Encrypt and Decrypt of 1 KiB over loopback: the same signing load generator as run.sh
# (2 connections per core, keep-alive, a fresh signature per request), against one citadel, with
# STS GetCallerIdentity on the same server as the baseline. Prints req/s, p50, p99, the server CPU
# per request and the ratio to the baseline, per operation.
#   bench/load/run_kms.sh [SECONDS]     (build first: scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
size=${KMS_BYTES:-1024}
conns=$((2 * $(nproc)))
work=$(mktemp -d)
trap 'kill $cpid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./build/citadel serve --data "$work/data" --listen "127.0.0.1:$port" ${CITADEL_ARGS:-} >"$work/creds.json" 2>"$work/citadel.log" &
cpid=$!
for _ in $(seq 100); do [ -s "$work/creds.json" ] && curl -sf "http://127.0.0.1:$port/_citadel/health" >/dev/null && break; sleep 0.1; done

# A key, a plaintext of $size bytes and its ciphertext, made with boto3.
python3 - "$work/creds.json" "$port" "$size" >"$work/bodies" <<'PY'
import base64, json, os, sys
import boto3
creds = json.load(open(sys.argv[1]))
kms = boto3.client("kms", endpoint_url=f"http://127.0.0.1:{sys.argv[2]}", region_name="us-east-1",
                   aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"])
key = kms.create_key()["KeyMetadata"]["KeyId"]
plain = os.urandom(int(sys.argv[3]))
blob = kms.encrypt(KeyId=key, Plaintext=plain)["CiphertextBlob"]
print(creds["AccessKeyId"]); print(creds["SecretAccessKey"])
print(json.dumps({"KeyId": key, "Plaintext": base64.b64encode(plain).decode()}))
print(json.dumps({"CiphertextBlob": base64.b64encode(blob).decode()}))
PY
{ read -r key; read -r secret; read -r encrypt; read -r decrypt; } <"$work/bodies"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
base=""
for op in GetCallerIdentity Encrypt Decrypt; do
  case $op in
    GetCallerIdentity) args=(--service sts) ;;
    Encrypt) args=(--service kms --target TrentService.Encrypt --body "$encrypt") ;;
    Decrypt) args=(--service kms --target TrentService.Decrypt --body "$decrypt") ;;
  esac
  t0=$(cpu_ticks "$cpid")
  out=$(./build/citadel_load --port "$port" --connections "$conns" --seconds "$seconds" --access-key "$key" --secret "$secret" "${args[@]}")
  t1=$(cpu_ticks "$cpid")
  [ -z "$base" ] && base=$out
  python3 - "$op" "$size" "$out" "$((t1 - t0))" "$(getconf CLK_TCK)" "$base" <<'PY'
import json, sys
op, size, r, ticks, hz, base = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), json.loads(sys.argv[6])
what = op if op == "GetCallerIdentity" else f"kms {op} {size} B"
print(f"{what}: {r['rps']:.0f} req/s (ratio {r['rps'] / base['rps']:.2f} of GetCallerIdentity), p50 {r['p50_us']:.0f} us, "
      f"p99 {r['p99_us']:.0f} us, server CPU {1e6 * ticks / hz / max(1, r['requests']):.1f} us/request, errors {r['errors'] + r['non_2xx']}")
PY
done
