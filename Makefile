# The project's commands (see README.md).
.PHONY: setup test notebooks

# Installs everything into .venv/, .tools/ and kernels/node_modules (idempotent).
setup:
	bash kernels/setup.sh

# go vet, go test, every notebook headless through the GoNB kernel (with a check that
# the committed outputs are fresh), and the browser test (JupyterLab + chromium).
test:
	bash kernels/test.sh

# Runs the chapters listed in kernels/notebooks.txt headless and writes their outputs
# back into notebooks/ (compact: explorers keep their default frame), so that a code
# host shows every figure. NB=notebooks/NAME.ipynb refreshes one.
NB ?= $(shell grep -v '^\#' kernels/notebooks.txt)
notebooks:
	GOEXPERIMENT=simd GOTOOLCHAIN=local MOLRG_ROOT=$(CURDIR) .venv/bin/python kernels/execute_notebooks.py --refresh $(NB)
