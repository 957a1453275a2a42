package datasets

import (
	"fmt"
	"slices"
)

// SelectLabels returns the images whose label is one of labels, in their
// original order. It is an error if the images have no labels, if a label
// is outside [0, len(ClassNames)) when ClassNames is set, or if no image
// matches.
func (im *Images) SelectLabels(labels ...int) (*Images, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if im.Labels == nil {
		return nil, fmt.Errorf("datasets: SelectLabels: the images have no labels")
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("datasets: SelectLabels: no labels given, want at least one")
	}
	for _, l := range labels {
		if l < 0 {
			return nil, fmt.Errorf("datasets: SelectLabels: label %d, want ≥ 0", l)
		}
		if im.ClassNames != nil && l >= len(im.ClassNames) {
			return nil, fmt.Errorf("datasets: SelectLabels: label %d, want a value in [0, %d) (the classes %q)", l, len(im.ClassNames), im.ClassNames)
		}
	}
	var idx []int
	for i, l := range im.Labels {
		if slices.Contains(labels, l) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("datasets: SelectLabels: no image has label %v", labels)
	}
	return im.Subset(idx)
}

// SelectCategories returns the images whose category is one of cats, in
// their original order. It is an error if the images have no categories,
// or if one of cats names no image (the message lists the categories
// there are).
func (im *Images) SelectCategories(cats ...string) (*Images, error) {
	if err := im.checkShape(); err != nil {
		return nil, err
	}
	if im.Categories == nil {
		return nil, fmt.Errorf("datasets: SelectCategories: the images have no categories")
	}
	if len(cats) == 0 {
		return nil, fmt.Errorf("datasets: SelectCategories: no categories given, want at least one")
	}
	for _, c := range cats {
		if !slices.Contains(im.Categories, c) {
			known, _ := labelsOf(im.Categories)
			return nil, fmt.Errorf("datasets: SelectCategories: no image has category %q; the categories are %q", c, known)
		}
	}
	var idx []int
	for i, c := range im.Categories {
		if slices.Contains(cats, c) {
			idx = append(idx, i)
		}
	}
	return im.Subset(idx)
}

// CountLabels returns how many images have each label: counts[l] for
// l in [0, len(ClassNames)) (or up to the largest label when ClassNames is
// nil); nil if the images have no labels. Negative labels (invalid) are not
// counted.
func (im *Images) CountLabels() []int {
	if im.Labels == nil {
		return nil
	}
	n := len(im.ClassNames)
	for _, l := range im.Labels {
		n = max(n, l+1)
	}
	counts := make([]int, n)
	for _, l := range im.Labels {
		if l >= 0 {
			counts[l]++
		}
	}
	return counts
}
