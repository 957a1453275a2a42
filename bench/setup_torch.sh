#!/usr/bin/env bash
# Installs PyTorch (CPU use only) into the project's .venv for the benchmarks
# in bench/. Never run by `make setup` or CI.
#
# PyPI's only torch wheel for x86-64 Linux is the CUDA build (~540 MB), whose
# requirements pull several GB of nvidia-*/cuda-toolkit wheels. Instead:
#   1. torch itself with --no-deps, plus its pure-Python requirements;
#   2. tiny stand-ins for the CUDA libraries it links against, built here by
#      bench/torch_stubs.py (every CUDA call fails, so torch sees no GPU),
#      which bench/torch_alg1.py loads before `import torch`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
TORCH_VERSION=${TORCH_VERSION:-2.15.0}
if [ ! -x "$PY" ]; then
  echo "no .venv: run make setup first" >&2
  exit 1
fi
if ! "$PY" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"; then
  "$PY" -m pip install --no-deps "torch==$TORCH_VERSION"
fi
"$PY" -m pip install filelock "typing-extensions>=4.13.0" "sympy>=1.13.3" "networkx>=2.5.1" jinja2 "fsspec>=0.8.5" numpy
"$PY" bench/torch_stubs.py .venv/torch-stubs
"$PY" - <<'PY'
import ctypes, pathlib, sys
d = pathlib.Path(sys.prefix) / "torch-stubs"
for so in (d / "ORDER").read_text().split():
    ctypes.CDLL(str(d / so), mode=ctypes.RTLD_GLOBAL)
import torch
print("torch", torch.__version__, "CPU threads", torch.get_num_threads(), "CUDA available:", torch.cuda.is_available())
PY
