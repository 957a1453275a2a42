#!/usr/bin/env bash
# Registers the GoNB kernel in the project's virtual environment, so that the
# JupyterLab of .venv lists it as "Go (gonb, molrg)". Every notebook gets a
# go.work that uses this checkout (GoNB's --go_work), so `pkg/` is importable,
# and the environment the GoMLX backends need (GOEXPERIMENT=simd for the
# pure-Go backend, PJRT_PLUGIN_LIBRARY_PATH for the XLA plugins).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=.venv/share/jupyter/kernels/gonb
mkdir -p "$dir"
# Every PJRT plugin folder that pip put in .venv (CPU, and CUDA when installed).
plugins=$(find "$root/.venv/lib" -name 'pjrt_c_api_*.so' -o -name 'xla_cuda_plugin.so' 2>/dev/null | xargs -r -n1 dirname | sort -u | paste -sd: -)
gobin=$(dirname "$(command -v go)")
cat >"$dir/kernel.json" <<JSON
{
  "argv": ["$root/.tools/bin/gonb", "--kernel", "{connection_file}", "--go_work=$root", "--logtostderr", "--legacy_stderr_threshold_behavior=false", "--stderrthreshold=ERROR"],
  "display_name": "Go (gonb, molrg)",
  "language": "go",
  "interrupt_mode": "message",
  "env": {
    "PATH": "$root/.tools/bin:$gobin:/usr/local/bin:/usr/bin:/bin",
    "GOEXPERIMENT": "simd",
    "GOTOOLCHAIN": "local",
    "MOLRG_ROOT": "$root",
    "PJRT_PLUGIN_LIBRARY_PATH": "$plugins"
  }
}
JSON
echo "kernel installed in $dir (plugins: ${plugins:-none})"
