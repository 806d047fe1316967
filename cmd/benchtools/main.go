// Command benchtools measures what one MCP tool call costs on the app's own path: the
// reference npm servers (scripts/mcp-servers.sh) started over stdio by internal/tools, and
// each call made through Manager.Run, the method a chat turn calls (lookup, approval check,
// the MCP call, the result made into text for the model).
//
//	go run ./cmd/benchtools -servers build/mcp-servers -out build/bench/tools.json
//
// The added cost of a round trip is the call's time minus the tool's own work. For
// server-everything's echo that work is returning its argument (microseconds), so the round
// trip is all cost; for server-filesystem's read_text_file, the same file read in this
// process stands in for the tool's own work.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"qwendesk/internal/benchrow"
	"qwendesk/internal/toolcall"
	"qwendesk/internal/tools"
	"qwendesk/internal/tools/mcpconfig"
	"qwendesk/internal/tools/toolname"
)

func main() {
	servers := flag.String("servers", os.Getenv("QWENDESK_MCP_SERVERS"), "folder scripts/mcp-servers.sh installed the servers into")
	out := flag.String("out", "build/bench/tools.json", "where to write the JSON rows")
	calls := flag.Int("calls", 300, "measured calls per tool (after 30 to warm up)")
	flag.Parse()
	if err := run(*servers, *out, *calls); err != nil {
		fmt.Fprintln(os.Stderr, "benchtools:", err)
		os.Exit(1)
	}
}

// fileSize is the size of the file read_text_file reads: a long source file or a page of notes.
const fileSize = 64 << 10

func run(serversDir, out string, calls int) error {
	if serversDir == "" {
		return errors.New("no -servers folder (run scripts/mcp-servers.sh DIR first)")
	}
	bin := func(name string) (string, error) {
		p := filepath.Join(serversDir, "node_modules", ".bin", name)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s missing: run scripts/mcp-servers.sh %s", p, serversDir)
		}
		return p, nil
	}
	everything, err := bin("mcp-server-everything")
	if err != nil {
		return err
	}
	filesystem, err := bin("mcp-server-filesystem")
	if err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "benchtools-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	root := filepath.Join(tmp, "files")
	if err := os.Mkdir(root, 0o700); err != nil {
		return err
	}
	root, _ = filepath.EvalSymlinks(root) // the server resolves its roots; so must the paths sent
	notes := filepath.Join(root, "notes.md")
	line := "- 会议纪要：the build failed on arm64 because the cache key missed GOARCH.\n"
	text := strings.Repeat(line, fileSize/len(line)+1)[:fileSize]
	if err := os.WriteFile(notes, []byte(text), 0o600); err != nil {
		return err
	}

	var f mcpconfig.File
	for _, s := range []mcpconfig.Server{
		{Name: "everything", Command: everything, AutoApprove: []string{"echo"}},
		{Name: "files", Command: filesystem, Args: []string{root}, AutoApprove: []string{"read_text_file"}},
	} {
		if err := f.Put(s); err != nil {
			return err
		}
	}
	if err := mcpconfig.Save(filepath.Join(tmp, mcpconfig.FileName), &f); err != nil {
		return err
	}

	// Start, as the app does at launch: every server at once, each to ready (spawned,
	// initialized, tools listed).
	ready := map[string]chan time.Time{"everything": make(chan time.Time, 1), "files": make(chan time.Time, 1)}
	m, err := tools.New(tools.Options{
		Dir:           tmp,
		ClientVersion: "benchtools",
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnStatus: func(st tools.ServerStatus) {
			if st.State == tools.StateReady {
				select {
				case ready[st.Name] <- time.Now():
				default:
				}
			}
		},
	})
	if err != nil {
		return err
	}
	defer m.Close()
	started := time.Now()
	m.Start()
	startup := map[string]time.Duration{}
	for name, ch := range ready {
		select {
		case at := <-ch:
			startup[name] = at.Sub(started)
		case <-time.After(60 * time.Second):
			st, _ := m.Server(name)
			return fmt.Errorf("server %s not ready within 60 s: %s %s\n%s", name, st.State, st.Reason, st.Stderr)
		}
	}

	ctx := context.Background()
	echoArg := strings.Repeat("echo 回声 ", 20) // 240 bytes, a typical small argument
	echo := toolcall.Call{ID: "c1", Name: toolname.For("everything", "echo"), Arguments: fmt.Sprintf(`{"message":%q}`, echoArg)}
	read := toolcall.Call{ID: "c2", Name: toolname.For("files", "read_text_file"), Arguments: fmt.Sprintf(`{"path":%q}`, notes)}

	echoes, err := measureCalls(ctx, m, echo, calls, func(r toolcall.Result) bool { return strings.Contains(r.Content, echoArg) })
	if err != nil {
		return err
	}
	reads, err := measureCalls(ctx, m, read, calls, func(r toolcall.Result) bool { return strings.Contains(r.Content, line) })
	if err != nil {
		return err
	}
	var own []time.Duration
	for range calls {
		t := time.Now()
		b, err := os.ReadFile(notes)
		own = append(own, time.Since(t))
		if err != nil || len(b) != fileSize {
			return fmt.Errorf("read %s: %v", notes, err)
		}
	}

	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	p := func(ds []time.Duration, q float64) time.Duration {
		s := append([]time.Duration(nil), ds...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[min(len(s)-1, int(q*float64(len(s))))]
	}
	reported := func(figure string, d time.Duration, note string) benchrow.Row {
		return benchrow.Row{Figure: figure, QwenDesk: ms(d), Unit: "ms", Goal: "reported", Note: note}
	}
	added := p(reads.wall, .5) - p(own, .5)
	rows := []benchrow.Row{
		reported("MCP tool round trip over stdio, echo (the tool's own work ≈ 0): p50", p(echoes.wall, .5),
			fmt.Sprintf("server-everything echo of %d bytes through tools.Manager.Run, the chat turn's call; %d calls after 30 to warm up; p95 %.2f ms, max %.2f ms",
				len(echoArg), calls, ms(p(echoes.wall, .95)), ms(p(echoes.wall, 1)))),
		reported("… of it in QwenDesk's tool layer (lookup, checks, result as text): p50", p(echoes.layer, .5),
			"Run's time minus the MCP SDK's CallTool (JSON-RPC over the server's stdin/stdout, node's handling)"),
		reported(fmt.Sprintf("MCP read_text_file of %d KiB: p50", fileSize>>10), p(reads.wall, .5),
			fmt.Sprintf("server-filesystem; p95 %.2f ms; of it %.2f ms in QwenDesk's tool layer (mostly the result as text)", ms(p(reads.wall, .95)), ms(p(reads.layer, .5)))),
		reported(fmt.Sprintf("the same %d KiB file read in this process (os.ReadFile): p50", fileSize>>10), p(own, .5),
			"stands in for the tool's own work"),
		reported("MCP round trip's added cost over the tool's own work (read_text_file): p50", added,
			fmt.Sprintf("%.2f ms − %.3f ms; a model's tool step also waits for DashScope twice (the call, then the answer), hundreds of ms each", ms(p(reads.wall, .5)), ms(p(own, .5)))),
		reported("server start to ready: server-everything", startup["everything"], "spawn node, MCP initialize, list tools; both servers started at once, as at launch"),
		reported("server start to ready: server-filesystem", startup["files"], ""),
	}
	fmt.Printf("%-80s %10s\n", "figure", "ms")
	for _, r := range rows {
		fmt.Printf("%-80s %10.3f\n", r.Figure, r.QwenDesk)
	}
	return benchrow.Write(out, rows)
}

type callTimes struct {
	wall  []time.Duration // Manager.Run, the whole call as the chat turn sees it
	layer []time.Duration // Run minus the MCP SDK's CallTool
}

// measureCalls makes 30 warm-up calls, then n measured ones; each must succeed and pass ok.
func measureCalls(ctx context.Context, m *tools.Manager, call toolcall.Call, n int, ok func(toolcall.Result) bool) (callTimes, error) {
	var t callTimes
	for i := range n + 30 {
		start := time.Now()
		res := m.Run(ctx, call)
		wall := time.Since(start)
		if res.Outcome != toolcall.OutcomeOK || !ok(res) {
			return t, fmt.Errorf("%s: %s: %.200s", call.Name, res.Outcome, res.Content)
		}
		if i >= 30 {
			t.wall = append(t.wall, wall)
			t.layer = append(t.layer, wall-res.Duration)
		}
	}
	return t, nil
}
