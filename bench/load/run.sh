#!/usr/bin/env bash
# Authenticated GetCallerIdentity load against citadel, side by side with nginx answering
# `return 200` on the same machine, with the same signing load generator (2 connections per core,
# keep-alive). Prints both results and the ratio citadel/nginx.
#   bench/load/run.sh [SECONDS]     (build first: scripts/build.sh; ROUNDS=N alternations, default 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
conns=$((2 * $(nproc)))
work=$(mktemp -d)
trap 'kill $cpid $npid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cport=$(free_port)
./build/citadel serve --data "$work/data" --listen "127.0.0.1:$cport" ${CITADEL_ARGS:-} >"$work/creds.json" 2>"$work/citadel.log" &
cpid=$!
for _ in $(seq 100); do [ -s "$work/creds.json" ] && curl -sf "http://127.0.0.1:$cport/_citadel/health" >/dev/null && break; sleep 0.1; done
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKeyId"])' "$work/creds.json")
secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["SecretAccessKey"])' "$work/creds.json")

nport=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$nport; location / { return 200; } }
}
CONF
/usr/sbin/nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
npid=$!
sleep 0.5

load() { ./build/citadel_load --port "$1" --connections "$conns" --seconds "$seconds" --access-key "$key" --secret "$secret"; }
# CPU time (user+system, all threads) a process spent, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# nginx does its work in worker processes; sum them.
nginx_ticks() { local t=0; for p in $(pgrep -P "$npid") "$npid"; do t=$((t + $(cpu_ticks "$p"))); done; echo "$t"; }

# Rounds alternate citadel and nginx so that a slow spell of the machine (a shared VM) weighs on
# both; the figure is the median round's ratio.
rounds=${ROUNDS:-3}
results=()
for _ in $(seq "$rounds"); do
  c0=$(cpu_ticks "$cpid"); c=$(load "$cport"); c1=$(cpu_ticks "$cpid")
  n0=$(nginx_ticks); n=$(load "$nport"); n1=$(nginx_ticks)
  echo "citadel: $c"
  echo "nginx:   $n"
  results+=("$c|$n|$((c1 - c0))|$((n1 - n0))")
done
python3 - "$(getconf CLK_TCK)" "${results[@]}" <<'PY'
import json, statistics, sys
hz = int(sys.argv[1])
rounds = []
for r in sys.argv[2:]:
    c, n, ctick, ntick = r.split("|")
    c, n = json.loads(c), json.loads(n)
    rounds.append((c["rps"] / n["rps"], c, n, int(ctick), int(ntick)))
rounds.sort(key=lambda r: r[0])
ratio, c, n, ctick, ntick = rounds[len(rounds) // 2]
print("ratios by round: " + ", ".join(f"{r[0]:.2f}" for r in rounds))
print(f"ratio citadel/nginx (median round): {ratio:.2f}  (citadel {c['rps']:.0f} req/s p99 {c['p99_us']:.0f} us; "
      f"nginx {n['rps']:.0f} req/s p99 {n['p99_us']:.0f} us)")
print(f"server CPU per request: citadel {1e6 * ctick / hz / max(1, c['requests']):.1f} us, "
      f"nginx {1e6 * ntick / hz / max(1, n['requests']):.1f} us")
PY
