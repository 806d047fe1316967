// Package tsgen writes TypeScript declarations for Go types that cross into the webview, so
// the frontend's types come from Go instead of a hand-kept copy. It follows encoding/json's
// rules for field names, omitempty and embedded structs.
package tsgen

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Gen collects the named types that a set of Go types reaches and writes them once each.
type Gen struct {
	names    map[reflect.Type]string
	nullable map[reflect.Type]map[string]bool
	enums    map[reflect.Type][]string
	order    []reflect.Type
	queued   map[reflect.Type]bool
}

// New returns an empty generator.
func New() *Gen {
	return &Gen{names: map[reflect.Type]string{}, nullable: map[reflect.Type]map[string]bool{}, enums: map[reflect.Type][]string{}, queued: map[reflect.Type]bool{}}
}

// Name gives a Go type its TypeScript name (default: the Go name). Two Go types that would
// share a name must be told apart here; Write reports the clash.
func (g *Gen) Name(t reflect.Type, name string) { g.names[t] = name }

// Nullable marks a slice or map field that Go leaves nil on purpose (encoding/json sends it
// as null). Other slices are declared as arrays: the Go side keeps them non-nil.
func (g *Gen) Nullable(t reflect.Type, goField string) {
	if _, ok := t.FieldByName(goField); !ok {
		panic("tsgen: " + t.String() + " has no field " + goField)
	}
	if g.nullable[t] == nil {
		g.nullable[t] = map[string]bool{}
	}
	g.nullable[t][goField] = true
}

// Enum declares a string type's values: fields of that type become a union of them.
func (g *Gen) Enum(t reflect.Type, values ...string) {
	if t.Kind() != reflect.String {
		panic("tsgen: Enum needs a string type, got " + t.String())
	}
	g.enums[t] = values
	g.use(t)
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	durType     = reflect.TypeFor[time.Duration]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
)

// Type returns the TypeScript for t, queueing every named struct and enum it reaches.
func (g *Gen) Type(t reflect.Type) string {
	switch {
	case t == timeType:
		return "string"
	case t == durType:
		return "number" // nanoseconds, as encoding/json writes it
	case t == rawJSONType:
		return "unknown"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.Type(t.Elem()) + " | null"
	case reflect.String:
		if _, ok := g.enums[t]; ok {
			return g.name(t)
		}
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // base64
		}
		el := g.Type(t.Elem())
		if strings.Contains(el, " ") {
			el = "(" + el + ")"
		}
		return el + "[]"
	case reflect.Map:
		return "Record<string, " + g.Type(t.Elem()) + ">"
	case reflect.Interface:
		return "unknown"
	case reflect.Struct:
		g.use(t)
		return g.name(t)
	}
	panic("tsgen: no TypeScript for " + t.String())
}

func (g *Gen) use(t reflect.Type) {
	if !g.queued[t] {
		g.queued[t] = true
		g.order = append(g.order, t)
	}
}

func (g *Gen) name(t reflect.Type) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	return t.Name()
}

// field is one JSON member of a struct.
type field struct {
	name     string
	ts       string
	optional bool
}

// fields lists t's JSON members in order, embedded structs flattened as encoding/json does.
func (g *Gen) fields(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, g.fields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		ts := g.Type(f.Type)
		if g.nullable[t][f.Name] {
			ts += " | null"
		}
		out = append(out, field{
			name:     name,
			ts:       ts,
			optional: slices.Contains(strings.Split(opts, ","), "omitempty"),
		})
	}
	return out
}

// Write returns the declarations of every type queued so far, in the order first reached.
func (g *Gen) Write() (string, error) {
	var b strings.Builder
	byName := map[string]reflect.Type{}
	for i := 0; i < len(g.order); i++ { // g.order grows while fields are walked
		t := g.order[i]
		n := g.name(t)
		if other, dup := byName[n]; dup && other != t {
			return "", fmt.Errorf("tsgen: %s and %s are both called %s in TypeScript: give one a Name", other, t, n)
		}
		byName[n] = t
		fmt.Fprintf(&b, "/** Go: %s */\n", t.String())
		if values, ok := g.enums[t]; ok {
			quoted := make([]string, len(values))
			for i, v := range values {
				quoted[i] = fmt.Sprintf("%q", v)
			}
			fmt.Fprintf(&b, "export type %s = %s;\n\n", n, strings.Join(quoted, " | "))
			continue
		}
		fmt.Fprintf(&b, "export interface %s {\n", n)
		for _, f := range g.fields(t) {
			opt := ""
			if f.optional {
				opt = "?"
			}
			fmt.Fprintf(&b, "  %s%s: %s;\n", f.name, opt, f.ts)
		}
		b.WriteString("}\n\n")
	}
	return b.String(), nil
}

// Enums returns the declared enums and their values.
func (g *Gen) Enums() map[reflect.Type][]string { return g.enums }
