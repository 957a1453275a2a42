# The project's commands (see README.md).
.PHONY: setup test notebooks reliability

# Installs everything into .venv/, .tools/, .data/ and kernels/node_modules (idempotent).
setup:
	bash kernels/setup.sh

# go vet, go test, every notebook headless through the GoNB kernel (with a check that
# the committed outputs are fresh), and the browser test (JupyterLab + chromium).
test:
	bash kernels/test.sh

# Hostile-user checks of the built binary: ~400 bad inputs (never a stack
# trace), kill -9 and resume of every resumable command, two runs on one folder.
reliability:
	GOEXPERIMENT=simd GOTOOLCHAIN=local go build -o .tools/bin/molrg ./cmd/molrg
	.venv/bin/python kernels/reliability.py

# Runs the chapters listed in kernels/notebooks.txt headless and writes their outputs
# back into notebooks/ (compact: explorers keep their default frame), so that a code
# host shows every figure. NB=notebooks/NAME.ipynb refreshes one.
NB ?= $(shell grep -v '^\#' kernels/notebooks.txt)
notebooks:
	GOEXPERIMENT=simd GOTOOLCHAIN=local MOLRG_ROOT=$(CURDIR) .venv/bin/python kernels/execute_notebooks.py --refresh $(NB)
