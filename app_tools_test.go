package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"qwendesk/internal/chat"
	"qwendesk/internal/secrets"
	"qwendesk/internal/tools"
)

// fakeMCPEnv makes the test binary a small stdio MCP server instead of running tests: the
// tool wiring is tested against a real MCP process, the edge the app talks to.
const fakeMCPEnv = "QWENDESK_APP_FAKE_MCP"

func TestMain(m *testing.M) {
	if os.Getenv(fakeMCPEnv) != "" {
		os.Exit(fakeMCPServer())
	}
	os.Exit(m.Run())
}

type echoArgs struct {
	Text string `json:"text"`
}

type noArgs struct{}

func fakeMCPServer() int {
	s := mcp.NewServer(&mcp.Implementation{Name: "app-fake", Version: "1"}, nil)
	text := func(s string) *mcp.CallToolResult {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
	}
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Echoes text"}, func(_ context.Context, _ *mcp.CallToolRequest, a echoArgs) (*mcp.CallToolResult, any, error) {
		return text("echo: " + a.Text), nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "env", Description: "Prints the environment"}, func(context.Context, *mcp.CallToolRequest, noArgs) (*mcp.CallToolResult, any, error) {
		env := os.Environ()
		sort.Strings(env)
		return text(strings.Join(env, "\n")), nil, nil
	})
	if err := s.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		fmt.Fprintln(os.Stderr, "fake MCP server:", err)
		return 2
	}
	return 0
}

// withFakeServer writes mcp.json with the fake server (its tools in autoApprove as given),
// loads it and starts the app; it returns when the server is ready.
func withFakeServer(t *testing.T, a *testApp, autoApprove ...string) {
	t.Helper()
	entry := map[string]any{"command": os.Args[0], "env": map[string]string{fakeMCPEnv: "1"}}
	if len(autoApprove) > 0 {
		entry["autoApprove"] = autoApprove
	}
	data, _ := json.MarshalIndent(map[string]any{"mcpServers": map[string]any{"fake": entry}}, "", "  ")
	if err := os.WriteFile(filepath.Join(a.dataDir, "mcp.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ReloadToolsConfig(); err != nil {
		t.Fatal(err)
	}
	a.startup(context.Background())
	deadline := time.Now().Add(30 * time.Second)
	for {
		ov, err := a.ToolsOverview()
		if err == nil && len(ov.Servers) == 1 && ov.Servers[0].State == tools.StateReady {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fake server did not become ready: %+v %v", ov, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// approvalEvents returns the tool:approval events emitted so far.
func (e *events) approvalEvents() []ToolApprovalEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []ToolApprovalEvent
	for i, n := range e.names {
		if n == EventToolApproval {
			var ev ToolApprovalEvent
			_ = json.Unmarshal(e.all[i], &ev)
			out = append(out, ev)
		}
	}
	return out
}

func (e *events) waitApproval(t *testing.T, n int) ToolApprovalEvent {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if evs := e.approvalEvents(); len(evs) >= n {
			return evs[n-1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("approval event #%d never came", n)
	return ToolApprovalEvent{}
}

func toolMessages(a *testApp) []string {
	var out []string
	for _, r := range a.fake.Requests() {
		for _, m := range r.Messages {
			if m.Role == "tool" {
				out = append(out, fmt.Sprint(m.Content))
			}
		}
	}
	return out
}

// The whole approval path through the wired app: a call not on autoApprove shows a card and
// the model hears nothing until the user answers; Allow once runs it; Always allow runs it
// and writes autoApprove, so the next call runs without a card; Deny tells the model.
func TestApprovalRoundTripThroughTheApp(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{secrets.EnvDashScope: leakKey})
	withFakeServer(t, a)
	conv, err := a.NewConversation()
	if err != nil {
		t.Fatal(err)
	}
	approvals := 0
	ask := func(text string, answer string) (chat.Turn, ToolApprovalEvent) {
		t.Helper()
		turn, err := a.Send(conv.ID, text)
		if err != nil {
			t.Fatal(err)
		}
		approvals++
		card := a.waitApproval(t, turn, approvals, answer)
		return turn, card
	}

	before := len(a.fake.Requests())
	turn, card := ask(`read it #tool:echo {"text":"once"}`, "allow_once")
	if card.Server != "fake" || card.Tool != "echo" || !strings.Contains(card.Arguments, `"text": "once"`) {
		t.Errorf("card = %+v, want server fake, tool echo, the arguments as indented JSON", card)
	}
	if card.ConversationID != conv.ID || card.RequestID != turn.RequestID || card.MessageID != turn.AssistantMessageID {
		t.Errorf("card ids = %+v, want the turn's", card)
	}
	if got := a.events.waitEnd(t, turn.RequestID); got != chat.EventDone {
		t.Fatalf("turn ended with %s", got)
	}
	if n := len(a.fake.Requests()) - before; n < 2 {
		t.Fatalf("the model was asked %d times, want again after the tool ran", n)
	}
	if msgs := toolMessages(a); len(msgs) != 1 || msgs[0] != "echo: once" {
		t.Fatalf("tool messages sent = %q, want the tool's result", msgs)
	}

	turn, _ = ask(`again #tool:echo {"text":"always"}`, "always_allow")
	a.events.waitEnd(t, turn.RequestID)
	mcpJSON, _ := os.ReadFile(filepath.Join(a.dataDir, "mcp.json"))
	if !bytes.Contains(mcpJSON, []byte(`"autoApprove"`)) || !bytes.Contains(mcpJSON, []byte(`"echo"`)) {
		t.Fatalf("Always allow did not write autoApprove:\n%s", mcpJSON)
	}

	turn, err = a.Send(conv.ID, `no card now #tool:echo {"text":"auto"}`)
	if err != nil {
		t.Fatal(err)
	}
	a.events.waitEnd(t, turn.RequestID)
	if n := len(a.events.approvalEvents()); n != 2*approvals {
		t.Fatalf("%d approval events after an auto-approved call, want %d (shown and dropped per card)", n, 2*approvals)
	}
	if msgs := toolMessages(a); !slicesContain(msgs, "echo: auto") {
		t.Fatalf("the auto-approved call did not run: %q", msgs)
	}

	// Deny: a fresh app, so echo is not on autoApprove.
	b := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{secrets.EnvDashScope: leakKey})
	withFakeServer(t, b)
	conv2, _ := b.NewConversation()
	turn, err = b.Send(conv2.ID, `#tool:echo {"text":"no"}`)
	if err != nil {
		t.Fatal(err)
	}
	b.waitApproval(t, turn, 1, "deny")
	if got := b.events.waitEnd(t, turn.RequestID); got != chat.EventDone {
		t.Fatalf("a denied call ended the turn with %s, want it to finish", got)
	}
	msgs := toolMessages(b)
	if len(msgs) != 1 || !strings.Contains(msgs[0], "declined") {
		t.Fatalf("tool messages after Deny = %q, want one saying the user declined", msgs)
	}
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// waitApproval waits for the n-th card, checks the model is not asked again meanwhile, lists
// it as pending, answers it and checks the card is then dropped.
func (a *testApp) waitApproval(t *testing.T, turn chat.Turn, n int, answer string) ToolApprovalEvent {
	t.Helper()
	card := a.events.waitApproval(t, 2*n-1)
	if !card.Pending || card.RequestID != turn.RequestID {
		t.Fatalf("card = %+v, want a pending card of turn %s", card, turn.RequestID)
	}
	sent := len(a.fake.Requests())
	time.Sleep(300 * time.Millisecond)
	if now := len(a.fake.Requests()); now != sent {
		t.Fatalf("the model was asked again (%d → %d requests) before the user answered", sent, now)
	}
	if p, _ := a.PendingToolApprovals(); len(p) != 1 || p[0].CallID != card.CallID {
		t.Fatalf("pending approvals = %+v, want the card", p)
	}
	if err := a.AnswerToolApproval(card.RequestID, card.CallID, answer); err != nil {
		t.Fatal(err)
	}
	gone := a.events.waitApproval(t, 2*n)
	if gone.Pending || gone.CallID != card.CallID || string(gone.Decision) != answer {
		t.Fatalf("after the answer: %+v, want the card dropped with decision %s", gone, answer)
	}
	if err := a.AnswerToolApproval(card.RequestID, card.CallID, answer); kindOf(err) != chat.KindNotFound {
		t.Fatalf("a second answer to the same card: %v, want not_found", err)
	}
	return card
}

// recorder is an Emitter that keeps each event's name and payload.
type recorder struct {
	mu  sync.Mutex
	got []ToolApprovalEvent
}

func (r *recorder) Emit(name string, payload any) {
	if ev, ok := payload.(ToolApprovalEvent); ok && name == EventToolApproval {
		r.mu.Lock()
		r.got = append(r.got, ev)
		r.mu.Unlock()
	}
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// Stop while a card waits: the call gets the turn's error (so the tools layer records it
// cancelled, not denied or run), the card is dropped, and a late click finds nothing.
func TestStopWhileWaitingForApproval(t *testing.T) {
	rec := &recorder{}
	b := newApprovals(rec, slog.New(slog.DiscardHandler))
	app := &App{approvals: b}
	ctx, cancel := context.WithCancel(context.Background())
	req := tools.ApprovalRequest{RequestID: "req_1", CallID: "call_1", Server: "s", Tool: "t", Arguments: "{}"}
	type answer struct {
		d   tools.Decision
		err error
	}
	done := make(chan answer, 1)
	go func() {
		d, err := b.Approve(ctx, req)
		done <- answer{d, err}
	}()
	for rec.count() == 0 {
		time.Sleep(time.Millisecond)
	}
	select {
	case <-done:
		t.Fatal("Approve returned before an answer or Stop")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	got := <-done
	if !errors.Is(got.err, context.Canceled) || got.d != "" {
		t.Fatalf("after Stop: %q, %v; want no decision and the context's error", got.d, got.err)
	}
	if rec.count() != 2 || rec.got[1].Pending {
		t.Fatalf("events = %+v, want the card shown then dropped", rec.got)
	}
	if err := app.AnswerToolApproval("req_1", "call_1", "allow_once"); kindOf(err) != chat.KindNotFound {
		t.Fatalf("a click after Stop: %v, want not_found", err)
	}
	if p, _ := app.PendingToolApprovals(); len(p) != 0 {
		t.Fatalf("still pending after Stop: %+v", p)
	}
}

// Two turns may use the same call id (ids are only unique within a reply): each answer goes
// to its own turn's call.
func TestApprovalAnswersReachTheirOwnTurn(t *testing.T) {
	rec := &recorder{}
	b := newApprovals(rec, slog.New(slog.DiscardHandler))
	app := &App{approvals: b}
	results := make(chan string, 2)
	for _, r := range []string{"req_a", "req_b"} {
		go func() {
			d, _ := b.Approve(context.Background(), tools.ApprovalRequest{RequestID: r, CallID: "call_0"})
			results <- r + "=" + string(d)
		}()
	}
	for rec.count() < 2 {
		time.Sleep(time.Millisecond)
	}
	if err := app.AnswerToolApproval("req_b", "call_0", "deny"); err != nil {
		t.Fatal(err)
	}
	if got := <-results; got != "req_b=deny" {
		t.Fatalf("first answer went to %s", got)
	}
	if err := app.AnswerToolApproval("req_a", "call_0", "always_allow"); err != nil {
		t.Fatal(err)
	}
	if got := <-results; got != "req_a=always_allow" {
		t.Fatalf("second answer went to %s", got)
	}
}

// What the Tools page and an approval card may send is checked before the tool layer sees
// it: each case names what a missing check would let through.
func TestToolMethodsRejectBadArguments(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	a.startup(context.Background())
	long := strings.Repeat("a", maxToolField+1)
	many := make([]string, maxToolList+1)
	cases := []struct {
		name string
		call func() error
		kind string
	}{
		{"empty server name", func() error { _, err := a.AddToolServer(tools.ServerInput{Command: "npx"}); return err }, string(tools.KindInvalid)},
		{"a newline hiding part of the command", func() error {
			_, err := a.PreviewToolServer(tools.ServerInput{Name: "x", Command: "npx\nrm -rf ~"})
			return err
		}, string(tools.KindInvalid)},
		{"an argument too long", func() error {
			_, err := a.AddToolServer(tools.ServerInput{Name: "x", Command: "npx", Args: []string{long}})
			return err
		}, string(tools.KindInvalid)},
		{"too many arguments", func() error {
			_, err := a.AddToolServer(tools.ServerInput{Name: "x", Command: "npx", Args: many})
			return err
		}, string(tools.KindInvalid)},
		{"a control character in a header value", func() error {
			_, err := a.AddToolServer(tools.ServerInput{Name: "x", URL: "https://example.com/mcp", Headers: []tools.HeaderInput{{Name: "Authorization", Value: "a\x00b"}}})
			return err
		}, string(tools.KindInvalid)},
		{"an empty paste", func() error { _, err := a.AddPastedToolServers("  ", ""); return err }, string(tools.KindInvalid)},
		{"a huge paste", func() error {
			_, err := a.PreviewPastedToolServers(strings.Repeat(" ", maxPastedConfig+1)+"{}", "")
			return err
		}, string(tools.KindInvalid)},
		{"a negative timeout", func() error {
			_, err := a.AddToolServer(tools.ServerInput{Name: "x", Command: "npx", Timeout: -1})
			return err
		}, string(tools.KindInvalid)},
		{"edit with no name", func() error { _, err := a.EditToolServer("", tools.ServerInput{Name: "x", Command: "npx"}); return err }, string(tools.KindInvalid)},
		{"tool toggle with no tool", func() error { _, err := a.SetToolEnabled("fake", "", false); return err }, string(tools.KindInvalid)},
		{"an unknown server", func() error { _, err := a.RestartToolServer("nobody"); return err }, string(tools.KindUnknownServer)},
		{"an unknown decision", func() error { return a.AnswerToolApproval("req_1", "call_1", "yes") }, chat.KindInvalidInput},
		{"a request id that is no id", func() error { return a.AnswerToolApproval("../x", "call_1", "deny") }, chat.KindNotFound},
		{"a call nobody waits for", func() error { return a.AnswerToolApproval("req_1", "call_1", "deny") }, chat.KindNotFound},
	}
	for _, c := range cases {
		if got := kindOf(c.call()); got != c.kind {
			t.Errorf("%s: kind %q, want %q", c.name, got, c.kind)
		}
	}
	if _, err := os.Stat(filepath.Join(a.dataDir, "mcp.json")); err == nil {
		data, _ := os.ReadFile(filepath.Join(a.dataDir, "mcp.json"))
		if bytes.Contains(data, []byte(`"x"`)) {
			t.Errorf("a rejected server was saved:\n%s", data)
		}
	}
}

// A conversation with tools off is offered none, and the setting survives a reload.
func TestToolsOffInAConversation(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{secrets.EnvDashScope: leakKey})
	withFakeServer(t, a, "echo")
	conv, _ := a.NewConversation()
	send := func() []string {
		t.Helper()
		turn, err := a.Send(conv.ID, "hello")
		if err != nil {
			t.Fatal(err)
		}
		a.events.waitEnd(t, turn.RequestID)
		return lastChatRequest(t, a).Tools
	}
	if offered := send(); len(offered) != 2 {
		t.Fatalf("tools offered = %q, want the fake server's two", offered)
	}
	set, _ := a.Conversation(conv.ID)
	s := set.Settings
	s.ToolsOff = true
	if _, err := a.UpdateConversationSettings(conv.ID, s); err != nil {
		t.Fatal(err)
	}
	if c, _ := a.Conversation(conv.ID); !c.Settings.ToolsOff {
		t.Fatal("toolsOff was not stored")
	}
	if offered := send(); len(offered) != 0 {
		t.Fatalf("tools offered with tools off = %q", offered)
	}
}

func lastChatRequest(t *testing.T, a *testApp) recordedChat {
	t.Helper()
	reqs := a.fake.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Stream {
			return recordedChat{Tools: reqs[i].Tools}
		}
	}
	t.Fatal("no chat request")
	return recordedChat{}
}

type recordedChat struct{ Tools []string }

// The DashScope key never reaches a tool server: not by its own variable, not copied into
// another variable of the app's environment, and not in mcp.json or the events.
func TestKeyNeverReachesAToolServer(t *testing.T) {
	t.Setenv(secrets.EnvDashScope, leakKey)
	t.Setenv("SOME_COPY_OF_THE_KEY", leakKey)
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{secrets.EnvDashScope: leakKey})
	withFakeServer(t, a, "env")
	conv, _ := a.NewConversation()
	turn, err := a.Send(conv.ID, "#tool:env")
	if err != nil {
		t.Fatal(err)
	}
	a.events.waitEnd(t, turn.RequestID)
	msgs := toolMessages(a)
	if len(msgs) != 1 || !strings.Contains(msgs[0], fakeMCPEnv+"=1") {
		t.Fatalf("the env tool did not run: %q", msgs)
	}
	if strings.Contains(msgs[0], leakKey) {
		t.Errorf("the tool server's environment holds the key:\n%s", msgs[0])
	}
	if strings.Contains(msgs[0], secrets.EnvDashScope+"=") {
		t.Errorf("the tool server got %s", secrets.EnvDashScope)
	}
	data, _ := os.ReadFile(filepath.Join(a.dataDir, "mcp.json"))
	if bytes.Contains(data, []byte(leakKey)) {
		t.Error("mcp.json holds the key")
	}
	a.events.mu.Lock()
	defer a.events.mu.Unlock()
	for _, e := range a.events.all {
		if bytes.Contains(e, []byte(leakKey)) {
			t.Errorf("an event holds the key: %s", e)
		}
	}
}
