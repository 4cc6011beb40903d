#!/usr/bin/env bash
# Installs the Debian packages Citadel needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang
  # libraries (DESIGN.md "Dependencies")
  libboost1.81-dev libboost-json1.81-dev libssl-dev libsqlite3-dev
  libpugixml-dev libargon2-dev libcli11-dev libqrencode-dev libpng-dev zlib1g-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # real peers for end-to-end tests and load benchmarks
  awscli nginx-light wrk curl python3 zbar-tools prometheus
  # *.localhost resolves to this machine: S3 Control puts the account id before the host
  libnss-myhostname
  # the web console's tests drive a headless Chromium
  chromium chromium-driver
)
# The console's charting library comes from npm. A Node.js from elsewhere (NodeSource) carries its
# own npm, which Debian's npm package would conflict with: install Debian's only when there is none.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
    missing+=("$p")
  fi
done

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
export DEBIAN_FRONTEND=noninteractive

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The codecs are generated from botocore's service models. Prefer the machine's Python (a current
# botocore); fall back to Debian's older python3-botocore when that Python has none.
if ! python3 -c 'import botocore' 2>/dev/null; then
  echo "setup: python3 has no botocore; installing Debian's python3-botocore"
  as_root apt-get install -y -qq --no-install-recommends python3-botocore python3-boto3 >/dev/null
fi
# The console's charting library (uPlot), from npm at the version console/package-lock.json pins,
# copied into console/vendor/, where the build embeds it from. Skipped when the copy is current.
vendor=console/vendor
if [ ! -f "$vendor/uPlot.iife.min.js" ] || [ console/package-lock.json -nt "$vendor/uPlot.iife.min.js" ]; then
  echo "setup: installing the console's charting library from npm"
  (cd console && npm ci --no-audit --no-fund --loglevel=error)
  mkdir -p "$vendor"
  cp console/node_modules/uplot/dist/uPlot.iife.min.js console/node_modules/uplot/dist/uPlot.min.css \
     console/node_modules/uplot/LICENSE "$vendor/"
fi
echo "setup: ok"
