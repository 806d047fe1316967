package pricing

import (
	"math"
	"testing"
)

func TestCostUsesTheBestMatchingRow(t *testing.T) {
	table := []Price{
		{Model: "qwen-plus*", Input: 0.8, Output: 2, CachedInput: 0.32},
		{Model: "qwen-plus-latest", Input: 1, Output: 3},
		{Model: "qwen*", Input: 5, Output: 5},
	}
	cases := []struct {
		model                      string
		prompt, completion, cached int
		want                       float64
		ok                         bool
	}{
		{"qwen-plus", 1_000_000, 1_000_000, 0, 2.8, true},
		{"qwen-plus-2025-07-28", 1_000_000, 0, 500_000, 0.4 + 0.16, true}, // longest prefix wins over qwen*
		{"qwen-plus-latest", 1_000_000, 1_000_000, 0, 4, true},            // exact row wins
		{"qwen-max", 1_000_000, 0, 0, 5, true},
		{"deepseek-v3", 10, 10, 0, 0, false},
		{"qwen-plus", 100, 0, 500, 100 * 0.32 / 1e6, true}, // cached cannot exceed the prompt
	}
	for _, c := range cases {
		got, ok := Cost(table, c.model, c.prompt, c.completion, c.cached)
		if ok != c.ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("Cost(%s) = %v %v, want %v %v", c.model, got, ok, c.want, c.ok)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := Validate(Defaults()); err != nil {
		t.Fatalf("the defaults must be valid: %v", err)
	}
	bad := [][]Price{
		{{Model: "", Input: 1}},
		{{Model: "qwen plus", Input: 1}},
		{{Model: "qw*en", Input: 1}},
		{{Model: "qwen-plus", Input: -1}},
		{{Model: "qwen-plus", Output: math.NaN()}},
		{{Model: "qwen-plus"}, {Model: "qwen-plus"}},
		make([]Price, MaxRows+1),
	}
	for _, table := range bad {
		if Validate(table) == nil {
			t.Errorf("Validate(%v) accepted a bad table", table)
		}
	}
}
