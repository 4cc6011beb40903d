#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and starts the server on the embedded default
# (SQLite in ./citadel-data, http://127.0.0.1:4566). Arguments go to `citadel serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
exec ./build/citadel serve --data ./citadel-data --listen 127.0.0.1:4566 "$@"
