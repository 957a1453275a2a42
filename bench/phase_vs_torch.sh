#!/usr/bin/env bash
# Algorithm 1: ours (GoMLX on XLA CPU and on pure Go) against the PyTorch
# reference, on the same problems of the phase-transition grid in one run.
# Prints steps/s of each, their ratios, and whether they agree (same success
# on the same data). Flags go to bench/phasebench (see -help), e.g.
#   bash bench/phase_vs_torch.sh -k 1 -d 6 -steps 500
# Installs PyTorch into .venv first if it is missing (bench/setup_torch.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .venv/torch-stubs/ORDER ] || ! .venv/bin/python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"; then
  bash bench/setup_torch.sh
fi
# The project builds with GOEXPERIMENT=simd (the pure-Go backend uses it).
export GOEXPERIMENT=${GOEXPERIMENT:-simd}
exec go run -tags bench ./bench/phasebench "$@"
