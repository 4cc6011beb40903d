#!/usr/bin/env bash
# Runs the policy fuzz targets for a bounded time each (CI: FUZZ_SECONDS=60).
#   fuzz/policy/run.sh BUILD_DIR      (a build configured with -DCITADEL_FUZZ=ON and clang)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run.sh BUILD_DIR}"
seconds="${FUZZ_SECONDS:-30}"
for t in parse eval; do
  work="$(mktemp -d)"
  cp "$here/corpus/$t"/* "$work/"
  echo "== policy_${t}_fuzz for ${seconds}s" >&2
  "$build/policy_${t}_fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work"
  rm -rf "$work"
done
