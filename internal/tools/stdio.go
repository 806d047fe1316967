package tools

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// How much of a server's stderr, and of the non-MCP lines it printed on stdout, is kept to
// show when it fails.
const (
	StderrTail = 4 << 10
	NoiseTail  = 1 << 10
)

// process is a running stdio server. We start it ourselves rather than through the SDK's
// CommandTransport because we need its process group (to kill what it starts), its exit
// (to fail pending calls at once) and a filter on stdout (to survive log lines there).
type process struct {
	cmd     *exec.Cmd
	stdin   *os.File
	stdout  *os.File
	stderr  *tail
	noise   *tail // stdout lines that were not JSON-RPC
	dropped atomic.Int64
	eof     atomic.Bool // stdout ended

	exited  chan struct{} // closed once the process has exited
	exitErr error         // set before exited is closed
	errDone chan struct{} // closed once stderr reached EOF
}

// startProcess runs path with args, env and cwd, its three standard files being pipes;
// stderr is kept in the given tail, and so are stdout lines that are not JSON-RPC in noise.
func startProcess(path string, args, env []string, cwd string, stderr, noise *tail) (*process, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = env
	cmd.Dir = cwd
	setProcessGroup(cmd)
	var (
		files    []*os.File // the child's ends, closed here once it has them
		closeAll = func() {
			for _, f := range files {
				f.Close()
			}
		}
	)
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return nil, err
	}
	files = append(files, inR, outW, errW)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	if err := cmd.Start(); err != nil {
		closeAll()
		inW.Close()
		outR.Close()
		errR.Close()
		return nil, err
	}
	closeAll()
	p := &process{
		cmd: cmd, stdin: inW, stdout: outR,
		stderr: stderr, noise: noise,
		exited: make(chan struct{}), errDone: make(chan struct{}),
	}
	go func() {
		defer close(p.errDone)
		_, _ = io.Copy(p.stderr, errR)
		errR.Close()
	}()
	go func() {
		p.exitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// transport connects the SDK to the process: stdin as is, stdout through the filter.
func (p *process) transport() mcp.Transport {
	r, w := io.Pipe()
	go p.filter(w)
	return &mcp.IOTransport{Reader: r, Writer: p.stdin}
}

// filter copies stdout to w line by line, dropping lines that cannot be JSON-RPC (a server
// that logs "Server running on stdio" to stdout would otherwise end the session: the SDK's
// decoder gives up on the first bad byte). A line that fits the buffer is checked whole; a
// longer one is judged by its first byte and streamed, so a multi-megabyte result is never
// held whole here. MCP frames are one line each, so a line is the unit to judge.
func (p *process) filter(w *io.PipeWriter) {
	defer p.stdout.Close()
	br := bufio.NewReaderSize(p.stdout, 64<<10)
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			keep := looksLikeJSON(chunk)
			if keep && !errors.Is(err, bufio.ErrBufferFull) {
				keep = json.Valid(chunk)
			}
			if !keep {
				p.dropped.Add(1)
				p.noise.Write(chunk)
			}
			for {
				if keep {
					if _, werr := w.Write(chunk); werr != nil {
						return // the session was closed
					}
				}
				if !errors.Is(err, bufio.ErrBufferFull) {
					break
				}
				chunk, err = br.ReadSlice('\n')
			}
			if !keep && !bytes.HasSuffix(chunk, []byte("\n")) {
				p.noise.Write([]byte("\n"))
			}
		}
		if err != nil {
			p.eof.Store(true)
			w.CloseWithError(io.EOF)
			return
		}
	}
}

func looksLikeJSON(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '\n')
}

// exitReason describes how the process ended, with what it said on stderr.
func (p *process) exitReason() string {
	var b strings.Builder
	var ee *exec.ExitError
	switch {
	case p.exitErr == nil:
		b.WriteString("the server exited")
	case errors.As(p.exitErr, &ee):
		fmt.Fprintf(&b, "the server exited (%s)", ee.ProcessState.String())
	default:
		fmt.Fprintf(&b, "the server stopped: %v", p.exitErr)
	}
	if n := p.dropped.Load(); n > 0 {
		fmt.Fprintf(&b, "; it printed %d non-JSON line(s) on stdout, which is reserved for the protocol", n)
	}
	return b.String()
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
	cut bool
}

func newTail(max int) *tail { return &tail{max: max} }

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.cut = true
	}
	return len(p), nil
}

// String returns the kept text, starting at a whole character.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if t.cut {
		for len(b) > 0 && !utf8.RuneStart(b[0]) {
			b = b[1:]
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
