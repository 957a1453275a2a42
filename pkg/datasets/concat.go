package datasets

import (
	"fmt"
	"slices"
)

// Concat returns the images of all parts, one after the other. The parts
// must have the same H, W, C and the same ClassNames (or all none). Labels,
// Names and Categories are kept when every part has them; a label set on
// some parts only is an error. A part without a mask counts as fully opaque
// (alpha 1) when others have one.
func Concat(parts ...*Images) (*Images, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("datasets: Concat of nothing, want at least one Images")
	}
	first := parts[0]
	out := &Images{H: first.H, W: first.W, C: first.C, ClassNames: first.ClassNames}
	hasLabels, hasNames, hasCats, hasMask := true, true, true, false
	for i, p := range parts {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("datasets: Concat part %d: %w", i, err)
		}
		if p.H != first.H || p.W != first.W || p.C != first.C {
			return nil, fmt.Errorf("datasets: Concat part %d is %d×%d×%d, part 0 is %d×%d×%d: want the same size", i, p.H, p.W, p.C, first.H, first.W, first.C)
		}
		if !slices.Equal(p.ClassNames, first.ClassNames) {
			return nil, fmt.Errorf("datasets: Concat part %d has class names %q, part 0 has %q: want the same", i, p.ClassNames, first.ClassNames)
		}
		if (p.Labels == nil) != (first.Labels == nil) {
			return nil, fmt.Errorf("datasets: Concat part %d has labels: %v, part 0: %v; want all or none labelled", i, p.Labels != nil, first.Labels != nil)
		}
		out.N += p.N
		hasLabels = hasLabels && p.Labels != nil
		hasNames = hasNames && p.Names != nil
		hasCats = hasCats && p.Categories != nil
		hasMask = hasMask || p.Mask != nil
	}
	if _, ok := product(maxValues, int64(out.N), int64(out.Dim())); !ok {
		return nil, fmt.Errorf("datasets: Concat: %d images of %d values is over the limit of %d values", out.N, out.Dim(), int64(maxValues))
	}
	out.Pix = make([]float32, 0, out.N*out.Dim())
	if hasMask {
		out.Mask = make([]float32, 0, out.N*out.H*out.W)
	}
	for _, p := range parts {
		out.Pix = append(out.Pix, p.Pix...)
		if hasLabels {
			out.Labels = append(out.Labels, p.Labels...)
		}
		if hasNames {
			out.Names = append(out.Names, p.Names...)
		}
		if hasCats {
			out.Categories = append(out.Categories, p.Categories...)
		}
		if hasMask {
			if p.Mask != nil {
				out.Mask = append(out.Mask, p.Mask...)
			} else {
				for range p.N * p.H * p.W {
					out.Mask = append(out.Mask, 1)
				}
			}
		}
	}
	return out, nil
}
