//go:build bench

// Command boundary measures the phase transition of Figures 4 and 8 where it
// happens: the success rates of Algorithm 1 (pkg/dae) and of the classical
// methods (PCA, K-subspaces) at N_k = d−1, d, d+1, pooled over d, for every
// K, on the problems of the default sweep (pkg/phase, noise-free, seed 1).
// It runs phase.Sweep on those cells only and prints the rates, the runs
// they pool, Algorithm 1's steps and the wall time.
//
//	go run -tags bench ./bench/boundary                 # K = 1, 2, 3; d = 1..12; 20 instances
//	go run -tags bench ./bench/boundary -k 1 -d 6 -steps 8000 -v
//
// It is kept out of `go test ./...` and `go vet ./...` by the bench build tag.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/molrg/molrg/pkg/dae"
	"github.com/molrg/molrg/pkg/phase"
	"gonum.org/v1/gonum/mat"
)

func main() {
	ks := flag.String("k", "1,2,3", "numbers of components K, comma-separated")
	ds := flag.String("d", "1-12", "subspace dimensions d, lo-hi")
	instances := flag.Int("instances", 20, "instances per cell")
	steps := flag.Int("steps", 0, "Algorithm 1 steps (0: the dae default)")
	eta := flag.Float64("eta", 0, "first step size (0: default)")
	finalEta := flag.Float64("final-eta", 0, "last step size (0: default)")
	methods := flag.String("methods", "sgd,classic", "methods")
	verbose := flag.Bool("v", false, "print every failed Algorithm 1 run with the smallest eigenvalue of its components' sample covariances")
	flag.Parse()
	if err := run(*ks, *ds, *instances, *steps, *eta, *finalEta, *methods, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "boundary:", err)
		os.Exit(1)
	}
}

func run(kList, dRange string, instances, steps int, eta, finalEta float64, methodList string, verbose bool) error {
	var lo, hi int
	if _, err := fmt.Sscanf(strings.Replace(dRange, "-", " ", 1), "%d %d", &lo, &hi); err != nil {
		if _, err := fmt.Sscanf(dRange, "%d", &lo); err != nil {
			return fmt.Errorf("-d %q: want lo-hi or one value", dRange)
		}
		hi = lo
	}
	var methods []phase.Method
	for _, m := range strings.Split(methodList, ",") {
		mm, err := phase.ParseMethod(m)
		if err != nil {
			return err
		}
		methods = append(methods, mm)
	}
	opts := phase.Options{Train: func(p dae.Parameterization, dims ...int) dae.Config {
		c := phase.DefaultTrain(p, dims...)
		if steps > 0 {
			c.Steps = steps
		}
		if eta > 0 {
			c.StepSize = eta
		}
		if finalEta > 0 {
			c.FinalStepSize = finalEta
		}
		return c
	}}
	type cellKey struct {
		k      int
		method phase.Method
		offset int
	}
	succ, runs := map[cellKey]int{}, map[cellKey]int{}
	sgdSeconds := 0.0
	start := time.Now()
	for _, ks := range strings.Split(kList, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(ks))
		if err != nil {
			return fmt.Errorf("-k %q: %w", kList, err)
		}
		for d := lo; d <= hi; d++ {
			var nks []int
			for _, nk := range []int{d - 1, d, d + 1} {
				if nk >= 1 {
					nks = append(nks, nk)
				}
			}
			g := phase.DefaultGrid()
			g.Ks, g.Ds, g.Nks, g.Instances, g.Methods = []int{k}, []int{d}, nks, instances, methods
			err := phase.Sweep(context.Background(), g, opts, nil, func(rows []phase.Row) error {
				for _, r := range rows {
					c := cellKey{r.K, r.Method, r.Nk - r.D}
					runs[c]++
					if r.Success {
						succ[c]++
					}
					if r.Method == phase.SGD {
						sgdSeconds += r.Seconds
						if verbose && !r.Success {
							p, err := r.Key.Problem(g.Seed)
							if err != nil {
								return err
							}
							fmt.Printf("  failed: K=%d d=%d N_k=%d instance %d: error %.3f, smallest λ of the components' sample covariances %s\n",
								r.K, r.D, r.Nk, r.Instance, r.Error, smallestEigenvalues(p, k, d, r.Nk))
						}
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	fmt.Printf("success at N_k = d−1 / d / d+1 (d = %d..%d, %d instances; runs per cell in brackets):\n", lo, hi, instances)
	var keys []int
	for _, ks := range strings.Split(kList, ",") {
		k, _ := strconv.Atoi(strings.TrimSpace(ks))
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		for _, m := range methods {
			fmt.Printf("  K=%d %-8s", k, m)
			for _, off := range []int{-1, 0, 1} {
				c := cellKey{k, m, off}
				fmt.Printf("  %.2f (%d)", float64(succ[c])/float64(max(1, runs[c])), runs[c])
			}
			fmt.Println()
		}
	}
	fmt.Printf("Algorithm 1: %.1f run-seconds summed; wall time %.1f s\n", sgdSeconds, time.Since(start).Seconds())
	return nil
}

// smallestEigenvalues lists, per component, the d-th eigenvalue of the
// sample covariance (1/N_k)·X_kᵀX_k of its samples (rows grouped by component).
func smallestEigenvalues(p *phase.Problem, k, d, nk int) string {
	var parts []string
	for c := range k {
		xk := p.X.Slice(c*nk, (c+1)*nk, 0, p.X.RawMatrix().Cols)
		var svd mat.SVD
		if !svd.Factorize(xk, mat.SVDNone) {
			return "?"
		}
		v := svd.Values(nil)
		lam := 0.0
		if d-1 < len(v) {
			lam = v[d-1] * v[d-1] / float64(nk)
		}
		parts = append(parts, fmt.Sprintf("%.2g", lam))
	}
	return strings.Join(parts, ", ")
}
