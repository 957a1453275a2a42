# The project's two commands (see README.md).
.PHONY: setup test reliability

# Installs everything into .venv/, .tools/, .data/ and kernels/node_modules (idempotent).
setup:
	bash kernels/setup.sh

# go vet, go test, every notebook headless through the GoNB kernel, and the
# browser test (JupyterLab + chromium).
test:
	bash kernels/test.sh

# Hostile-user checks of the built binary: ~200 bad inputs (never a stack
# trace), kill -9 and resume of every resumable command, two runs on one folder.
reliability:
	GOEXPERIMENT=simd GOTOOLCHAIN=local go build -o .tools/bin/molrg ./cmd/molrg
	.venv/bin/python kernels/reliability.py
