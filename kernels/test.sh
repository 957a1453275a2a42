#!/usr/bin/env bash
# The project's test command (`make test`): go vet, go test, every notebook
# executed headless through the GoNB kernel, then the real-browser test.
# Needs `make setup` first.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOEXPERIMENT=simd GOTOOLCHAIN=local MOLRG_ROOT="$PWD"
step() { printf '\n==> %s\n' "$*"; }
[ -x .venv/bin/python ] && [ -x .tools/bin/gonb ] || { echo "run 'make setup' first"; exit 1; }
t0=$SECONDS

step "go vet"
go vet ./...

step "go test"
go test -count=1 -timeout 30m ./...

step "notebooks, headless through the GoNB kernel (and their committed outputs fresh)"
.venv/bin/python kernels/execute_notebooks.py

step "browser test: JupyterLab + chromium, the chapters of kernels/notebooks.txt"
node kernels/browser_test.mjs

printf '\nall tests passed in %ds\n' $((SECONDS - t0))
