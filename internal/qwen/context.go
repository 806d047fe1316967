package qwen

import "strings"

// ContextWindow is how many tokens a model reads in one request (input and reply together).
type ContextWindow struct {
	Model  string `json:"model"`
	Tokens int    `json:"tokens"`
	// Family is the table entry that matched ("qwen-plus"), or "" when the model is unknown
	// and Tokens is FallbackContextTokens.
	Family string `json:"family"`
	Known  bool   `json:"known"`
	// ReplyReserve is what the budget keeps free for the answer, so that a context filled
	// to the brim does not leave the model no room to reply.
	ReplyReserve int `json:"replyReserve"`
}

// FallbackContextTokens is assumed for a model id the table does not know: the smallest
// window of a current Qwen text model (qwen-max), so an unknown model is warned about
// early rather than sent a request it refuses.
const FallbackContextTokens = 32_768

// contextWindows are the context sizes Alibaba Cloud's model list gives for the stable
// aliases, by id prefix; the longest matching prefix wins. Where a family's snapshots
// differ, the smaller window is used: an estimate that errs low only warns early.
var contextWindows = []struct {
	prefix string
	tokens int
}{
	{"qwen-long", 10_000_000},
	{"qwen3-max", 262_144},
	{"qwen-max", 32_768},
	{"qwen-plus", 131_072},
	{"qwen-flash", 1_000_000},
	{"qwen-turbo", 1_000_000},
	{"qwen3-coder", 1_000_000},
	{"qwen-coder", 131_072},
	{"qwq", 131_072},
	{"qvq", 131_072},
	{"qwen3-vl", 262_144},
	{"qwen-vl", 131_072},
	{"qwen3-235b", 131_072},
	{"qwen3-next", 131_072},
	{"qwen3-", 131_072},
	{"qwen2.5-", 131_072},
}

// ContextWindowOf returns the context window of model, or the fallback with Known false.
func ContextWindowOf(model string) ContextWindow {
	m := strings.ToLower(strings.TrimSpace(model))
	best := -1
	for i, w := range contextWindows {
		if strings.HasPrefix(m, w.prefix) && (best < 0 || len(w.prefix) > len(contextWindows[best].prefix)) {
			best = i
		}
	}
	cw := ContextWindow{Model: model, Tokens: FallbackContextTokens}
	if best >= 0 {
		cw.Tokens, cw.Family, cw.Known = contextWindows[best].tokens, contextWindows[best].prefix, true
	}
	cw.ReplyReserve = min(8_192, cw.Tokens/8)
	return cw
}

// LongContextModel is the model that reads uploaded files by fileid:// (Beijing only).
const LongContextModel = "qwen-long"
