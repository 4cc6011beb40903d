#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit tests per layer (GoogleTest) and the
# end-to-end tests that drive the built server with boto3 and both aws CLIs, through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
cd build
ctest --output-on-failure --timeout 900 -j2
cd ..
# The fuzz targets (SigV4, protocols including the CBOR reader, policy engine), each for a bounded time.
FUZZ_SECONDS=${FUZZ_SECONDS:-15} ./scripts/fuzz.sh
