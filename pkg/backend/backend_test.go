package backend

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// isolate hides every plugin location.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", "")
	t.Setenv("MOLRG_ROOT", "")
	t.Setenv("VIRTUAL_ENV", "")
	roots := programRoots
	programRoots = func() []string { return nil }
	t.Cleanup(func() { programRoots = roots })
}

// TestChoiceIgnoresCurrentFolder: a .venv with a plugin in the current
// folder must not be picked up (the choice would depend on where a command
// is started).
func TestChoiceIgnoresCurrentFolder(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	fake := filepath.Join(dir, ".venv", "lib", "python3.11", "site-packages", "lammps_jax_pjrt_cpu")
	if err := os.MkdirAll(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(fake, "pjrt_c_api_cpu_plugin.so"), []byte("not a plugin"), 0o644)
	t.Chdir(dir)
	if p := findPlugin(cpu); p != "" {
		t.Errorf("found %s through the current folder", p)
	}
}

func TestRequestedGo(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	b, info, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "go" || b == nil || info.Notice != "" {
		t.Errorf("GOMLX_BACKEND=go gave %+v (backend %v)", info, b)
	}
}

func TestFallbackToGoWithNotice(t *testing.T) {
	if hasGPU() {
		t.Skip("a GPU is present: the fallback order starts with CUDA")
	}
	isolate(t)
	t.Setenv("GOMLX_BACKEND", "")
	_, info, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "go" || !strings.Contains(info.Notice, "no XLA PJRT plugin found") {
		t.Errorf("without plugins got %+v, want the pure-Go backend with a notice", info)
	}
}

func TestRequestedButMissing(t *testing.T) {
	isolate(t)
	for _, c := range []struct{ config, want string }{
		{"xla:cpu", "no cpu PJRT plugin found"},
		{"xla:cpu", "make setup"},
		{"xla:cuda", "cuda"},
		{"xla:tpu", "want xla, xla:cpu, xla:cuda"},
		{"xla:/nonexistent/plugin.so", "/nonexistent/plugin.so"},
		{"onnx", `unknown backend "onnx"`},
	} {
		t.Setenv("GOMLX_BACKEND", c.config)
		if _, _, err := New(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("GOMLX_BACKEND=%s: err = %v, want it to mention %q", c.config, err, c.want)
		}
	}
}

// TestPluginFoundInVenvAboveProgram: the .venv of a folder above the
// program (e.g. the checkout of .tools/bin/molrg) is found.
func TestPluginFoundInVenvAboveProgram(t *testing.T) {
	isolate(t)
	root := t.TempDir()
	plugin := filepath.Join(root, ".venv", "lib", "python3.11", "site-packages", pluginFiles[cpu][0])
	if err := os.MkdirAll(filepath.Dir(plugin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plugin, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "notebooks", "deep")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	programRoots = func() []string { return []string{sub} }
	if got := findPlugin(cpu); got != plugin {
		t.Errorf("findPlugin(cpu) = %q, want %q", got, plugin)
	}
	if got := findPlugin(cuda); got != "" {
		t.Errorf("findPlugin(cuda) = %q, want none", got)
	}
}

// TestXLAMatchesGo runs the same computation and gradient on the XLA CPU
// plugin (when `make setup` installed it) and on the pure-Go backend.
func TestXLAMatchesGo(t *testing.T) {
	path := findPlugin(cpu)
	if path == "" {
		t.Skip("no XLA CPU plugin installed (run make setup)")
	}
	xb, info, err := xlaBackend(path, cpu)
	if err != nil {
		t.Fatal(err)
	}
	if info.PJRTVersion == "" || info.Name != "xla" {
		t.Errorf("XLA info %+v lacks the PJRT version", info)
	}
	gb, _, err := goBackend("", "")
	if err != nil {
		t.Fatal(err)
	}
	f := func(x *Node) (*Node, *Node) {
		y := ReduceAllSum(Sin(MatMul(x, Transpose(x, 0, 1))))
		return y, Gradient(y, x)[0]
	}
	var got [2][]float64
	for i, b := range []compute.Backend{xb, gb} {
		x := tensors.FromValue([][]float64{{0.1, -0.4, 0.7}, {1.2, 0.3, -0.5}})
		out := MustExecOnceN(b, f, x)
		got[i] = append([]float64{tensors.ToScalar[float64](out[0])}, tensors.MustCopyFlatData[float64](out[1])...)
	}
	for i := range got[0] {
		if math.Abs(got[0][i]-got[1][i]) > 1e-12 {
			t.Fatalf("XLA %v ≠ Go %v", got[0], got[1])
		}
	}
}

func TestCPUFlags(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ynnDotOnly},
		{"--xla_dump_to=/tmp/d", "--xla_dump_to=/tmp/d " + ynnDotOnly},
		{"--xla_cpu_experimental_ynn_fusion_type=dot,eltwise", "--xla_cpu_experimental_ynn_fusion_type=dot,eltwise"},
	} {
		if got := cpuFlags(c.in); got != c.want {
			t.Errorf("cpuFlags(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLabel(t *testing.T) {
	be, err := Go()
	if err != nil {
		t.Fatal(err)
	}
	if l := Label(be); l != "go" {
		t.Errorf("Label(pure Go) = %q, want go", l)
	}
	if b, info, err := New(); err == nil && info.Name == "xla" {
		if l := Label(b); l != "xla:"+info.Device {
			t.Errorf("Label(XLA on %s) = %q", info.Device, l)
		}
	}
}
