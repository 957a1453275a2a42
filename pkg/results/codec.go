package results

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// column is one CSV column: a struct field reached by index.
type column struct {
	name  string
	index []int
	kind  reflect.Kind
}

// codec converts rows of one struct type to CSV records and back.
type codec struct {
	typ     reflect.Type
	columns []column
}

var codecs sync.Map // reflect.Type → *codec or error

// codecFor returns the codec of the row type R.
func codecFor[R any]() (*codec, error) {
	t := reflect.TypeFor[R]()
	if v, ok := codecs.Load(t); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.(*codec), nil
	}
	c := &codec{typ: t}
	err := c.collect(t, nil)
	if err == nil && len(c.columns) == 0 {
		err = fmt.Errorf("results: row type %s has no fields tagged `csv:\"name\"`", t)
	}
	seen := map[string]bool{}
	for _, col := range c.columns {
		if err == nil && seen[col.name] {
			err = fmt.Errorf("results: row type %s has two columns named %q", t, col.name)
		}
		seen[col.name] = true
	}
	if err != nil {
		codecs.Store(t, err)
		return nil, err
	}
	codecs.Store(t, c)
	return c, nil
}

func (c *codec) collect(t reflect.Type, prefix []int) error {
	if t.Kind() != reflect.Struct {
		return fmt.Errorf("results: row type %s is not a struct", t)
	}
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag := f.Tag.Get("csv")
		if tag == "-" {
			continue
		}
		if tag == "" && f.Anonymous && f.Type.Kind() == reflect.Struct {
			if err := c.collect(f.Type, index); err != nil { // an embedded struct's columns
				return err
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if tag == "" {
			return fmt.Errorf("results: field %s.%s has no `csv` tag (name its column, or `csv:\"-\"` to leave it out)", t, f.Name)
		}
		switch f.Type.Kind() {
		case reflect.Int, reflect.Int64, reflect.Uint64, reflect.Float64, reflect.String, reflect.Bool:
		default:
			return fmt.Errorf("results: field %s.%s has type %s, want int, uint64, float64, string or bool", t, f.Name, f.Type)
		}
		if strings.ContainsAny(tag, ",\"\r\n") {
			return fmt.Errorf("results: column name %q of %s.%s has a comma, quote or newline", tag, t, f.Name)
		}
		c.columns = append(c.columns, column{name: tag, index: index, kind: f.Type.Kind()})
	}
	return nil
}

// header returns the column names.
func (c *codec) header() []string {
	h := make([]string, len(c.columns))
	for i, col := range c.columns {
		h[i] = col.name
	}
	return h
}

// encode returns the record of row v (a value of the codec's type).
func (c *codec) encode(v reflect.Value) ([]string, error) {
	rec := make([]string, len(c.columns))
	for i, col := range c.columns {
		f := v.FieldByIndex(col.index)
		switch col.kind {
		case reflect.Int, reflect.Int64:
			rec[i] = strconv.FormatInt(f.Int(), 10)
		case reflect.Uint64:
			rec[i] = strconv.FormatUint(f.Uint(), 10)
		case reflect.Float64:
			rec[i] = formatFloat(f.Float())
		case reflect.Bool:
			rec[i] = "0"
			if f.Bool() {
				rec[i] = "1"
			}
		case reflect.String:
			s := f.String()
			if strings.ContainsAny(s, "\r\n") {
				return nil, fmt.Errorf("results: column %s = %q holds a line break", col.name, s)
			}
			rec[i] = s
		}
	}
	return rec, nil
}

func formatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// decode sets the fields of v (addressable) from rec.
func (c *codec) decode(rec []string, v reflect.Value) error {
	if len(rec) != len(c.columns) {
		return fmt.Errorf("%d fields, want %d (%s)", len(rec), len(c.columns), strings.Join(c.header(), ","))
	}
	for i, col := range c.columns {
		f := v.FieldByIndex(col.index)
		s := rec[i]
		bad := func(want string) error { return fmt.Errorf("column %s = %q, want %s", col.name, s, want) }
		switch col.kind {
		case reflect.Int, reflect.Int64:
			x, err := strconv.ParseInt(s, 10, 64)
			if err != nil || f.OverflowInt(x) {
				return bad("an integer")
			}
			f.SetInt(x)
		case reflect.Uint64:
			x, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return bad("a non-negative integer")
			}
			f.SetUint(x)
		case reflect.Float64:
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return bad("a number")
			}
			f.SetFloat(x)
		case reflect.Bool:
			switch s {
			case "1":
				f.SetBool(true)
			case "0":
				f.SetBool(false)
			default:
				return bad("0 or 1")
			}
		case reflect.String:
			f.SetString(s)
		}
	}
	return nil
}
