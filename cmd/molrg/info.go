package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/molrg/molrg/pkg/backend"
)

func init() {
	register("info", "print the GoMLX backend in use: backend, device, PJRT plugin and version", runInfo)
}

func runInfo(args []string) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `usage: molrg info

Prints which GoMLX backend the project uses and why (see pkg/backend):
$GOMLX_BACKEND (go, xla, xla:cpu, xla:cuda, xla:/path/plugin.so) when set,
else XLA on CUDA, else XLA on CPU, else the pure-Go backend.`)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, info, err := backend.New()
	if err != nil {
		return err
	}
	fmt.Fprint(os.Stdout, info)
	return nil
}
