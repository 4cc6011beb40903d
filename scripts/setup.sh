#!/usr/bin/env bash
# Installs the Debian packages Citadel needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a second run does nothing.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang
  # libraries (DESIGN.md "Dependencies")
  libboost1.81-dev libboost-json1.81-dev libssl-dev libsqlite3-dev
  libpugixml-dev libargon2-dev libcli11-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # real peers for end-to-end tests and load benchmarks
  awscli nginx-light wrk curl python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The codecs are generated from botocore's service models. Prefer the machine's Python (a current
# botocore); fall back to Debian's older python3-botocore when that Python has none.
if ! python3 -c 'import botocore' 2>/dev/null; then
  echo "setup: python3 has no botocore; installing Debian's python3-botocore"
  "${sudo_cmd[@]:-}" apt-get install -y -qq --no-install-recommends python3-botocore python3-boto3 >/dev/null
fi
echo "setup: ok"
