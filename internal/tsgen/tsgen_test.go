package tsgen

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

type color string

type inner struct {
	N int `json:"n"`
}

type header struct {
	ID  string `json:"id"`
	Seq int    `json:"seq"`
}

type sample struct {
	header
	Name     string          `json:"name"`
	Color    color           `json:"color"`
	Maybe    *inner          `json:"maybe"`
	Optional *inner          `json:"optional,omitempty"`
	List     []inner         `json:"list"`
	Hits     []string        `json:"hits"`
	Tags     map[string]int  `json:"tags"`
	When     time.Time       `json:"when"`
	Took     time.Duration   `json:"took"`
	Raw      json.RawMessage `json:"raw"`
	Bytes    []byte          `json:"bytes"`
	Skipped  string          `json:"-"`
	NoTag    bool
	Nested   map[string][]bool `json:"nested"`
	hidden   int
}

// Each line is what encoding/json really sends for that field, so the frontend's type is true.
func TestTypesFollowEncodingJSON(t *testing.T) {
	g := New()
	g.Enum(reflect.TypeFor[color](), "red", "green")
	g.Nullable(reflect.TypeFor[sample](), "Hits")
	g.Name(reflect.TypeFor[inner](), "Inner")
	if got := g.Type(reflect.TypeFor[sample]()); got != "sample" {
		t.Fatalf("Type = %q", got)
	}
	out, err := g.Write()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`export type color = "red" | "green";`,
		"  id: string;\n  seq: number;\n  name: string;", // embedded fields flattened, in order
		"  color: color;",
		"  maybe: Inner | null;",     // a nil pointer is sent as null
		"  optional?: Inner | null;", // omitempty: absent when nil
		"  list: Inner[];",
		"  hits: string[] | null;", // declared nullable: Go leaves it nil
		"  tags: Record<string, number>;",
		"  when: string;",
		"  took: number;",
		"  raw: unknown;",
		"  bytes: string;", // base64
		"  NoTag: boolean;",
		"  nested: Record<string, boolean[]>;",
		"export interface Inner {\n  n: number;\n}",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"Skipped", "hidden", "header"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("%s must not be declared:\n%s", unwanted, out)
		}
	}
}

type a struct{ X int }

// Two Go types that would share a TypeScript name are refused, not silently merged.
func TestNameClashIsAnError(t *testing.T) {
	type wrapper struct {
		One a        `json:"one"`
		Two sameName `json:"two"`
	}
	g := New()
	g.Name(reflect.TypeFor[sameName](), "a")
	g.Type(reflect.TypeFor[wrapper]())
	if _, err := g.Write(); err == nil || !strings.Contains(err.Error(), "both called a") {
		t.Fatalf("err = %v, want a clash", err)
	}
}

type sameName struct{ Y int }
