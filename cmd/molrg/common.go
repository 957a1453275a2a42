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
	"github.com/molrg/molrg/pkg/results"
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

// runFlags are the flags every experiment command shares: -out, -plot-only,
// -quiet and (for the sweeps) -shard. Declare them with runFlagsOf before
// the command's own flags and read them after cmdFlags.parse and check.
type runFlags struct {
	out, shard      *string // shard: nil when the command does not shard
	plotOnly, quiet *bool

	// Set by check:
	Out             string
	Shard           results.Shard
	PlotOnly, Quiet bool
}

// runFlagsOf declares the shared flags: -out defaulting to out, -plot-only
// drawing what from table, -quiet, and -shard splitting units ("" for a
// command without shards).
func runFlagsOf(f *cmdFlags, out, what, table, units string) *runFlags {
	r := &runFlags{
		out:      f.String("out", out, "results folder"),
		plotOnly: f.Bool("plot-only", false, fmt.Sprintf("draw %s from OUT/%s without running anything", what, table)),
		quiet:    f.Bool("quiet", false, "no progress bar"),
	}
	if units != "" {
		r.shard = f.String("shard", "", fmt.Sprintf("run only shard i/n of %s, into its own -out; molrg merge joins the shards", units))
	}
	return r
}

// check reads the parsed flags: -out must name a folder, -shard parse.
func (r *runFlags) check() error {
	r.Out, r.PlotOnly, r.Quiet = *r.out, *r.plotOnly, *r.quiet
	if err := outDir(r.Out); err != nil {
		return err
	}
	if r.shard != nil {
		s, err := results.ParseShard(*r.shard)
		if err != nil {
			return fmt.Errorf("-shard: %w", err)
		}
		r.Shard = s
	}
	return nil
}
