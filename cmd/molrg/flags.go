package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/molrg/molrg/pkg/param"
)

// maxListValues bounds what a list flag may expand to ("1-2000000000" would
// otherwise allocate billions of values before anything checks them).
const maxListValues = 100_000

// cmdFlags is a subcommand's flag set: flag.FlagSet plus the project's list
// syntax and the map from the library settings the flags set to the flags,
// so that a validation error of the library (a *param.Error) names the flag.
type cmdFlags struct {
	*flag.FlagSet
	usage  string
	params map[string]string // param.Error name → flag name
}

func newFlags(name, usage string) *cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return &cmdFlags{FlagSet: fs, usage: usage, params: map[string]string{}}
}

// bind records that flag name sets the library setting param (as a
// *param.Error names it, e.g. "Train.TotalSteps").
func (f *cmdFlags) bind(param, name string) { f.params[param] = name }

// explain rewrites a library error about a setting a flag sets as an error
// about the flag; other errors pass through.
func (f *cmdFlags) explain(err error) error {
	var pe *param.Error
	if errors.As(err, &pe) {
		if name, ok := f.params[pe.Name]; ok {
			return fmt.Errorf("-%s = %v, want %s", name, pe.Value, pe.Want)
		}
	}
	return err
}

// parse parses args. help is true after -h or --help (the usage and the
// flags are printed to stderr; the command then stops without error). A
// flag error or a positional argument is returned once (not printed), with
// a pointer to --help.
func (f *cmdFlags) parse(args []string, stderr io.Writer) (help bool, err error) {
	f.SetOutput(io.Discard)
	f.Usage = func() {}
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.printUsage(stderr)
			return true, nil
		}
		return false, fmt.Errorf("%v (molrg %s --help lists the flags)", err, f.Name())
	}
	if f.NArg() > 0 {
		return false, fmt.Errorf("unexpected arguments %q: every setting is a flag (molrg %s --help lists them)", f.Args(), f.Name())
	}
	return false, nil
}

func (f *cmdFlags) printUsage(w io.Writer) {
	fmt.Fprint(w, f.usage)
	f.SetOutput(w)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
}

// intList is a flag holding a list of non-negative integers, written as a
// comma-separated list of values and ranges: "4", "1,2,5", "1-12" (step 1),
// "2-12/2" (step 2), "16-1024*2" (×2 each time), or a mix: "1-4,8,16-64*2".
type intList struct{ p *[]int }

func (l intList) String() string {
	if l.p == nil {
		return ""
	}
	return formatInts(*l.p)
}

func (l intList) Set(s string) error {
	var out []int
	err := parseList(s, func(lo, hi, step float64, geometric bool) error {
		for _, v := range []float64{lo, hi, step} {
			if v != math.Trunc(v) || v < 0 || v > math.MaxInt32 {
				return fmt.Errorf("%q: want non-negative integers", s)
			}
		}
		return expand(lo, hi, step, geometric, func(v float64) error {
			if len(out) >= maxListValues {
				return fmt.Errorf("%q expands to more than %d values", s, maxListValues)
			}
			out = append(out, int(v))
			return nil
		})
	})
	if err != nil {
		return err
	}
	*l.p = out
	return nil
}

// floatList is intList for positive numbers: "1,2,4", "1-32*2", "0.5-2/0.5".
type floatList struct{ p *[]float64 }

func (l floatList) String() string {
	if l.p == nil {
		return ""
	}
	parts := make([]string, len(*l.p))
	for i, v := range *l.p {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func (l floatList) Set(s string) error {
	var out []float64
	err := parseList(s, func(lo, hi, step float64, geometric bool) error {
		return expand(lo, hi, step, geometric, func(v float64) error {
			if len(out) >= maxListValues {
				return fmt.Errorf("%q expands to more than %d values", s, maxListValues)
			}
			out = append(out, v)
			return nil
		})
	})
	if err != nil {
		return err
	}
	*l.p = out
	return nil
}

// parseList splits s at commas and calls item with each value (lo = hi,
// step 1) or range lo-hi[/step | *factor].
func parseList(s string, item func(lo, hi, step float64, geometric bool) error) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty list, want values such as 1-12 or 1,2,4")
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		step, geometric := 1.0, false
		body := part
		if i := strings.IndexAny(part, "/*"); i >= 0 {
			geometric = part[i] == '*'
			v, err := strconv.ParseFloat(part[i+1:], 64)
			if err != nil {
				return fmt.Errorf("%q: the step after %q is not a number", part, part[i:i+1])
			}
			step, body = v, part[:i]
		}
		lo, hi, isRange := strings.Cut(body, "-")
		a, err := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		if err != nil || math.IsNaN(a) || math.IsInf(a, 0) {
			return fmt.Errorf("%q is not a number or a range lo-hi", part)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseFloat(strings.TrimSpace(hi), 64); err != nil || math.IsNaN(b) || math.IsInf(b, 0) || b < a {
				return fmt.Errorf("%q is not a range lo-hi with lo ≤ hi", part)
			}
		} else if step != 1 || geometric {
			return fmt.Errorf("%q: a step needs a range lo-hi", part)
		}
		if err := item(a, b, step, geometric); err != nil {
			return err
		}
	}
	return nil
}

// expand calls f with lo, lo+step, … ≤ hi, or lo, lo·step, … ≤ hi.
func expand(lo, hi, step float64, geometric bool, f func(float64) error) error {
	if geometric && !(step > 1) || !geometric && !(step > 0) {
		return fmt.Errorf("step %v, want a step > 0 (or a factor > 1 after *)", step)
	}
	if geometric && !(lo > 0) {
		return fmt.Errorf("a geometric range starts at %v, want a start > 0", lo)
	}
	if lo == hi {
		return f(lo)
	}
	count := (hi-lo)/step + 1
	if geometric {
		count = math.Log(hi/lo)/math.Log(step) + 1
	}
	if count > maxListValues || lo+step == lo {
		return fmt.Errorf("the range %v-%v expands to more than %d values", lo, hi, maxListValues)
	}
	for i := 0; ; i++ {
		v := lo + float64(i)*step
		if geometric {
			v = lo * math.Pow(step, float64(i))
		}
		if v > hi*(1+1e-12) {
			return nil
		}
		if err := f(v); err != nil {
			return err
		}
	}
}

func formatInts(v []int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

// ints defines a list flag on *p (its current value is the default shown)
// that sets the library setting param.
func (f *cmdFlags) ints(p *[]int, name, param, usage string) {
	f.Var(intList{p}, name, usage+" (a list: 1,2,5 or 1-12 or 16-1024*2)")
	f.bind(param, name)
}

// floats is ints for numbers.
func (f *cmdFlags) floats(p *[]float64, name, param, usage string) {
	f.Var(floatList{p}, name, usage+" (a list: 1,2,4 or 1-32*2)")
	f.bind(param, name)
}

// intVar, uint64Var, floatVar and boolVar define a flag on the library
// setting *p, with its current value as the default.
func (f *cmdFlags) intVar(p *int, name, param, usage string) {
	f.IntVar(p, name, *p, usage)
	f.bind(param, name)
}

func (f *cmdFlags) uint64Var(p *uint64, name, param, usage string) {
	f.Uint64Var(p, name, *p, usage)
	f.bind(param, name)
}

func (f *cmdFlags) floatVar(p *float64, name, param, usage string) {
	f.Float64Var(p, name, *p, usage)
	f.bind(param, name)
}

// hasFlag reports whether args set the boolean flag name (-name, --name,
// -name=true): for flags such as -authors that choose the defaults every
// other flag starts from, read before those flags are defined.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		a = strings.TrimLeft(a, "-")
		if a == name || a == name+"=true" || a == name+"=1" {
			return true
		}
	}
	return false
}
