package main

import (
	"fmt"
	"io"
	"os"

	"github.com/molrg/molrg/pkg/backend"
)

func init() {
	register("info", "print the GoMLX backend in use: backend, device, PJRT plugin and version",
		func(args []string) error { return runInfo(args, os.Stdout, os.Stderr) })
}

const infoUsage = `usage: molrg info

Prints which GoMLX backend the project uses and why (see pkg/backend):
$GOMLX_BACKEND (go, xla, xla:cpu, xla:cuda, xla:/path/plugin.so) when set,
else XLA on CUDA, else XLA on CPU, else the pure-Go backend.
`

func runInfo(args []string, stdout, stderr io.Writer) error {
	f := newFlags("info", infoUsage)
	if help, err := f.parse(args, stderr); help || err != nil {
		return err
	}
	_, info, err := backend.New()
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, info)
	return nil
}
