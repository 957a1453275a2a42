# The project's two commands (see README.md).
.PHONY: setup test

# Installs everything into .venv/, .tools/, .data/ and kernels/node_modules (idempotent).
setup:
	bash kernels/setup.sh

# go vet, go test, every notebook headless through the GoNB kernel, and the
# browser test (JupyterLab + chromium).
test:
	bash kernels/test.sh
