package datasets

import (
	"image"
	"image/color"
	"path/filepath"
	"slices"
	"testing"
)

// writeEmojiPackage writes a fake emoji-datasource-google with 4×4 images:
// a face (sort order 2) with two skin tones, one without a Google image, a
// dog (sort order 1), a flag (sort order 3). Pixel (x, y) of each image has
// colour (r, g, b) of its own and alpha 255 except (0, 0), which is fully
// transparent.
func writeEmojiPackage(t *testing.T, root string) string {
	t.Helper()
	dir := filepath.Join(root, "node_modules", "emoji-datasource-google")
	index := `[
 {"image": "1f600.png", "short_name": "grinning", "category": "Smileys & Emotion", "subcategory": "face-smiling", "sort_order": 2, "has_img_google": true,
  "skin_variations": {"1F3FC": {"image": "1f600-1f3fc.png", "has_img_google": true}, "1F3FB": {"image": "1f600-1f3fb.png", "has_img_google": true},
                      "1F3FD": {"image": "1f600-1f3fd.png", "has_img_google": false}}},
 {"image": "1f415.png", "short_name": "dog", "category": "Animals & Nature", "subcategory": "animal-mammal", "sort_order": 1, "has_img_google": true},
 {"image": "1f1eb-1f1f7.png", "short_name": "flag-fr", "category": "Flags", "subcategory": "country-flag", "sort_order": 3, "has_img_google": true}
]`
	writeFile(t, dir, "emoji.json", []byte(index))
	for _, e := range []struct {
		file    string
		r, g, b uint8
	}{{"1f600.png", 250, 200, 0}, {"1f600-1f3fb.png", 240, 210, 190}, {"1f600-1f3fc.png", 220, 180, 140}, {"1f415.png", 120, 80, 40}, {"1f1eb-1f1f7.png", 0, 0, 200}} {
		img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
		for y := range 4 {
			for x := range 4 {
				a := uint8(255)
				if x == 0 && y == 0 {
					a = 0
				}
				img.SetNRGBA(x, y, color.NRGBA{e.r, e.g, e.b, a})
			}
		}
		writeFile(t, dir, "img/google/64/"+e.file, pngBytes(t, img))
	}
	return dir
}

func TestReadEmojiIndex(t *testing.T) {
	dir := writeEmojiPackage(t, t.TempDir())
	index, err := ReadEmojiIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range index {
		files = append(files, e.File)
	}
	want := []string{"1f415.png", "1f600.png", "1f600-1f3fb.png", "1f600-1f3fc.png", "1f1eb-1f1f7.png"}
	if !slices.Equal(files, want) {
		t.Fatalf("index order %q, want %q (sort order, then skin tones in order)", files, want)
	}
	if index[3].Skin != "1F3FC" || index[3].Name != "grinning" || index[3].Subcategory != "face-smiling" {
		t.Fatalf("skin variation entry %+v", index[3])
	}
	faces, err := MatchEmoji(index, "face-smiling", "Flags")
	if err != nil || len(faces) != 4 {
		t.Fatalf("MatchEmoji(face-smiling, Flags) = %d emoji, %v; want 4", len(faces), err)
	}
	_, err = MatchEmoji(index, "Objects")
	wantErr(t, err, `"Objects"`, "matches no emoji")
	writeFile(t, dir, "emoji.json", []byte(`[{"image": "x.png", "category": "Nonsense", "has_img_google": true}]`))
	_, err = ReadEmojiIndex(dir)
	wantErr(t, err, "emoji.json", `"Nonsense"`)
	writeFile(t, dir, "emoji.json", []byte(`[{"image": "../x.png", "category": "Flags", "has_img_google": true}]`))
	_, err = ReadEmojiIndex(dir)
	wantErr(t, err, `"../x.png"`, "plain file name")
	writeFile(t, dir, "emoji.json", []byte(`{`))
	_, err = ReadEmojiIndex(dir)
	wantErr(t, err, "emoji.json")
}
