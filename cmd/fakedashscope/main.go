// Command fakedashscope serves a local imitation of DashScope's OpenAI-compatible API for
// manual runs of QwenDesk without a key or network:
//
//	go run ./cmd/fakedashscope -addr 127.0.0.1:8787 -key sk-test -delay 15ms
//	DASHSCOPE_BASE_URL=http://127.0.0.1:8787/compatible-mode/v1 DASHSCOPE_API_KEY=sk-test wails dev
//
// Type a marker in a message to pick a scenario: #slow #long #think #length #crlf #bigline
// #midstream #truncate #stall #err401 #err403 #arrearage #err404 #err429 (#recover) #quota
// #err500 #moderation #err400, and #native with an error for the native body shape. Tool
// calls: #tool:<suffix> {json} (several for parallel calls) with #toolthink #toolsay
// #toolunknown #toolbadargs #toolloop; the package doc of internal/fakedashscope says more.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"qwendesk/internal/fakedashscope"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8787", "address to listen on")
	key := flag.String("key", "", `the only API key accepted ("" accepts any)`)
	delay := flag.Duration("delay", 15*time.Millisecond, "pause between chunks of a normal reply")
	flag.Parse()

	// -delay 0 means "no pause" here; the library reads 0 as "default".
	d := *delay
	if d == 0 {
		d = -1
	}
	srv, err := fakedashscope.Listen(*addr, fakedashscope.Options{APIKey: *key, ChunkDelay: d})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakedashscope:", err)
		os.Exit(1)
	}
	fmt.Println(srv.BaseURL())
	fmt.Fprintf(os.Stderr, "fakedashscope: serving; use DASHSCOPE_BASE_URL=%s (Ctrl-C to stop)\n", srv.BaseURL())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	srv.Close()
}
