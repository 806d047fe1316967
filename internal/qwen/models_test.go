package qwen

import "testing"

func TestFallbackModels(t *testing.T) {
	ms := FallbackModels()
	if len(ms) < 10 || ms[0] != "qwen-plus" {
		t.Fatalf("FallbackModels() = %v", ms)
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m] {
			t.Errorf("duplicate %q", m)
		}
		seen[m] = true
	}
	for _, m := range []string{"qwen3-max", "qwq-plus", "qwen3-vl-plus", "qwen-turbo"} {
		if !seen[m] {
			t.Errorf("missing %q", m)
		}
	}
}

func TestModelTakesThinking(t *testing.T) {
	tests := []struct {
		model         string
		takes, forced bool
	}{
		{"qwen-plus", true, false},
		{"qwen-plus-latest", true, false},
		{"qwen-flash", true, false},
		{"qwen-turbo", true, false},
		{"qwen3-max", true, false},
		{"qwen3-vl-plus", true, false},
		{"qwen3-235b-a22b", true, false},
		{"qwq-plus", true, true},
		{"qwq-32b", true, true},
		{"qvq-max", true, true},
		{"qwen3-235b-a22b-thinking-2507", true, true},
		{"qwen3-next-80b-a3b-thinking", true, true},
		{"qwen3-235b-a22b-instruct-2507", false, false},
		{"qwen3-coder-plus", false, false},
		{"qwen-max", false, false},
		{"qwen-vl-max", false, false},
		{"deepseek-v3", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		if got := ModelTakesThinking(tt.model); got != tt.takes {
			t.Errorf("ModelTakesThinking(%q) = %v", tt.model, got)
		}
		if got := ModelThinkingOnly(tt.model); got != tt.forced {
			t.Errorf("ModelThinkingOnly(%q) = %v", tt.model, got)
		}
	}
}

func TestQwQGetsNoSystemPrompt(t *testing.T) {
	for model, want := range map[string]bool{"qwq-plus": true, "QwQ-32B": true, "qwen-plus": false, "qwen3-max": false, "qvq-max": false} {
		if got := ModelRejectsSystemPrompt(model); got != want {
			t.Errorf("ModelRejectsSystemPrompt(%q) = %v, want %v", model, got, want)
		}
	}
}
