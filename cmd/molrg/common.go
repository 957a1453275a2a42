package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/molrg/molrg/pkg/plot"
	"github.com/molrg/molrg/pkg/progress"
)

// interruptible returns a context cancelled by Ctrl-C or SIGTERM: runs stop
// between units of work (U-Net training writes a checkpoint first).
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// interrupted explains a run stopped by interruptible's signal.
func interrupted(err error, dir string) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted; what is done is kept in %s (rows, U-Net checkpoints): run the same command again to resume", dir)
	}
	return err
}

// outDir checks the -out flag.
func outDir(out string) error {
	if out == "" {
		return errors.New("-out is empty, want the results folder")
	}
	return nil
}

// reporter is where a command's progress goes: stderr (a redrawn bar on a
// terminal, a line every 30 s otherwise), or nowhere with -quiet.
func reporter(stderr io.Writer, quiet bool) progress.Func {
	if quiet {
		return nil
	}
	return progress.Terminal(stderr)
}

// saveFigure writes the figure as base.png and base.svg and says so.
func saveFigure(w io.Writer, f *plot.Figure, base string) error {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return err
	}
	for _, ext := range []string{".png", ".svg"} {
		if err := f.Save(base + ext); err != nil {
			return err
		}
		fmt.Fprintln(w, "wrote", base+ext)
	}
	return nil
}
