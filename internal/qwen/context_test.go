package qwen

import "testing"

func TestContextWindowOf(t *testing.T) {
	cases := []struct {
		model  string
		tokens int
		known  bool
	}{
		{"qwen-plus", 131_072, true},
		{"qwen-plus-latest", 131_072, true},
		{"qwen-max", 32_768, true},
		{"qwen3-max", 262_144, true}, // not qwen-max's smaller window
		{"qwen-long", 10_000_000, true},
		{"qwen3-coder-plus", 1_000_000, true},
		{"QWEN-TURBO", 1_000_000, true},
		{"my-finetune", FallbackContextTokens, false},
	}
	for _, c := range cases {
		cw := ContextWindowOf(c.model)
		if cw.Tokens != c.tokens || cw.Known != c.known || cw.ReplyReserve <= 0 || cw.ReplyReserve > cw.Tokens/8 {
			t.Errorf("%s: %+v, want %d tokens known=%v", c.model, cw, c.tokens, c.known)
		}
	}
}
