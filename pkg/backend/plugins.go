package backend

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

type device string

const (
	cpu  device = "cpu"
	cuda device = "cuda"
)

// pluginFiles are the plugin files the PyPI wheels install, relative to
// site-packages (or to a directory of $PJRT_PLUGIN_LIBRARY_PATH: base name).
var pluginFiles = map[device][]string{
	cpu:  {"lammps_jax_pjrt_cpu/pjrt_c_api_cpu_plugin.so"},
	cuda: {"jax_plugins/xla_cuda13/xla_cuda_plugin.so"},
}

var installHint = map[device]string{
	cpu:  "install it with `make setup` (pip install --no-deps lammps-jax-pjrt-cpu==0.11.2 into .venv)",
	cuda: "install it with `MOLRG_CUDA=1 make setup` (pip install jax-cuda13-pjrt==0.12.0.1 and the NVIDIA libraries of jax[cuda13])",
}

func deviceOf(path string) device {
	if strings.Contains(strings.ToLower(filepath.Base(path)), "cuda") {
		return cuda
	}
	return cpu
}

// searchDirs lists where plugins are looked for: the directories of
// $PJRT_PLUGIN_LIBRARY_PATH, then the site-packages of the candidate venvs.
func searchDirs() []string {
	var dirs []string
	for _, d := range filepath.SplitList(os.Getenv("PJRT_PLUGIN_LIBRARY_PATH")) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	var venvs []string
	if r := os.Getenv("MOLRG_ROOT"); r != "" {
		venvs = append(venvs, filepath.Join(r, ".venv"))
	}
	if v := os.Getenv("VIRTUAL_ENV"); v != "" {
		venvs = append(venvs, v)
	}
	for _, r := range programRoots() {
		for d := r; ; d = filepath.Dir(d) {
			venvs = append(venvs, filepath.Join(d, ".venv"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, v := range venvs {
		sp, _ := filepath.Glob(filepath.Join(v, "lib", "python3*", "site-packages"))
		dirs = append(dirs, sp...)
	}
	return dirs
}

// programRoots are the folders where the checkout the program belongs to is
// looked for, whatever the current folder: the folder of the executable
// (.tools/bin/molrg) and the folder this file was compiled in (go run, go
// test, notebooks); their parents are searched too. Tests replace it.
var programRoots = func() []string {
	var roots []string
	if exe, err := os.Executable(); err == nil {
		roots = append(roots, filepath.Dir(exe))
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		roots = append(roots, filepath.Dir(file))
	}
	return roots
}

// findPlugin returns the first plugin file of the device found, or "".
func findPlugin(dev device) string {
	for _, d := range searchDirs() {
		for _, rel := range pluginFiles[dev] {
			for _, p := range []string{filepath.Join(d, rel), filepath.Join(d, filepath.Base(rel))} {
				if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
					return p
				}
			}
		}
	}
	return ""
}

// hasGPU reports whether an NVIDIA GPU is visible.
var hasGPU = sync.OnceValue(func() bool {
	if m, _ := filepath.Glob("/dev/nvidia[0-9]*"); len(m) > 0 {
		return true
	}
	out, err := exec.Command("nvidia-smi", "-L").Output()
	return err == nil && strings.Contains(string(out), "GPU")
})
