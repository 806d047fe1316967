package tools

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"qwendesk/internal/toolcall"
	"qwendesk/internal/tools/mcpconfig"
)

// memSecrets is the keychain at the process edge: a map, or a keychain that never answers.
type memSecrets struct {
	mu   sync.Mutex
	m    map[string]string
	hang bool
}

func (s *memSecrets) Get(server, header string) (string, error) {
	if s.hang {
		select {}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[server+"/"+header]
	if !ok {
		return "", ErrSecretNotFound
	}
	return v, nil
}

func (s *memSecrets) Set(server, header, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]string{}
	}
	s.m[server+"/"+header] = value
	return nil
}

func (s *memSecrets) Delete(server, header string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, server+"/"+header)
	return nil
}

// httpServer is an SDK Streamable HTTP server on 127.0.0.1 that refuses requests without
// the expected Authorization header, the way a hosted MCP server with a token does.
func httpServer(t *testing.T, wantAuth string) string {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "remote", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "search", Description: "Searches the web"}, func(_ context.Context, _ *mcp.CallToolRequest, a echoArgs) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "remote found " + a.Text}}}, nil, nil
	})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != wantAuth {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/mcp"
}

func TestHTTPServerWithATokenFromTheUI(t *testing.T) {
	const token = "Bearer ghp-very-secret-token"
	url := httpServer(t, token)
	dir := t.TempDir()
	keys := &memSecrets{}
	m := newManager(t, Options{Dir: dir, Secrets: keys})

	st, err := m.AddServer(ServerInput{Name: "remote", URL: url, Headers: []HeaderInput{{Name: "Authorization", Value: token}}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Transport != "http" {
		t.Fatalf("transport %q", st.Transport)
	}
	waitState(t, m, "remote", StateReady)
	res := m.Run(context.Background(), toolcall.Call{Name: "remote__search", Arguments: `{"text": "go"}`})
	if res.Outcome != toolcall.OutcomeDenied {
		t.Fatalf("no approver: %s; want denied", res.Outcome)
	}
	if _, err := m.SetToolAutoApprove("remote", "search", true); err != nil {
		t.Fatal(err)
	}
	if res := m.Run(context.Background(), toolcall.Call{Name: "remote__search", Arguments: `{"text": "go"}`}); res.Content != "remote found go" {
		t.Fatalf("%s %q", res.Outcome, res.Content)
	}

	data, _ := os.ReadFile(filepath.Join(dir, mcpconfig.FileName))
	if strings.Contains(string(data), "ghp-very-secret-token") {
		t.Fatalf("the token was written to mcp.json:\n%s", data)
	}
	if !strings.Contains(string(data), `"Authorization": "${keychain}"`) {
		t.Fatalf("mcp.json does not say where the token is:\n%s", data)
	}
	if keys.m["remote/Authorization"] != token {
		t.Fatal("the token is not in the keychain")
	}

	// Editing without retyping the token keeps it; the server still gets it.
	if _, err := m.EditServer("remote", ServerInput{Name: "remote", URL: url, Timeout: 5, Headers: []HeaderInput{{Name: "Authorization"}}}); err != nil {
		t.Fatal(err)
	}
	waitState(t, m, "remote", StateReady)
	if res := m.Run(context.Background(), toolcall.Call{Name: "remote__search", Arguments: `{"text": "again"}`}); res.Content != "remote found again" {
		t.Fatalf("after edit: %s %q", res.Outcome, res.Content)
	}

	if err := m.RemoveServer("remote"); err != nil {
		t.Fatal(err)
	}
	if _, ok := keys.m["remote/Authorization"]; ok {
		t.Fatal("removing the server left its token in the keychain")
	}
}

func TestHTTPHeadersWrittenByHand(t *testing.T) {
	t.Setenv("QD_TEST_TOKEN", "from-env")
	byHand := httpServer(t, "Bearer typed-in-file")
	fromEnv := httpServer(t, "Bearer from-env")
	dir := t.TempDir()
	writeConfig(t, dir,
		mcpconfig.Server{Name: "byhand", URL: byHand, Headers: map[string]string{"Authorization": "Bearer typed-in-file"}},
		mcpconfig.Server{Name: "env", URL: fromEnv, Headers: map[string]string{"Authorization": "Bearer ${QD_TEST_TOKEN}"}},
		mcpconfig.Server{Name: "wrong", URL: fromEnv, Headers: map[string]string{"Authorization": "Bearer nope"}},
	)
	m := newManager(t, Options{Dir: dir, StartTimeout: 5 * time.Second})
	waitState(t, m, "byhand", StateReady)
	waitState(t, m, "env", StateReady)
	st := waitState(t, m, "wrong", StateFailed)
	if !strings.Contains(st.Reason, "could not connect") {
		t.Fatalf("reason %q", st.Reason)
	}
}

func TestAKeychainThatHangsFailsTheServerNotTheApp(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, mcpconfig.Server{Name: "remote", URL: "http://127.0.0.1:1/mcp", Headers: map[string]string{"Authorization": mcpconfig.KeychainValue}})
	m := newManager(t, Options{Dir: dir, Secrets: &memSecrets{hang: true}, SecretTimeout: 200 * time.Millisecond})
	st := waitState(t, m, "remote", StateFailed)
	if !strings.Contains(st.Reason, "keychain did not answer") {
		t.Fatalf("reason %q", st.Reason)
	}
}

func TestTwoServersOfferingSearchGetDistinctNames(t *testing.T) {
	url := httpServer(t, "")
	dir := t.TempDir()
	writeConfig(t, dir,
		named("local", approved(fakeCmd("local"), "search")),
		mcpconfig.Server{Name: "remote", URL: url, AutoApprove: []string{"search"}},
	)
	m := newManager(t, Options{Dir: dir})
	waitState(t, m, "local", StateReady)
	waitState(t, m, "remote", StateReady)
	for api, want := range map[string]string{"local__search": "local found x", "remote__search": "remote found x"} {
		res := m.Run(context.Background(), toolcall.Call{Name: api, Arguments: `{"text":"x"}`})
		if res.Content != want {
			t.Errorf("%s → %q, want %q", api, res.Content, want)
		}
	}
}

// A ${NAME} in a header goes to a remote server: it never brings the DashScope key there, even
// from a variable with another name that holds it.
func TestHeaderReferenceNeverSendsTheKey(t *testing.T) {
	const key = "sk-test-0123456789abcdef0123456789abcdef"
	t.Setenv("MY_QWEN", key)
	var seen []string
	var mu sync.Mutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization")+" "+r.URL.RawQuery)
		mu.Unlock()
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}))
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	writeConfig(t, dir, mcpconfig.Server{Name: "remote", URL: ts.URL + "/mcp?k=${MY_QWEN}",
		Headers: map[string]string{"Authorization": "Bearer ${MY_QWEN}"}})
	m := newManager(t, Options{Dir: dir, SecretValues: func() []string { return []string{key} }})
	waitState(t, m, "remote", StateFailed)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("the server was never asked: the test proves nothing")
	}
	for _, s := range seen {
		if strings.Contains(s, key) {
			t.Fatalf("the key reached the remote server: %q", s)
		}
	}
}
