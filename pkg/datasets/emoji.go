package datasets

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// EmojiCategories are the Unicode emoji categories in their standard order;
// the labels of emoji images index this list.
var EmojiCategories = []string{"Smileys & Emotion", "People & Body", "Component", "Animals & Nature", "Food & Drink",
	"Travel & Places", "Activities", "Objects", "Symbols", "Flags"}

// Emoji describes one image of the npm package emoji-datasource-google.
type Emoji struct {
	File        string // image file name in img/google/64/, e.g. "1f600.png"
	Name        string // short name, e.g. "grinning"
	Category    string // one of EmojiCategories
	Subcategory string // e.g. "face-smiling", "animal-mammal"
	Skin        string // skin tone modifier of a variation ("1F3FB"…"1F3FF", or two joined by '-'), "" for the base emoji
}

// emojiEntry is the part of an emoji.json record that is used.
type emojiEntry struct {
	Image          string `json:"image"`
	ShortName      string `json:"short_name"`
	Category       string `json:"category"`
	Subcategory    string `json:"subcategory"`
	SortOrder      int    `json:"sort_order"`
	HasImgGoogle   bool   `json:"has_img_google"`
	SkinVariations map[string]struct {
		Image        string `json:"image"`
		HasImgGoogle bool   `json:"has_img_google"`
	} `json:"skin_variations"`
}

// emojiImageDir is the folder of the 64×64 images in the package.
func emojiImageDir(pkgDir string) string { return filepath.Join(pkgDir, "img", "google", "64") }

// ReadEmojiIndex reads emoji.json of the npm package emoji-datasource-google
// (folder pkgDir) and returns every emoji that has a Google image, in the
// package's sort order, each base emoji followed by its skin-tone variations
// in the order of their modifiers.
func ReadEmojiIndex(pkgDir string) ([]Emoji, error) {
	p := filepath.Join(pkgDir, "emoji.json")
	raw, err := readFileLimited(p)
	if err != nil {
		return nil, err
	}
	var entries []emojiEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("datasets: emoji index %s: %w", p, err)
	}
	slices.SortStableFunc(entries, func(a, b emojiEntry) int { return a.SortOrder - b.SortOrder })
	var out []Emoji
	for i, e := range entries {
		if !slices.Contains(EmojiCategories, e.Category) {
			return nil, fmt.Errorf("datasets: emoji index %s: record %d (%s) has category %q, want one of %q", p, i, e.Image, e.Category, EmojiCategories)
		}
		if e.Image == "" || strings.ContainsAny(e.Image, `/\`) {
			return nil, fmt.Errorf("datasets: emoji index %s: record %d has image file %q, want a plain file name", p, i, e.Image)
		}
		if e.HasImgGoogle {
			out = append(out, Emoji{File: e.Image, Name: e.ShortName, Category: e.Category, Subcategory: e.Subcategory})
		}
		skins := make([]string, 0, len(e.SkinVariations))
		for k := range e.SkinVariations {
			skins = append(skins, k)
		}
		slices.Sort(skins)
		for _, k := range skins {
			v := e.SkinVariations[k]
			if !v.HasImgGoogle {
				continue
			}
			if v.Image == "" || strings.ContainsAny(v.Image, `/\`) {
				return nil, fmt.Errorf("datasets: emoji index %s: record %d skin %s has image file %q, want a plain file name", p, i, k, v.Image)
			}
			out = append(out, Emoji{File: v.Image, Name: e.ShortName, Category: e.Category, Subcategory: e.Subcategory, Skin: k})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("datasets: emoji index %s lists no Google images", p)
	}
	return out, nil
}

// MatchEmoji returns the emoji whose category or subcategory is one of
// groups (all of them when groups is empty). It is an error if a group
// names no emoji.
func MatchEmoji(index []Emoji, groups ...string) ([]Emoji, error) {
	return matchEmoji(index, true, groups...)
}

// matchEmoji is MatchEmoji; when strict is false, groups that match no
// emoji are not an error.
func matchEmoji(index []Emoji, strict bool, groups ...string) ([]Emoji, error) {
	if len(groups) == 0 {
		return index, nil
	}
	var out []Emoji
	found := make([]bool, len(groups))
	for _, e := range index {
		hit := false
		for g, name := range groups {
			if name == e.Category || name == e.Subcategory {
				found[g], hit = true, true
			}
		}
		if hit {
			out = append(out, e)
		}
	}
	for g, ok := range found {
		if !ok && strict {
			return nil, fmt.Errorf("datasets: emoji group %q matches no emoji here; a group is a category (%q) or a subcategory (e.g. \"face-smiling\", \"animal-mammal\")",
				groups[g], EmojiCategories)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("datasets: no emoji in the groups %q", groups)
	}
	return out, nil
}

// LoadEmoji decodes the 64×64 images of the given emoji from the package
// folder pkgDir: RGB composited over opts.Background (white when nil), the
// alpha channel in Mask, Names the file names, Categories and Labels (into
// EmojiCategories) the emoji categories.
func LoadEmoji(pkgDir string, emoji []Emoji, opts PNGOptions) (*Images, error) {
	if len(emoji) == 0 {
		return nil, fmt.Errorf("datasets: LoadEmoji: no emoji given")
	}
	dir := emojiImageDir(pkgDir)
	paths := make([]string, len(emoji))
	for i, e := range emoji {
		paths[i] = filepath.Join(dir, e.File)
	}
	im, err := LoadPNGFiles(paths, opts)
	if err != nil {
		return nil, err
	}
	im.Names = make([]string, len(emoji))
	im.Categories = make([]string, len(emoji))
	im.Labels = make([]int, len(emoji))
	im.ClassNames = EmojiCategories
	for i, e := range emoji {
		im.Names[i] = e.File
		im.Categories[i] = e.Category
		im.Labels[i] = slices.Index(EmojiCategories, e.Category)
	}
	return im, nil
}
