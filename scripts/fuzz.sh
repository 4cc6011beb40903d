#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for a
# bounded time (default 20 s; FUZZ_SECONDS overrides). A crash fails the run and leaves the input
# in build-fuzz/artifacts/. Every *_fuzz target the build defines is run (protocol_fuzz, protocol_cbor_fuzz,
# sigv4 and policy targets, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCITADEL_FUZZ=ON \
  -DCITADEL_TESTS=OFF -DCITADEL_BENCH=OFF >/dev/null
targets=$(ninja -C build-fuzz -t targets all | grep -oE '^[a-z0-9_]+_fuzz: CXX_EXECUTABLE_LINKER' | cut -d: -f1 | sort -u)
ninja -C build-fuzz $targets
mkdir -p build-fuzz/artifacts
for t in $targets; do
  corpus=build-fuzz/corpus/$t
  mkdir -p "$corpus"
  # Seeds live beside each target: fuzz/<part>/corpus/<name> (policy_parse_fuzz -> fuzz/policy/corpus/parse).
  name=${t%_fuzz}
  seeds=fuzz/${name%%_*}/corpus/${name#*_}
  echo "fuzz: $t for ${seconds}s"
  ./build-fuzz/$t -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=0 \
    -artifact_prefix=build-fuzz/artifacts/ "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) 2>&1 | tail -n 3
done
