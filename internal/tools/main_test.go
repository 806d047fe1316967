package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"qwendesk/internal/tools/mcpconfig"
)

// fakeEnv makes the test binary act as a small MCP server (see fakeServer) instead of
// running tests: the faults tests need a server that crashes, hangs or lies on cue.
const fakeEnv = "QWENDESK_TOOLS_FAKE"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(fakeServer(mode))
	}
	os.Exit(m.Run())
}

// lockedWriter lets the "noisy" tool print to stdout between the SDK's own messages
// without tearing them.
type lockedWriter struct {
	mu sync.Mutex
	w  io.WriteCloser
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
func (l *lockedWriter) Close() error { return l.w.Close() }

type noArgs struct{}

type echoArgs struct {
	Text string `json:"text"`
}

type sizeArgs struct {
	Bytes int `json:"bytes"`
}

func fakeServer(mode string) int {
	switch mode {
	case "exit":
		fmt.Fprintln(os.Stderr, "fatal: cannot open /etc/fake-server.conf: no such file or directory")
		return 1
	case "closed":
		// Speaks no MCP: closes stdout and lives on, like a server that daemonized.
		os.Stdout.Close()
		time.Sleep(time.Minute)
		return 0
	}
	out := &lockedWriter{w: os.Stdout}
	if mode == "garbage" {
		fmt.Fprintln(out, "Fake server running on stdio (this line belongs on stderr)")
		fmt.Fprintln(out, `{"level": info, "msg": "a log line that only looks like JSON"}`)
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "fake", Version: "1"}, nil)
	text := func(s string) *mcp.CallToolResult {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
	}
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Echoes text"}, func(_ context.Context, _ *mcp.CallToolRequest, a echoArgs) (*mcp.CallToolResult, any, error) {
		return text("echo: " + a.Text), nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "search", Description: "Searches"}, func(_ context.Context, _ *mcp.CallToolRequest, a echoArgs) (*mcp.CallToolResult, any, error) {
		return text(mode + " found " + a.Text), nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "env", Description: "Prints the environment"}, func(context.Context, *mcp.CallToolRequest, noArgs) (*mcp.CallToolResult, any, error) {
		env := os.Environ()
		sort.Strings(env)
		return text(strings.Join(env, "\n")), nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "crash", Description: "Exits in the middle of the call"}, func(context.Context, *mcp.CallToolRequest, noArgs) (*mcp.CallToolResult, any, error) {
		fmt.Fprintln(os.Stderr, "panic: boom in the middle of a call")
		os.Exit(3)
		return nil, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "hang", Description: "Never answers"}, func(ctx context.Context, _ *mcp.CallToolRequest, _ noArgs) (*mcp.CallToolResult, any, error) {
		if mode == "stubborn" {
			select {} // ignores cancellation too
		}
		<-ctx.Done()
		return nil, nil, ctx.Err()
	})
	mcp.AddTool(s, &mcp.Tool{Name: "big", Description: "Returns many bytes"}, func(_ context.Context, _ *mcp.CallToolRequest, a sizeArgs) (*mcp.CallToolResult, any, error) {
		return text(strings.Repeat("天", a.Bytes/3)), nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "fail", Description: "Reports an error"}, func(context.Context, *mcp.CallToolRequest, noArgs) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "disk full"}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "mixed", Description: "Returns an image, a link and no text"}, func(context.Context, *mcp.CallToolRequest, noArgs) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.ImageContent{MIMEType: "image/png", Data: make([]byte, 2048)},
			&mcp.ResourceLink{URI: "file:///tmp/report.pdf", Name: "report.pdf"},
		}, StructuredContent: map[string]any{"rows": 3}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "noisy", Description: "Logs to stdout, then answers"}, func(context.Context, *mcp.CallToolRequest, noArgs) (*mcp.CallToolResult, any, error) {
		fmt.Fprintln(out, "DEBUG handling noisy call")
		return text("still here"), nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "spawn", Description: "Starts a child process and returns its pid"}, func(context.Context, *mcp.CallToolRequest, noArgs) (*mcp.CallToolResult, any, error) {
		c := exec.Command("sleep", "300")
		if err := c.Start(); err != nil {
			return nil, nil, err
		}
		return text(strconv.Itoa(c.Process.Pid)), nil, nil
	})
	if mode == "slow" {
		time.Sleep(3 * time.Second)
	}
	if err := s.Run(context.Background(), &mcp.IOTransport{Reader: os.Stdin, Writer: out}); err != nil {
		fmt.Fprintln(os.Stderr, "fake server:", err)
		return 2
	}
	return 0
}

// fakeCmd is the mcp.json entry that runs the fake server in mode.
func fakeCmd(mode string) mcpconfig.Server {
	return mcpconfig.Server{Command: os.Args[0], Env: map[string]string{fakeEnv: mode}}
}

// writeConfig writes servers to DIR/mcp.json in the given order.
func writeConfig(t *testing.T, dir string, servers ...mcpconfig.Server) {
	t.Helper()
	var f mcpconfig.File
	for _, s := range servers {
		if err := f.Put(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := mcpconfig.Save(filepath.Join(dir, mcpconfig.FileName), &f); err != nil {
		t.Fatal(err)
	}
}

func approved(s mcpconfig.Server, tools ...string) mcpconfig.Server {
	s.AutoApprove = tools
	return s
}

var allFake = []string{"echo", "search", "env", "crash", "hang", "big", "fail", "mixed", "noisy", "spawn"}

func named(name string, s mcpconfig.Server) mcpconfig.Server { s.Name = name; return s }

// newManager starts a Manager over dir's mcp.json and closes it at the end of the test.
func newManager(t *testing.T, o Options) *Manager {
	t.Helper()
	if o.Shell == "" {
		o.Shell = "/nonexistent-shell" // tests must not depend on the developer's profile
	}
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	m.Start()
	return m
}

// waitState waits until the server reaches one of the states and returns its status.
func waitState(t *testing.T, m *Manager, name string, want ...State) ServerStatus {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var st ServerStatus
	for time.Now().Before(deadline) {
		var err error
		st, err = m.Server(name)
		if err == nil {
			for _, w := range want {
				if st.State == w {
					return st
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server %q stayed %s (%s); want %v; stderr:\n%s", name, st.State, st.Reason, want, st.Stderr)
	return st
}

func args(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func allow(d Decision) Approver {
	return ApproverFunc(func(context.Context, ApprovalRequest) (Decision, error) { return d, nil })
}
