#!/usr/bin/env bash
# pkg/unet training (EDM loss, backward, Adam, EMA) against the PyTorch
# re-implementation bench/unet/torch_unet.py, same config and batch, in one run:
#   unet.DefaultConfig(4,3), batch 64: ours on XLA CPU, ours on pure Go, PyTorch CPU
#   unet.AuthorsConfig(4,3), batch 16: ours on XLA CPU, PyTorch CPU
#   the U-Net of molrg images (16 base channels, no dropout) at batch 32 on
#   16×16×1 (MNIST, Fashion-MNIST) and 16×16×3 (emoji) images: ours on XLA CPU, PyTorch CPU
# Prints img/s of each (compilation / warm-up steps excluded; mean over the
# timed steps and from the median step time, which ignores the occasional slow
# step), ours/PyTorch ratios of both, and both parameter counts. PyTorch runs with 2 threads (and, for
# reference, 1: on a loaded machine OpenMP's spinning threads can make 2
# threads much slower than 1). Environment knobs (defaults):
#   DEF_STEPS=50 GO_STEPS=5 AUTH_STEPS=12 IMG_STEPS=40 TORCH_THREADS="2 1" AUTH_GO=0 (1: also pure Go on AuthorsConfig)
#   ONLY=images (just the real-image configs; ONLY=molrg: just the 4×4×3 ones)
# Installs PyTorch into .venv first if it is missing (bench/setup_torch.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f .venv/torch-stubs/ORDER ] || ! .venv/bin/python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"; then
  bash bench/setup_torch.sh
fi
export GOEXPERIMENT=${GOEXPERIMENT:-simd}
DEF_STEPS=${DEF_STEPS:-50} GO_STEPS=${GO_STEPS:-5} AUTH_STEPS=${AUTH_STEPS:-12} IMG_STEPS=${IMG_STEPS:-40}
TORCH_THREADS=${TORCH_THREADS:-2 1} AUTH_GO=${AUTH_GO:-0} ONLY=${ONLY:-}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -tags bench -o "$bin/unetbench" ./bench/unet
res="$bin/results.jsonl"
runlog() { echo "+ $*" >&2; "$@" | tee -a "$res"; }

if [ "$ONLY" != images ]; then
runlog env GOMLX_BACKEND=xla:cpu "$bin/unetbench" -config default -batch 64 -steps "$DEF_STEPS" -warmup 2
runlog env GOMLX_BACKEND=go "$bin/unetbench" -config default -batch 64 -steps "$GO_STEPS" -warmup 1
for t in $TORCH_THREADS; do
  runlog .venv/bin/python bench/unet/torch_unet.py --config default --batch 64 --steps "$DEF_STEPS" --warmup 3 --threads "$t"
done
runlog env GOMLX_BACKEND=xla:cpu "$bin/unetbench" -config authors -batch 16 -steps "$AUTH_STEPS" -warmup 1
if [ "$AUTH_GO" = 1 ]; then
  runlog env GOMLX_BACKEND=go "$bin/unetbench" -config authors -batch 16 -steps "$AUTH_STEPS" -warmup 1
fi
for t in $TORCH_THREADS; do
  runlog .venv/bin/python bench/unet/torch_unet.py --config authors --batch 16 --steps "$AUTH_STEPS" --warmup 1 --threads "$t"
done
fi
if [ "$ONLY" != molrg ]; then
  for ch in 1 3; do
    runlog env GOMLX_BACKEND=xla:cpu "$bin/unetbench" -config images -size 16 -channels "$ch" -batch 32 -steps "$IMG_STEPS" -warmup 2
    for t in $TORCH_THREADS; do
      runlog .venv/bin/python bench/unet/torch_unet.py --config images --size 16 --channels "$ch" --batch 32 --steps "$IMG_STEPS" --warmup 3 --threads "$t"
    done
  done
fi

.venv/bin/python - "$res" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print()
groups = []
for r in rows:
    g = (r["config"], r.get("size", 4), r.get("channels", 3))
    if g not in groups:
        groups.append(g)
for cfg, size, ch in groups:
    rs = [r for r in rows if (r["config"], r.get("size", 4), r.get("channels", 3)) == (cfg, size, ch)]
    print(f"== {cfg} config, {size}×{size}×{ch} images, batch {rs[0]['batch']}")
    for r in rs:
        name = f"ours ({r['backend']})" if r["impl"] == "gomlx" else f"PyTorch CPU, {r['threads']} thread(s)"
        print(f"  {name:28s} {r['img_per_s']:10.1f} img/s (median step {r['img_per_s_median']:.1f})   params {r['params']:,}   ({r['steps']} steps, {r['seconds']:.2f} s)")
    ours = [r for r in rs if r["impl"] == "gomlx"]
    torch = [r for r in rs if r["impl"] == "torch"]
    for o in ours:
        for t in torch:
            print(f"  ratio ours({o['backend']}) / PyTorch({t['threads']} thr) = {o['img_per_s'] / t['img_per_s']:.2f}"
                  f" (median steps {o['img_per_s_median'] / t['img_per_s_median']:.2f})")
    ps = {r["params"] for r in rs}
    print("  parameter counts", "match" if len(ps) == 1 else f"DIFFER: {sorted(ps)}")
PY
