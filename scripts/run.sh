#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The first command for a newcomer: install what is missing, build, and run the main job.
#   ./scripts/run.sh [arguments passed to the main job]
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- the main job -------------------------------------------------------------------------
# The virtual platform replaying the bundled DMA trace (docs/platform.md); arguments are
# passed on, e.g. ./scripts/run.sh --trace boot_strict --report json
MAIN_JOB=(build/bin/smmu-vp)
# --------------------------------------------------------------------------------------------

BUILD_DIR=build
JOBS=2

./scripts/setup.sh
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j "$JOBS"

echo "run: ${MAIN_JOB[*]} $*"
exec "${MAIN_JOB[@]}" "$@"
