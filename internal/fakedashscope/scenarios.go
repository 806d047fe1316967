package fakedashscope

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"qwendesk/internal/qwen"
)

// piece is one chunk's worth of text: reasoning or content, never both (as DashScope sends).
type piece struct {
	reasoning bool
	text      string
}

// ending is how a stream stops after its pieces.
type ending int

const (
	endNormal    ending = iota // finish_reason on the last piece, usage chunk, [DONE]
	endMidstream               // an error object inside the 200 stream
	endTruncate                // the connection drops: no finish_reason, no [DONE]
	endStall                   // silence until the client goes away
)

// script is what a marker asks the fake to stream.
type script struct {
	pieces []piece
	delay  time.Duration
	first  time.Duration // the pause before the first piece when > 0 (a model thinking); else delay
	finish string
	crlf   bool
	end    ending
}

// chat serves POST /chat/completions: an error scenario if a marker asks for one, otherwise a
// streamed (or, for stream:false, a whole) reply.
func (s *Server) chat(w http.ResponseWriter, r *http.Request, reqID string, body []byte) {
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, reqID, false, errInvalidParameter, "<400> InternalError.Algo.InvalidParameter: The request body is not valid JSON.")
		return
	}
	text := req.lastUserText()
	has := func(marker string) bool { return strings.Contains(text, marker) }
	native := has("#native")
	switch {
	case req.Model == "":
		writeError(w, reqID, native, errInvalidParameter, "<400> InternalError.Algo.InvalidParameter: Model not specified.")
		return
	case len(req.Messages) == 0:
		writeError(w, reqID, native, errInvalidParameter, "<400> InternalError.Algo.InvalidParameter: Messages must not be empty.")
		return
	}
	if strings.HasPrefix(req.Model, MissingModelPrefix) {
		writeError(w, reqID, native, errModelNotFound, fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", req.Model))
		return
	}
	for _, em := range errorMarkers {
		if !has(em.marker) {
			continue
		}
		if em.marker == "#err429" && has("#recover") && !s.shouldFail(text) {
			break
		}
		msg := ""
		if em.marker == "#err404" {
			msg = fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", req.Model)
		}
		writeError(w, reqID, native, em.spec, msg)
		return
	}
	if ids := req.fileIDs(); len(ids) > 0 {
		names, missing := s.uploadedNames(ids)
		if missing != "" {
			writeError(w, reqID, native, errInvalidParameter, "File ["+missing+"] not found or not ready.")
			return
		}
		if req.Stream && !has("#") {
			s.stream(w, r.Context(), reqID, req, script{delay: s.delay, finish: qwen.FinishStop,
				pieces: contentPieces("I have read "+strings.Join(names, ", ")+" through fileid://. "+defaultReply(text), 19)})
			return
		}
	}
	if !req.Stream && isTitleRequest(req) {
		s.complete(w, reqID, req, script{pieces: []piece{{text: titleFor(text)}}, finish: "stop"})
		return
	}
	sc := s.scriptFor(text)
	if n := paceTokens(text); n > 0 && req.Stream {
		sc.pieces, sc.delay, sc.first = pacedPieces(s.paceTurns.Add(1), n), PaceInterval, PaceThink
	}
	if req.Stream {
		if calls, ok := toolPlan(req, text); ok {
			s.streamTools(w, r.Context(), reqID, req, calls, text, sc)
			return
		}
	}
	if n := len(req.Messages); req.Messages[n-1].Role == qwen.RoleTool {
		sc.pieces = contentPieces(toolResultReply(req), 8)
	}
	if !req.Stream {
		if req.EnableThinking != nil && *req.EnableThinking {
			writeError(w, reqID, native, errInvalidParameter, "<400> InternalError.Algo.InvalidParameter: parameter.enable_thinking must be set to false for non-streaming calls")
			return
		}
		s.complete(w, reqID, req, sc)
		return
	}
	s.stream(w, r.Context(), reqID, req, sc)
}

// shouldFail counts #err429#recover attempts per message text: the first two fail, the third
// succeeds and resets the count, so every new try of the same text fails twice again.
func (s *Server) shouldFail(text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[text]++
	if s.failures[text] <= 2 {
		return true
	}
	delete(s.failures, text)
	return false
}

func (s *Server) scriptFor(text string) script {
	has := func(marker string) bool { return strings.Contains(text, marker) }
	sc := script{delay: s.delay, finish: qwen.FinishStop, pieces: contentPieces(defaultReply(text), 19)}
	switch {
	case has("#slow"):
		sc.pieces, sc.delay = slowPieces(400), 50*time.Millisecond
	case has("#long"):
		sc.pieces, sc.delay = longPieces(2000), time.Millisecond
	case has("#think"):
		sc.pieces = append(reasoningPieces(), contentPieces(defaultReply(text), 10)...)
	case has("#xss"):
		sc.pieces = contentPieces(xssReply(strings.TrimSuffix(s.BaseURL(), "/compatible-mode/v1"), has("#xss-stay")), 40)
	case has("#markdown"):
		sc.pieces, sc.delay = contentPieces(markdownReply, 120), 15*time.Millisecond
	case has("#diagram"):
		sc.pieces = contentPieces(diagramReply, 30)
	case has("#preview"):
		sc.pieces = contentPieces(previewReply(strings.TrimSuffix(s.BaseURL(), "/compatible-mode/v1")), 40)
	case has("#bigline"):
		sc.pieces = []piece{
			{text: "Here comes one very long line (1 MiB):\n"},
			{text: strings.Repeat("0123456789abcdef", 1<<20/16)},
			{text: "\n这一行结束了。The long line is over."},
		}
	}
	if has("#length") {
		sc.finish = qwen.FinishLength
	}
	sc.crlf = has("#crlf")
	switch {
	case has("#midstream"):
		sc.end = endMidstream
	case has("#truncate"):
		sc.end = endTruncate
	case has("#stall"):
		sc.end = endStall
	}
	if sc.end != endNormal && len(sc.pieces) > 3 {
		sc.pieces = sc.pieces[:3]
	}
	return sc
}

// markdownReply exercises the renderer: headings, lists, a table, code and math, in Chinese
// and English, streamed in pieces that split the syntax mid-way.
const markdownReply = "## 快速排序 Quicksort\n\n" +
	"Quicksort picks a **pivot**, splits the array around it and recurses. 平均复杂度为 $O(n \\log n)$，最坏情况为 $O(n^2)$。\n\n" +
	"1. Choose a pivot 选择基准\n2. Partition 分区\n3. Recurse 递归\n\n" +
	"```go\nfunc quicksort(a []int) []int {\n\tif len(a) < 2 {\n\t\treturn a\n\t}\n\tp := a[len(a)/2]\n\tvar less, more []int\n" +
	"\tfor _, x := range a {\n\t\tif x < p {\n\t\t\tless = append(less, x)\n\t\t} else if x > p {\n\t\t\tmore = append(more, x)\n\t\t}\n\t}\n" +
	"\treturn append(append(quicksort(less), p), quicksort(more)...)\n}\n```\n\n" +
	"| 算法 Algorithm | Average | Worst |\n|---|---|---|\n| Quicksort | $O(n \\log n)$ | $O(n^2)$ |\n| Mergesort | $O(n \\log n)$ | $O(n \\log n)$ |\n\n" +
	"$$T(n) = 2T\\left(\\frac{n}{2}\\right) + O(n)$$\n\n" +
	"> Tip: see [the Go docs](https://go.dev/doc/) for `sort.Slice`.\n"

func defaultReply(question string) string {
	q := strings.TrimSpace(question)
	if utf8.RuneCountInString(q) > 200 {
		q = string([]rune(q)[:200]) + "…"
	}
	return "你好！You asked: " + q + ". 这是本地测试服务器的回答。This reply comes from fakedashscope, " +
		"streamed in small pieces that mix 中文 and English, so the client can show both. 祝你今天愉快！"
}

// contentPieces splits text into n pieces of roughly equal rune counts.
func contentPieces(text string, n int) []piece {
	runes := []rune(text)
	out := make([]piece, 0, n)
	for i := range n {
		a, b := i*len(runes)/n, (i+1)*len(runes)/n
		if a < b {
			out = append(out, piece{text: string(runes[a:b])})
		}
	}
	return out
}

func reasoningPieces() []piece {
	steps := []string{"好的，", "the user ", "wants an ", "answer. ", "Let me ", "think ", "step by step", "：先理解问题，", "then reply ", "clearly."}
	out := make([]piece, len(steps))
	for i, st := range steps {
		out[i] = piece{reasoning: true, text: st}
	}
	return out
}

func slowPieces(n int) []piece {
	out := make([]piece, n)
	for i := range n {
		if i%2 == 0 {
			out[i] = piece{text: fmt.Sprintf("Slow part %d. ", i/2+1)}
		} else {
			out[i] = piece{text: fmt.Sprintf("慢速第%d段。", i/2+1)}
		}
	}
	return out
}

// longPieces builds a long multi-paragraph answer with headings and a list, about n chunks.
func longPieces(n int) []piece {
	out := make([]piece, 0, n)
	words := []string{"Qwen ", "streams ", "long ", "answers ", "in ", "many ", "small ", "chunks; ", "长文本", "测试。"}
	section := 0
	for i := 0; len(out) < n; i++ {
		switch {
		case i%100 == 0:
			section++
			out = append(out, piece{text: fmt.Sprintf("\n\n## Section %d 第%d节\n\n", section, section)})
		case i%25 == 0:
			out = append(out, piece{text: "\n\n"})
		case i%100 == 90:
			out = append(out, piece{text: fmt.Sprintf("\n- item %d\n- 项目 %d\n\n", i, i+1)})
		default:
			out = append(out, piece{text: words[i%len(words)]})
		}
	}
	return out
}

// stream writes the script as DashScope does: a role chunk, the pieces (the last one carrying
// finish_reason), the usage chunk when asked for, then [DONE].
func (s *Server) stream(w http.ResponseWriter, ctx context.Context, reqID string, req chatRequest, sc script) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream;charset=UTF-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	out := &sseWriter{w: w, rc: http.NewResponseController(w), crlf: sc.crlf}

	base := chunkJSON{
		ID:      "chatcmpl-" + reqID,
		Object:  "chat.completion.chunk",
		Created: time.Now().Unix(),
		Model:   req.Model,
		Usage:   jsonNull,
	}
	role := base
	role.Choices = []choiceJSON{{Delta: deltaJSON{Role: "assistant", Content: jsonString("")}, FinishReason: jsonNull}}
	if !out.event(role) {
		return
	}
	var reasoningRunes, contentRunes int
	for i, p := range sc.pieces {
		wait := sc.delay
		if i == 0 && sc.first > 0 {
			wait = sc.first
		}
		if !s.pause(ctx, wait) {
			return
		}
		c := base
		d := deltaJSON{Content: jsonString(p.text), ReasoningContent: jsonNull}
		contentRunes += utf8.RuneCountInString(p.text)
		if p.reasoning {
			d = deltaJSON{Content: jsonNull, ReasoningContent: jsonString(p.text)}
			reasoningRunes += utf8.RuneCountInString(p.text)
			contentRunes -= utf8.RuneCountInString(p.text)
		} else if !hasReasoning(sc.pieces) {
			d.ReasoningContent = nil
		}
		finish := jsonNull
		if i == len(sc.pieces)-1 && sc.end == endNormal {
			finish = jsonString(sc.finish)
		}
		c.Choices = []choiceJSON{{Delta: d, FinishReason: finish}}
		if !out.event(c) {
			return
		}
		if s.opts.OnWrite != nil {
			s.opts.OnWrite(ChunkWrite{RequestID: reqID, Index: i, Text: p.text, Reasoning: p.reasoning, At: time.Now()})
		}
	}
	switch sc.end {
	case endMidstream:
		spec := errInternal
		out.event(errorBody(spec, reqID, strings.Contains(req.lastUserText(), "#native"), "An internal error has occured during generation, please try again later."))
		return
	case endTruncate:
		// Abort the connection without ending the chunked body, as a crashed upstream would.
		panic(http.ErrAbortHandler)
	case endStall:
		select {
		case <-ctx.Done():
		case <-s.quit:
		}
		return
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		u := usageFor(req, contentRunes, reasoningRunes)
		c := base
		c.Choices = []choiceJSON{}
		c.Usage, _ = json.Marshal(u)
		if !out.event(c) {
			return
		}
	}
	out.raw("[DONE]")
}

func hasReasoning(ps []piece) bool {
	for _, p := range ps {
		if p.reasoning {
			return true
		}
	}
	return false
}

// pause waits between chunks; false when the client went away or the server is closing.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.quit:
		return false
	}
}

// usageFor makes plausible token counts: about one token per two runes.
func usageFor(req chatRequest, contentRunes, reasoningRunes int) qwen.Usage {
	prompt := 0
	for _, m := range req.Messages {
		prompt += utf8.RuneCountInString(m.text())/2 + 4
	}
	completion := (contentRunes+reasoningRunes)/2 + 1
	u := qwen.Usage{
		PromptTokens:        prompt,
		CompletionTokens:    completion,
		TotalTokens:         prompt + completion,
		PromptTokensDetails: &qwen.PromptTokensDetails{CachedTokens: 0},
	}
	if reasoningRunes > 0 {
		u.CompletionTokensDetails = &qwen.CompletionTokensDetails{ReasoningTokens: reasoningRunes/2 + 1}
	}
	return u
}

// complete answers a stream:false request with one chat.completion object.
func (s *Server) complete(w http.ResponseWriter, reqID string, req chatRequest, sc script) {
	var content, reasoning strings.Builder
	for _, p := range sc.pieces {
		if p.reasoning {
			reasoning.WriteString(p.text)
		} else {
			content.WriteString(p.text)
		}
	}
	type message struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	type choice struct {
		Index        int     `json:"index"`
		Message      message `json:"message"`
		FinishReason string  `json:"finish_reason"`
	}
	writeJSON(w, http.StatusOK, struct {
		ID      string     `json:"id"`
		Object  string     `json:"object"`
		Created int64      `json:"created"`
		Model   string     `json:"model"`
		Choices []choice   `json:"choices"`
		Usage   qwen.Usage `json:"usage"`
	}{
		ID: "chatcmpl-" + reqID, Object: "chat.completion", Created: time.Now().Unix(), Model: req.Model,
		Choices: []choice{{Message: message{Role: "assistant", Content: content.String()}, FinishReason: sc.finish}},
		Usage:   usageFor(req, utf8.RuneCountInString(content.String()), utf8.RuneCountInString(reasoning.String())),
	})
}

// sseWriter writes "data:" events and flushes each one, so the client sees them as they come.
type sseWriter struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	crlf bool
}

func (o *sseWriter) event(v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	return o.raw(string(b))
}

func (o *sseWriter) raw(data string) bool {
	nl := "\n"
	if o.crlf {
		nl = "\r\n"
	}
	msg := "data: " + data + nl + nl
	if o.crlf {
		// Proxies in front of real servers add keep-alive comments between events.
		msg += ": keep-alive" + nl + nl
	}
	if _, err := io.WriteString(o.w, msg); err != nil {
		return false
	}
	return o.rc.Flush() == nil
}

// isTitleRequest recognises the app's naming call (a system message asking for a title), so
// the fake can answer with something title-sized, as a real model would.
func isTitleRequest(req chatRequest) bool {
	for _, m := range req.Messages {
		if m.Role == "system" && strings.Contains(strings.ToLower(m.text()), "title") {
			return true
		}
	}
	return false
}

// titleFor makes a short title from the first words of the question (its first line: the
// app's naming call puts the answer below it).
func titleFor(question string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(question), "\n")
	words := strings.Fields(line)
	if len(words) > 5 {
		words = words[:5]
	}
	return "“" + strings.Join(words, " ") + "”"
}

// ReplyText is the answer text (not the reasoning) the server streams for a question with
// these markers, so an end-to-end test can compare what the window shows, or what was saved,
// with what was sent.
func (s *Server) ReplyText(question string) string {
	var b strings.Builder
	for _, p := range s.scriptFor(question).pieces {
		if !p.reasoning {
			b.WriteString(p.text)
		}
	}
	return b.String()
}
