package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/molrg/molrg/pkg/experiment/fig5a"
	"github.com/molrg/molrg/pkg/experiment/images"
	"github.com/molrg/molrg/pkg/phase"
	"github.com/molrg/molrg/pkg/results"
)

func init() {
	register("merge", "join the results tables of a sweep's shards (-shard i/n) into one",
		func(args []string) error { return runMerge(args, os.Stdout, os.Stderr) })
}

const mergeUsage = `usage: molrg merge -out FOLDER SHARD.csv ...

Joins the results tables that the shards of one sweep wrote (molrg phase, unet-molrg or images with -shard i/n, each into
its own folder) into FOLDER, after
checking that they are shards 0 … n−1 of the same sweep: same settings, same
backend, and identical rows where two shards hold the same run. Then run the
sweep's command with -plot-only -out FOLDER to draw the figures. Merging
again after more shards finished adds only the new rows.

Flags:
`

// mergeable are the tables molrg merge knows, by file name.
var mergeable = map[string]func(out string, shards []string) (int, error){
	"phase.csv": phase.Merge,
	"fig5a.csv": func(out string, shards []string) (int, error) {
		return results.Merge(out, shards, func(r fig5a.Row) string { return fmt.Sprint(r.D, "/", r.Nk) })
	},
	"images.csv": mergeImages,
}

// mergeImages joins the shards of a molrg images sweep and copies their
// generated samples (samples/n<N>.json, for the samples figure) beside
// the merged table.
func mergeImages(out string, shards []string) (int, error) {
	n, err := results.Merge(out, shards, func(r images.Row) string { return fmt.Sprint(r.Figure, "/", r.N, "/", r.Index) })
	if err != nil {
		return n, err
	}
	dst := filepath.Join(filepath.Dir(out), "samples")
	for _, s := range shards {
		files, _ := filepath.Glob(filepath.Join(filepath.Dir(s), "samples", "n*.json"))
		for _, f := range files {
			target := filepath.Join(dst, filepath.Base(f))
			if _, err := os.Stat(target); err == nil {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				return n, err
			}
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return n, err
			}
			if err := os.WriteFile(target+".tmp", b, 0o644); err != nil {
				return n, err
			}
			if err := os.Rename(target+".tmp", target); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func runMerge(args []string, stdout, stderr io.Writer) error {
	f := newFlags("merge", mergeUsage)
	out := f.String("out", "", "the folder of the merged table")
	f.SetOutput(io.Discard)
	if err := f.Parse(args); err != nil {
		if err.Error() == "flag: help requested" {
			f.printUsage(stderr)
			return nil
		}
		return fmt.Errorf("%v (molrg merge --help)", err)
	}
	if err := outDir(*out); err != nil {
		return err
	}
	shards := f.Args()
	if len(shards) == 0 {
		return fmt.Errorf("no shard tables given: molrg merge -out FOLDER a/phase.csv b/phase.csv …")
	}
	name := filepath.Base(shards[0])
	merge, ok := mergeable[name]
	if !ok {
		return fmt.Errorf("%s: molrg merge joins phase.csv, fig5a.csv or images.csv tables", shards[0])
	}
	for _, s := range shards[1:] {
		if filepath.Base(s) != name {
			return fmt.Errorf("%s and %s are different tables", shards[0], s)
		}
	}
	n, err := merge(filepath.Join(*out, name), shards)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merged %d shards into %s (%d rows added)\n", len(shards), filepath.Join(*out, name), n)
	return nil
}
