package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"qwendesk/internal/applog"
	"qwendesk/internal/buildinfo"
	"qwendesk/internal/chat"
	"qwendesk/internal/fakedashscope"
	"qwendesk/internal/pricing"
	"qwendesk/internal/secrets"
	"qwendesk/internal/settings"
	"qwendesk/internal/store"
)

// A recognisable key, made up: the tests look for it everywhere it must not be.
const leakKey = "sk-qwendesk-leak-canary-7f3a9c1e5b"

// events records what the app would send to the window.
type events struct {
	mu    sync.Mutex
	all   []json.RawMessage
	names []string          // the event name of each entry of all
	end   map[string]string // requestId → "chat:done"/"chat:error"
}

func (e *events) Emit(name string, payload any) {
	data, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, data)
	e.names = append(e.names, name)
	if name == chat.EventDone || name == chat.EventError {
		var h chat.Header
		_ = json.Unmarshal(data, &h)
		e.end[h.RequestID] = name
	}
}

func (e *events) waitEnd(t *testing.T, requestID string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		e.mu.Lock()
		name, ok := e.end[requestID]
		e.mu.Unlock()
		if ok {
			return name
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("turn %s did not end", requestID)
	return ""
}

type testApp struct {
	*App
	events  *events
	fake    *fakedashscope.Server
	dataDir string
	desktop *fakeDesktop
}

// fakeDesktop answers the native dialogs with preset paths.
type fakeDesktop struct {
	savePath, openPath string
	revealed           []string
}

func (d *fakeDesktop) SaveFile(title, defaultName, pattern string) (string, error) {
	return d.savePath, nil
}
func (d *fakeDesktop) OpenFile(title, pattern string) (string, error) { return d.openPath, nil }
func (d *fakeDesktop) Reveal(dir string) error {
	d.revealed = append(d.revealed, dir)
	return nil
}

func newTestApp(t *testing.T, keyring secrets.Keyring, env map[string]string) *testApp {
	t.Helper()
	fake := fakedashscope.New(fakedashscope.Options{APIKey: leakKey, ChunkDelay: 5 * time.Millisecond})
	t.Cleanup(fake.Close)
	dataDir := t.TempDir()
	base, closer, err := applog.Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closer.Close() })
	keys := secrets.New(secrets.Options{Keyring: keyring, Getenv: func(k string) string { return env[k] }, DotEnvDirs: []string{dataDir}})
	ev := &events{end: map[string]string{}}
	history, _, err := store.Open(dataDir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { history.Close() })
	desktop := &fakeDesktop{}
	prefs, _, err := settings.Open(context.Background(), history, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(applog.NewRedactingHandler(base.Handler(), keys.KnownSecrets))
	approver := newApprovals(ev, logger)
	// The real tool layer over the test's data folder (no servers unless a test writes
	// mcp.json first), wired the way main does.
	var app *App
	toolServers, err := newToolsManager(dataDir, keys, func(id string) bool { return app.toolsEnabled(id) },
		approver, ev, logger, "test")
	if err != nil {
		t.Fatal(err)
	}
	app = NewApp(AppConfig{
		Tools:      toolServers,
		Approvals:  approver,
		Keys:       keys,
		Settings:   prefs,
		History:    history,
		Desktop:    desktop,
		Emitter:    ev,
		Logger:     logger,
		DataDir:    dataDir,
		Build:      buildinfo.Read("v0.0.0-test", ""),
		EnvBaseURL: fake.BaseURL(),
	})
	t.Cleanup(func() { app.shutdown(context.Background()) })
	return &testApp{App: app, events: ev, fake: fake, dataDir: dataDir, desktop: desktop}
}

func kindOf(err error) string {
	var fe UserFacingError
	if s, ok := formatError(err).(string); ok {
		_ = json.Unmarshal([]byte(s), &fe)
	}
	return fe.Kind
}

// A whole session — setup, test, chat, errors, model list, delete — and then the key is
// looked for in every value the window could see, every event, and every file written.
func TestKeyNeverReachesTheWindowEventsOrFiles(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	a.startup(context.Background())
	var seen []any
	record := func(v any, err error) {
		t.Helper()
		if err != nil {
			seen = append(seen, formatError(err))
			return
		}
		seen = append(seen, v)
	}

	record(a.Status())
	record(a.TestKey(leakKey))
	record(a.SaveKey("  " + leakKey + "\n"))
	record(a.TestKey(""))
	record(a.TestKey(leakKey + "x"))
	record(a.Models())
	conv, err := a.NewConversation()
	record(conv, err)
	for _, text := range []string{"hello", "check #err401", "check #midstream"} {
		turn, err := a.Send(conv.ID, text)
		record(turn, err)
		if err == nil {
			a.events.waitEnd(t, turn.RequestID)
		}
	}
	record(a.Conversation(conv.ID))
	record(a.Search("hello"))
	record(a.Usage(7))
	exportDir := t.TempDir()
	for _, format := range []string{"json", "markdown"} {
		a.desktop.savePath = filepath.Join(exportDir, "export."+format)
		record(a.ExportConversations(nil, format))
	}
	seen = append(seen, callEveryBoundMethod(t, a.App, conv.ID)...)
	record(a.SaveKey("bad key with spaces"))
	record(a.Status())
	record(a.DeleteKey())
	record(a.Status())
	a.shutdown(context.Background())

	for i, v := range seen {
		if data, _ := json.Marshal(v); bytes.Contains(data, []byte(leakKey)) {
			t.Errorf("bound method result %d contains the key: %s", i, data)
		}
	}
	for _, e := range a.events.all {
		if bytes.Contains(e, []byte(leakKey)) {
			t.Errorf("event contains the key: %s", e)
		}
	}
	for _, dir := range []string{a.dataDir, exportDir} {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if data, _ := os.ReadFile(path); bytes.Contains(data, []byte(leakKey)) {
					t.Errorf("%s contains the key", path)
				}
			}
			return nil
		})
	}
	if len(a.fake.Requests()) == 0 {
		t.Fatal("the session never reached the server")
	}
}

func TestStatusReportsSourceWithoutTheKey(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{"DASHSCOPE_API_KEY": leakKey})
	st, err := a.Status()
	if err != nil {
		t.Fatal(err)
	}
	if !st.Key.HasKey || st.Key.Source != secrets.SourceEnvDashScope || st.Key.Last4 != leakKey[len(leakKey)-4:] {
		t.Fatalf("key status = %+v", st.Key)
	}
	if !st.Endpoint.OverriddenByEnv || st.Endpoint.BaseURL != a.fake.BaseURL() {
		t.Fatalf("DASHSCOPE_BASE_URL must win and be reported: %+v", st.Endpoint)
	}
	if st.Build.Product != "QwenDesk" || st.Build.Version != "0.0.0-test" {
		t.Fatalf("the About dialog needs the stamped version: %+v", st.Build)
	}
	ep, err := a.SetEndpoint("singapore", "")
	if err != nil || !ep.OverriddenByEnv || ep.BaseURL != a.fake.BaseURL() {
		t.Fatalf("a region choice must not hide the environment override: %+v %v", ep, err)
	}
}

func TestSendBeforeStartupIsRefusedClearly(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{"DASHSCOPE_API_KEY": leakKey})
	conv, _ := a.NewConversation()
	if _, err := a.Send(conv.ID, "hello"); kindOf(err) != "starting" {
		t.Fatalf("Send before startup: %v", err)
	}
}

func TestBoundMethodsRejectBadArguments(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{"DASHSCOPE_API_KEY": leakKey})
	a.startup(context.Background())
	conv, _ := a.NewConversation()
	call := func(f func() error) error { return f() }
	cases := []struct {
		name string
		err  error
		kind string
	}{
		{"send to a made-up conversation", call(func() error { _, err := a.Send("conv_0123", "hi"); return err }), "not_found"},
		{"rename a made-up conversation", a.RenameConversation("conv_0123", "x"), "not_found"},
		{"rename to nothing", a.RenameConversation(conv.ID, " "), "invalid_input"},
		{"delete a malformed id", a.DeleteConversation("a/b"), "not_found"},
		{"pin a malformed id", a.PinConversation("", true), "not_found"},
		{"export in an unknown format", call(func() error { _, err := a.ExportConversations(nil, "pdf"); return err }), "invalid_input"},
		{"export a malformed id", call(func() error { _, err := a.ExportConversations([]string{"../x"}, "json"); return err }), "not_found"},
		{"search too long", call(func() error { _, err := a.Search(strings.Repeat("搜", 500)); return err }), "invalid_input"},
		{"view state with a malformed id", a.SaveViewState("<x>", 10), "not_found"},
		{"title model with spaces", call(func() error { _, err := a.SetTitleOptions(true, "qwen flash"); return err }), "invalid_input"},
		{"regenerate a malformed id", call(func() error { _, err := a.Regenerate(conv.ID, "x y"); return err }), "not_found"},
		{"regenerate a made-up reply", call(func() error { _, err := a.Regenerate(conv.ID, "msg_00"); return err }), "not_found"},
		{"edit to nothing", call(func() error { _, err := a.EditMessage(conv.ID, "msg_00", "  "); return err }), "invalid_input"},
		{"edit a made-up message", call(func() error { _, err := a.EditMessage(conv.ID, "msg_00", "new text"); return err }), "not_found"},
		{"send a remote image", call(func() error {
			_, err := a.SendWithImages(conv.ID, "look", []string{"http://example.com/x.png"})
			return err
		}), "invalid_input"},
		{"send nothing at all", call(func() error { _, err := a.SendWithImages(conv.ID, " ", nil); return err }), "invalid_input"},
		{"continue a made-up reply", call(func() error { _, err := a.ContinueReply(conv.ID, "msg_00"); return err }), "not_found"},
		{"select a made-up version", call(func() error { _, err := a.SelectVersion(conv.ID, "msg_00"); return err }), "not_found"},
		{"delete a made-up message", call(func() error { _, err := a.DeleteMessage(conv.ID, "msg_00"); return err }), "not_found"},
		{"temperature out of range", call(func() error {
			t := 3.0
			_, err := a.UpdateConversationSettings(conv.ID, chat.ConversationSettings{Model: "qwen-plus", Temperature: &t})
			return err
		}), "invalid_input"},
		{"send to a malformed id", call(func() error { _, err := a.Send("../../etc", "hi"); return err }), "not_found"},
		{"send empty", call(func() error { _, err := a.Send(conv.ID, "   "); return err }), "invalid_input"},
		{"send huge", call(func() error { _, err := a.Send(conv.ID, strings.Repeat("a", chat.MaxInputRunes+1)); return err }), "invalid_input"},
		{"send huge in Chinese", call(func() error { _, err := a.Send(conv.ID, strings.Repeat("字", chat.MaxInputRunes+1)); return err }), "invalid_input"},
		{"stop a malformed id", a.Stop("<script>"), "not_found"},
		{"open a made-up conversation", call(func() error { _, err := a.Conversation("conv_ffff"); return err }), "not_found"},
		{"model with spaces", call(func() error { _, err := a.SetModel("qwen plus"); return err }), "invalid_input"},
		{"empty model", call(func() error { _, err := a.SetModel(""); return err }), "invalid_input"},
		{"unknown region", call(func() error { _, err := a.SetEndpoint("mars", ""); return err }), "invalid_input"},
		{"custom URL not http", call(func() error { _, err := a.SetEndpoint("custom", "file:///etc/passwd"); return err }), "invalid_input"},
		{"empty key", call(func() error { _, err := a.SaveKey("  "); return err }), "invalid_input"},
		{"multi-line key", call(func() error { _, err := a.SaveKey("sk-abc\nsk-def"); return err }), "invalid_input"},
		{"absurd key", call(func() error { _, err := a.SaveKey(strings.Repeat("k", 10000)); return err }), "invalid_input"},
	}
	for _, c := range cases {
		if got := kindOf(c.err); got != c.kind {
			t.Errorf("%s: kind %q (%v), want %q", c.name, got, c.err, c.kind)
		}
		if c.err != nil && !strings.Contains(formatError(c.err).(string), `"message":"`) {
			t.Errorf("%s: no message for the user", c.name)
		}
	}
	if len(a.fake.Requests()) != 0 {
		t.Fatal("a rejected call reached the server")
	}
}

// startSlowTurn starts an app with an environment key and a long reply streaming.
func startSlowTurn(t *testing.T) (*testApp, chat.Conversation, chat.Turn) {
	t.Helper()
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{"DASHSCOPE_API_KEY": leakKey})
	a.startup(context.Background())
	conv, _ := a.NewConversation()
	turn, err := a.Send(conv.ID, "a long story #slow")
	if err != nil {
		t.Fatal(err)
	}
	return a, conv, turn
}

func TestStopKeepsPartialTextAndFreesTheConversation(t *testing.T) {
	a, conv, turn := startSlowTurn(t)
	if _, err := a.Send(conv.ID, "again"); kindOf(err) != chat.KindBusy {
		t.Fatalf("second Send while streaming: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		// The reply is stored from its first token on.
		c, _ := a.Conversation(conv.ID)
		if len(c.Messages) == 2 && c.Messages[1].Content != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := a.Stop(turn.RequestID); err != nil {
		t.Fatal(err)
	}
	if got := a.events.waitEnd(t, turn.RequestID); got != chat.EventDone {
		t.Fatalf("stopped turn ended with %s", got)
	}
	c, _ := a.Conversation(conv.ID)
	if reply := c.Messages[1]; reply.Status != chat.StatusStopped || reply.Content == "" {
		t.Fatalf("reply after Stop = %+v, want stopped with the partial text", reply)
	}
	next, err := a.Send(conv.ID, "shorter please")
	if err != nil {
		t.Fatalf("the conversation is still locked after Stop: %v", err)
	}
	a.events.waitEnd(t, next.RequestID)
	if a.inflight.Len() != 0 {
		t.Fatalf("%d requests still registered after both turns ended", a.inflight.Len())
	}
}

func TestShutdownStopsStreamingReplies(t *testing.T) {
	a, conv, turn := startSlowTurn(t)
	a.shutdown(context.Background())
	if got := a.events.waitEnd(t, turn.RequestID); got != chat.EventDone {
		t.Fatalf("turn ended with %s at shutdown", got)
	}
	// What the next start will read from the file.
	msgs, err := a.history.Messages(context.Background(), conv.ID)
	if err != nil || len(msgs) != 2 || msgs[1].Status != string(chat.StatusStopped) {
		t.Fatalf("history after shutdown = %+v, %v; want the question and a stopped reply", msgs, err)
	}
}

func TestTestKeyExplainsARejectedKey(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	res, err := a.TestKey("sk-not-the-right-key-123456")
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.Kind != "auth" || res.RequestID == "" {
		t.Fatalf("wrong key test = %+v, want kind auth with the server request id", res)
	}
	res, _ = a.TestKey(leakKey)
	if !res.OK {
		t.Fatalf("right key test = %+v", res)
	}
	res, _ = a.TestKey("")
	if res.OK || res.Kind != chat.KindNoKey {
		t.Fatalf("testing with no key stored = %+v, want no_key", res)
	}
}

func TestModelsFallBackToTheBuiltInList(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	list, err := a.Models()
	if err != nil || list.Live || len(list.Models) == 0 || list.Problem == "" {
		t.Fatalf("with no key: %+v %v, want the built-in list and a reason", list, err)
	}
	if _, err := a.SaveKey(leakKey); err != nil {
		t.Fatal(err)
	}
	list, err = a.Models()
	if err != nil || !list.Live || len(list.Models) == 0 {
		t.Fatalf("with a key: %+v %v, want the live list", list, err)
	}
	if m, err := a.SetModel(" qwen3-max "); err != nil || m != "qwen3-max" {
		t.Fatalf("SetModel: %q %v", m, err)
	}
	if st, _ := a.Status(); st.Model != "qwen3-max" || st.Endpoint.BaseURL != a.fake.BaseURL() {
		t.Fatalf("Status = model %q, endpoint %+v", st.Model, st.Endpoint)
	}
}

func TestUnknownErrorsStillGetAKind(t *testing.T) {
	if k := kindOf(errors.New("boom")); k != chat.KindInternal {
		t.Fatalf("kind = %q", k)
	}
	if k := kindOf(secrets.ErrNoKey); k != chat.KindNoKey {
		t.Fatalf("kind = %q", k)
	}
}

func TestExportThenImportRestoresConversations(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{"DASHSCOPE_API_KEY": leakKey})
	a.startup(context.Background())
	conv, _ := a.NewConversation()
	turn, err := a.Send(conv.ID, "素数有哪些？ list primes")
	if err != nil {
		t.Fatal(err)
	}
	a.events.waitEnd(t, turn.RequestID)
	a.chat.Wait(5 * time.Second)

	a.desktop.savePath = filepath.Join(t.TempDir(), "export.json")
	path, err := a.ExportConversations(nil, "json")
	if err != nil || path != a.desktop.savePath {
		t.Fatalf("export: %q %v", path, err)
	}
	md := filepath.Join(t.TempDir(), "export.md")
	a.desktop.savePath = md
	if _, err := a.ExportConversations([]string{conv.ID}, "markdown"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(md); !bytes.Contains(data, []byte("素数有哪些？ list primes")) {
		t.Fatalf("markdown export lacks the question:\n%s", data)
	}

	// Into a second, empty app: the same conversation comes back.
	b := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	b.desktop.openPath = path
	res, err := b.ImportConversations()
	if err != nil || res.Conversations != 1 || res.Messages != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	got, err := b.Conversation(conv.ID)
	want, _ := a.Conversation(conv.ID)
	if err != nil || len(got.Messages) != 2 || got.Messages[1].Content != want.Messages[1].Content || got.Title != want.Title {
		t.Fatalf("imported %+v, want %+v (%v)", got, want, err)
	}
	hits, err := b.Search("素数")
	if err != nil || len(hits) != 1 || hits[0].ConversationID != conv.ID || len(hits[0].Hits) == 0 {
		t.Fatalf("search in the imported history: %+v %v", hits, err)
	}
	for _, h := range hits[0].Hits {
		if h.MessageID == "" {
			t.Fatal("a title match was listed as a message hit; the group's TitleMatch shows it")
		}
	}

	// A malformed file changes nothing and says why.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format":"qwendesk-export","version":1,"conversations":[{"id":"c1","messages":[{"id":"m1","conversationId":"c1","role":"robot"}]}]}`), 0o600)
	b.desktop.openPath = bad
	if _, err := b.ImportConversations(); kindOf(err) != "import" {
		t.Fatalf("malformed import: %v", err)
	}
	if page, _ := b.ListConversations("", 50); len(page.Conversations) != 1 {
		t.Fatalf("a refused import changed the history: %d conversations", len(page.Conversations))
	}
	b.desktop.openPath = ""
	if res, err := b.ImportConversations(); err != nil || !res.Cancelled {
		t.Fatalf("cancelled import: %+v %v", res, err)
	}
}

func TestViewStateAndTitleOptionsPersist(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	if st, _ := a.Status(); !st.Titles.Enabled || st.Titles.Model != "qwen-flash" {
		t.Fatalf("default title options = %+v", st.Titles)
	}
	if _, err := a.SetTitleOptions(false, ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := a.Status(); st.Titles.Enabled || st.Titles.Model != "qwen-flash" {
		t.Fatalf("title options after turning off = %+v", st.Titles)
	}
	conv, _ := a.NewConversation()
	if err := a.SaveViewState(conv.ID, 1234.5); err != nil {
		t.Fatal(err)
	}
	if v, err := a.ViewState(); err != nil || v.ConversationID != conv.ID || v.ScrollTop < 1234 {
		t.Fatalf("view state = %+v %v", v, err)
	}
	if err := a.RevealDataFolder(); err != nil || len(a.desktop.revealed) != 1 || a.desktop.revealed[0] != a.dataDir {
		t.Fatalf("reveal: %v %v", a.desktop.revealed, err)
	}
}

func TestPreferencesPersistAndTheProxyIsUsed(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	if st, _ := a.Status(); st.Preferences != settings.DefaultPreferences() {
		t.Fatalf("defaults = %+v", st.Preferences)
	}
	for _, bad := range []settings.Preferences{
		{Theme: "neon", Language: "system", FontSize: 15, SendKey: "enter", ProxyMode: "system"},
		{Theme: "dark", Language: "fr", FontSize: 15, SendKey: "enter", ProxyMode: "system"},
		{Theme: "dark", Language: "zh", FontSize: 40, SendKey: "enter", ProxyMode: "system"},
		{Theme: "dark", Language: "zh", FontSize: 15, SendKey: "space", ProxyMode: "system"},
		{Theme: "dark", Language: "zh", FontSize: 15, SendKey: "enter", ProxyMode: "custom", ProxyURL: "ftp://x"},
	} {
		if _, err := a.SetPreferences(bad); kindOf(err) != chat.KindInvalidInput {
			t.Errorf("SetPreferences(%+v) = %v, want invalid_input", bad, err)
		}
	}

	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		http.Error(w, "proxy says no", http.StatusBadGateway)
	}))
	defer proxy.Close()
	want := settings.Preferences{Theme: "dark", Language: "zh", FontSize: 17, SendKey: "mod-enter", ProxyMode: "custom", ProxyURL: proxy.URL}
	if got, err := a.SetPreferences(want); err != nil || got != want {
		t.Fatalf("SetPreferences = %+v, %v", got, err)
	}
	if res, _ := a.TestKey(leakKey); res.OK || proxied.Load() == 0 {
		t.Fatalf("with a custom proxy the key test went around it: %+v, proxied %d", res, proxied.Load())
	}
	want.ProxyMode, want.ProxyURL = "none", ""
	if _, err := a.SetPreferences(want); err != nil {
		t.Fatal(err)
	}
	if res, _ := a.TestKey(leakKey); !res.OK {
		t.Fatalf("with no proxy the key test failed: %+v", res)
	}
	// A fresh App over the same file reads them back.
	reread, _, err := settings.Open(context.Background(), a.history, a.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	b := NewApp(AppConfig{Keys: a.keys, Settings: reread, History: a.history, Desktop: a.desktop, Emitter: a.events,
		Logger: a.log, DataDir: a.dataDir})
	if st, _ := b.Status(); st.Preferences != want {
		t.Fatalf("after restart: %+v", st.Preferences)
	}
}

func TestUsageReportPricesTodaysReplies(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), map[string]string{"DASHSCOPE_API_KEY": leakKey})
	a.startup(context.Background())
	conv, _ := a.NewConversation()
	turn, err := a.Send(conv.ID, "count my tokens")
	if err != nil {
		t.Fatal(err)
	}
	a.events.waitEnd(t, turn.RequestID)
	rep, err := a.Usage(7)
	if err != nil || len(rep.Rows) != 1 {
		t.Fatalf("usage = %+v, %v", rep, err)
	}
	row := rep.Rows[0]
	if row.Day != time.Now().Format(time.DateOnly) || row.Model != "qwen-plus" || row.Replies != 1 || row.PromptTokens == 0 || row.Cost == nil || *row.Cost <= 0 {
		t.Fatalf("today's row = %+v", row)
	}
	// Without a price for the model the cost is unknown, not zero.
	if _, err := a.SetPrices([]pricing.Price{{Model: "qwen-max", Input: 1, Output: 1}}); err != nil {
		t.Fatal(err)
	}
	if rep, _ := a.Usage(7); rep.Rows[0].Cost != nil {
		t.Fatalf("cost without a matching price = %v", *rep.Rows[0].Cost)
	}
	if _, err := a.SetPrices([]pricing.Price{{Model: "qwen-plus", Input: -1}}); kindOf(err) != chat.KindInvalidInput {
		t.Fatalf("negative price: %v", err)
	}
	if _, err := a.Usage(0); kindOf(err) != chat.KindInvalidInput {
		t.Fatalf("Usage(0): %v", err)
	}
}

func TestPromptPresetsStartWithASetAndCanBeEdited(t *testing.T) {
	a := newTestApp(t, secrets.NewMemoryKeyring(), nil)
	got, err := a.PromptPresets()
	if err != nil || len(got) == 0 {
		t.Fatalf("starter presets = %+v, %v", got, err)
	}
	mine := []settings.PromptPreset{{Name: " Pirate ", Prompt: " Talk like a pirate. "}}
	if saved, err := a.SetPromptPresets(mine); err != nil || saved[0].Name != "Pirate" || saved[0].Prompt != "Talk like a pirate." {
		t.Fatalf("SetPromptPresets = %+v, %v", saved, err)
	}
	if got, _ := a.PromptPresets(); len(got) != 1 || got[0].Name != "Pirate" {
		t.Fatalf("after saving: %+v", got)
	}
	for _, bad := range [][]settings.PromptPreset{
		{{Name: "", Prompt: "x"}},
		{{Name: "a", Prompt: ""}},
		{{Name: "a", Prompt: "x"}, {Name: "a", Prompt: "y"}},
	} {
		if _, err := a.SetPromptPresets(bad); kindOf(err) != chat.KindInvalidInput {
			t.Errorf("SetPromptPresets(%+v) = %v", bad, err)
		}
	}
	if _, err := a.SetPromptPresets(nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.PromptPresets(); len(got) != 0 {
		t.Fatalf("an emptied list must stay empty, got %+v", got)
	}
}

// callEveryBoundMethod calls each exported method of App — everything the webview can call —
// with plausible arguments, and returns what each returned (the value, or the formatted
// error the webview would see).
func callEveryBoundMethod(t *testing.T, app *App, convID string) []any {
	t.Helper()
	v := reflect.ValueOf(app)
	var out []any
	for i := 0; i < v.NumMethod(); i++ {
		m := v.Type().Method(i)
		args := make([]reflect.Value, m.Type.NumIn()-1)
		for j := range args {
			in := m.Type.In(j + 1)
			switch in.Kind() {
			case reflect.String:
				args[j] = reflect.ValueOf(convID).Convert(in)
			case reflect.Int:
				args[j] = reflect.ValueOf(7).Convert(in)
			default:
				args[j] = reflect.Zero(in)
			}
		}
		results := v.Method(i).Call(args)
		for _, r := range results {
			if err, ok := r.Interface().(error); ok && err != nil {
				out = append(out, formatError(err))
			} else if r.IsValid() && r.CanInterface() {
				out = append(out, r.Interface())
			}
		}
		t.Logf("called %s", m.Name)
	}
	if len(out) < 20 {
		t.Fatalf("only %d results from %d bound methods", len(out), v.NumMethod())
	}
	return out
}

// The key is removed from the keychain behind the app's back (another program, the user in
// the OS keychain manager): the next turn says there is no key, and nothing is sent.
func TestKeyThatDisappearsWhileRunning(t *testing.T) {
	ring := secrets.NewMemoryKeyring()
	a := newTestApp(t, ring, nil)
	a.startup(context.Background())
	if _, err := a.SaveKey(leakKey); err != nil {
		t.Fatal(err)
	}
	conv, _ := a.NewConversation()
	first, err := a.Send(conv.ID, "hello")
	if err != nil {
		t.Fatal(err)
	}
	a.events.waitEnd(t, first.RequestID)
	a.chat.Wait(5 * time.Second) // the automatic title's request too
	sent := len(a.fake.Requests())

	if err := ring.Delete(secrets.ServiceName, secrets.AccountName); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Send(conv.ID, "still there?"); kindOf(err) != chat.KindNoKey {
		t.Fatalf("Send after the key vanished: %v, want no_key", err)
	}
	if st, _ := a.Status(); st.Key.HasKey {
		t.Fatalf("status still claims a key: %+v", st.Key)
	}
	if len(a.fake.Requests()) != sent {
		t.Fatal("a request went out without a key")
	}
}
