// Package backend picks the GoMLX backend for the whole project, in this order:
//
//  1. $GOMLX_BACKEND when set: "go" (the pure-Go backend; "go:<config>" to pass
//     its configuration), "xla" (XLA with the plugin found below), "xla:cpu",
//     "xla:cuda", or "xla:/abs/path/plugin.so".
//     A requested backend that cannot be had is an error naming what is
//     missing and how to install it.
//  2. XLA on CUDA, when an NVIDIA GPU and the CUDA PJRT plugin (PyPI wheel
//     jax-cuda13-pjrt) are both present.
//  3. XLA on CPU with the PJRT plugin that `make setup` installs from PyPI
//     (lammps-jax-pjrt-cpu, see the README for why that one).
//  4. The pure-Go backend, with a one-line notice on stderr saying why.
//
// Plugins are looked for in $PJRT_PLUGIN_LIBRARY_PATH, then in the virtual
// environments $MOLRG_ROOT/.venv, $VIRTUAL_ENV, the .venv of a folder above
// the executable, and the .venv of the checkout the program was compiled
// from: never in the current folder, so the choice does not depend on where
// a command is started. Label names the choice for results files.
package backend

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/go-xla/compute/xla"
	"github.com/gomlx/go-xla/pjrt"
)

// Info is what the chosen backend reports.
type Info struct {
	Name        string // "xla" or "go"
	Device      string // "cpu" or "cuda"
	PluginPath  string // the PJRT plugin file (XLA only)
	PJRTVersion string // the plugin's PJRT C API version, "major.minor" (XLA only)
	Description string // the backend's own description
	Notice      string // why the pure-Go backend was chosen, when it was a fallback
}

func (i Info) String() string {
	s := fmt.Sprintf("backend: %s\ndevice:  %s\n", i.Name, i.Device)
	if i.Name == xla.BackendName {
		s += fmt.Sprintf("plugin:  %s\nPJRT:    %s\n", i.PluginPath, i.PJRTVersion)
	}
	s += fmt.Sprintf("about:   %s\n", i.Description)
	if i.Notice != "" {
		s += fmt.Sprintf("notice:  %s\n", i.Notice)
	}
	return s
}

func init() {
	// go-xla would otherwise download plugins from GitHub, which a machine
	// without internet access (or a user without consent) cannot do.
	xla.EnableAutoInstall(false)
}

// New creates a backend following the order in the package documentation.
func New() (compute.Backend, Info, error) {
	config, set := os.LookupEnv(compute.ConfigEnvVar)
	config = strings.TrimSpace(config)
	if !set || config == "" {
		return auto()
	}
	name, arg, _ := strings.Cut(config, ":")
	switch name {
	case gobackend.BackendName:
		return goBackend("", arg)
	case xla.BackendName:
		return xlaRequested(arg)
	default:
		return nil, Info{}, fmt.Errorf("backend: %s=%q: unknown backend %q, want \"go\", \"xla\", \"xla:cpu\", \"xla:cuda\" or \"xla:/path/to/plugin.so\"",
			compute.ConfigEnvVar, config, name)
	}
}

// auto picks CUDA, then CPU XLA, then the pure-Go backend.
func auto() (compute.Backend, Info, error) {
	var why []string
	if hasGPU() {
		if path := findPlugin(cuda); path != "" {
			b, info, err := xlaBackend(path, cuda)
			if err == nil {
				return b, info, nil
			}
			why = append(why, fmt.Sprintf("CUDA plugin %s failed: %v", path, err))
		}
	}
	if path := findPlugin(cpu); path != "" {
		b, info, err := xlaBackend(path, cpu)
		if err == nil {
			return b, info, nil
		}
		why = append(why, fmt.Sprintf("XLA CPU plugin %s failed: %v", path, err))
	} else {
		why = append(why, "no XLA PJRT plugin found (run `make setup` to install it into .venv, or set PJRT_PLUGIN_LIBRARY_PATH)")
	}
	notice := strings.Join(why, "; ") + "; using the pure-Go backend"
	fmt.Fprintln(os.Stderr, "molrg:", notice)
	return goBackend(notice, "")
}

// xlaRequested serves GOMLX_BACKEND=xla[:cpu|:cuda|:/path].
func xlaRequested(arg string) (compute.Backend, Info, error) {
	arg, _, _ = strings.Cut(arg, ",") // plugin options are not used here
	switch {
	case strings.HasPrefix(arg, "/"):
		return xlaBackend(arg, deviceOf(arg))
	case arg == "" || arg == string(cpu) || arg == string(cuda):
		want := cpu
		if arg == string(cuda) || (arg == "" && hasGPU() && findPlugin(cuda) != "") {
			want = cuda
		}
		path := findPlugin(want)
		if path == "" {
			return nil, Info{}, fmt.Errorf("backend: %s=xla%s: no %s PJRT plugin found in %s; %s",
				compute.ConfigEnvVar, suffix(arg), want, strings.Join(searchDirs(), ", "), installHint[want])
		}
		if want == cuda && !hasGPU() {
			return nil, Info{}, fmt.Errorf("backend: %s=xla:cuda: no NVIDIA GPU found (/dev/nvidia* or nvidia-smi)", compute.ConfigEnvVar)
		}
		return xlaBackend(path, want)
	default:
		return nil, Info{}, fmt.Errorf("backend: %s=xla:%s: want xla, xla:cpu, xla:cuda or xla:/absolute/path/to/plugin.so", compute.ConfigEnvVar, arg)
	}
}

func suffix(arg string) string {
	if arg == "" {
		return ""
	}
	return ":" + arg
}

func xlaBackend(path string, dev device) (compute.Backend, Info, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, Info{}, fmt.Errorf("backend: PJRT plugin %s: %w", path, err)
	}
	if dev == cpu {
		os.Setenv("XLA_FLAGS", cpuFlags(os.Getenv("XLA_FLAGS")))
	}
	b, err := xla.New(path)
	if err != nil {
		return nil, Info{}, fmt.Errorf("backend: loading PJRT plugin %s: %w", path, err)
	}
	info := Info{Name: xla.BackendName, Device: string(dev), PluginPath: path, Description: b.Description()}
	if p, err := pjrt.GetPlugin(path); err == nil {
		major, minor := p.Version()
		info.PJRTVersion = fmt.Sprintf("%d.%d", major, minor)
	}
	return b, info, nil
}

// ynnDotOnly limits the XLA CPU compiler's YNNPACK fusions to matrix
// products. By default the plugin also hands element-wise and reduction
// fusions to YNNPACK, and on the U-Net's many small element-wise ops that
// costs more than it saves: U-Net training (unet.DefaultConfig(4, 3), batch
// 64) runs ≈ 1.2× faster with dots only (bench/unet).
const ynnDotOnly = "--xla_cpu_experimental_ynn_fusion_type=dot"

// cpuFlags returns xlaFlags (the value of $XLA_FLAGS) with ynnDotOnly added,
// unless the user's flags already choose the YNNPACK fusion types.
func cpuFlags(xlaFlags string) string {
	if strings.Contains(xlaFlags, "xla_cpu_experimental_ynn_fusion_type") {
		return xlaFlags
	}
	return strings.TrimSpace(xlaFlags + " " + ynnDotOnly)
}

// goSequential is the pure-Go backend's configuration unless GOMLX_BACKEND
// gives one ("go:<config>"): the pure-Go backend schedules independent ops
// in parallel by default, and a few large matmuls ready at once can each hold
// a worker while waiting for more (a deadlock seen in U-Net training with
// compute v0.1.2; the scheduler is unchanged in v0.1.6). Running
// ops in sequence keeps the parallelism inside each op.
const goSequential = "ops_sequential"

// IsGo reports whether be is the pure-Go backend (its String() is "go";
// its Name() is a description).
func IsGo(be compute.Backend) bool { return be.String() == gobackend.BackendName }

// Go returns the pure-Go backend in the project's configuration (one op at a
// time, see goSequential), created once and shared: for tests and benchmarks
// that want the pure-Go backend whatever $GOMLX_BACKEND says.
var Go = sync.OnceValues(func() (compute.Backend, error) {
	b, _, err := goBackend("", "")
	return b, err
})

func goBackend(notice, config string) (compute.Backend, Info, error) {
	if config == "" {
		config = goSequential
	}
	b, err := gobackend.New(config)
	if err != nil {
		return nil, Info{}, fmt.Errorf("backend: pure-Go backend: %w", err)
	}
	return b, Info{Name: gobackend.BackendName, Device: string(cpu), Description: b.Description(), Notice: notice}, nil
}

var shared = sync.OnceValues(func() (compute.Backend, error) {
	b, info, err := New()
	sharedInfo = info
	return b, err
})

var sharedInfo Info

// Default returns the process-wide backend, created by New on first use.
func Default() (compute.Backend, error) { return shared() }

// DefaultInfo describes the process-wide backend (creating it if needed).
func DefaultInfo() (Info, error) {
	_, err := shared()
	return sharedInfo, err
}

// Must is Default for notebooks, commands and tests: it panics on error.
func Must() compute.Backend {
	b, err := Default()
	if err != nil {
		panic(err)
	}
	return b
}

// Label names the backend be for results files: "go", "xla:cpu" or
// "xla:cuda" (results made on different backends differ in rounding, so
// pkg/results refuses to mix them).
func Label(be compute.Backend) string {
	if IsGo(be) {
		return gobackend.BackendName
	}
	if p, ok := be.(interface{ PluginName() string }); ok {
		return be.Name() + ":" + string(deviceOf(p.PluginName()))
	}
	return be.Name()
}

// OrDefault returns be, or the process-wide backend (Default) when be is nil.
func OrDefault(be compute.Backend) (compute.Backend, error) {
	if be != nil {
		return be, nil
	}
	return Default()
}
