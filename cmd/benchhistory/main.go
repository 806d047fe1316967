// Command benchhistory measures the history store at scale: it generates
// 10,000 conversations and 1,000,000 messages of mixed Chinese and English (one conversation
// of 5,000 messages), then times, through the app's own code paths, opening the store,
// listing the sidebar's first page, opening the long conversation and searching.
//
//	go run ./cmd/benchhistory                 # full size, in a temporary folder
//	go run ./cmd/benchhistory -scale 0.1      # a tenth, for a quick run
//	go run ./cmd/benchhistory -dir /tmp/h     # keep the store; a later run with the same
//	                                          # -dir, -scale and -seed reuses it
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"qwendesk/internal/benchrow"
	"qwendesk/internal/chat"
	"qwendesk/internal/inflight"
	"qwendesk/internal/store"
)

// Row is one figure of the JSON output.
type Row struct {
	Figure   string  `json:"figure"`
	QwenDesk float64 `json:"qwendesk"`
	Unit     string  `json:"unit"`
	Goal     string  `json:"goal"`
	Met      *bool   `json:"met"` // null on reported rows: there is no goal to meet
	Note     string  `json:"note,omitempty"`
}

// Output is the whole JSON file.
type Output struct {
	Benchmark string    `json:"benchmark"`
	When      time.Time `json:"when"`
	Machine   string    `json:"machine"`
	Scale     float64   `json:"scale"`
	Seed      uint64    `json:"seed"`
	Store     genResult `json:"store"`
	Rows      []Row     `json:"rows"`
}

const markerFile = "benchhistory.json"

// sidebarPage is the frontend's page size (PAGE_SIZE in frontend/src/lib/conversations.svelte.ts).
const sidebarPage = 100

func main() {
	scale := flag.Float64("scale", 1.0, "size of the generated history (1 = 10,000 conversations, 1,000,000 messages)")
	dir := flag.String("dir", "", "data folder for history.db (default: a fresh temporary folder, removed afterwards); reused when it holds a store generated with the same -scale and -seed")
	out := flag.String("out", "build/bench/history.json", "where to write the JSON results")
	seed := flag.Uint64("seed", 20250601, "random seed of the generated history")
	maxFigure := flag.Duration("max-figure", 90*time.Second, "stop repeating one figure after this long (at least 3 runs are always made)")
	explain := flag.Bool("explain", true, "print the query plans of the measured queries")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measurements (not the generation) to this file")
	flag.Parse()
	if err := run(*scale, *dir, *out, *seed, *maxFigure, *explain, *cpuProfile); err != nil {
		fmt.Fprintln(os.Stderr, "benchhistory:", err)
		os.Exit(1)
	}
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, format+"\n", a...) }

func run(scale float64, dir, outPath string, seed uint64, maxFigure time.Duration, explain bool, cpuProfile string) error {
	ctx := context.Background()
	if scale <= 0 {
		return fmt.Errorf("-scale must be positive")
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "benchhistory-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	cfg := configFor(scale, seed)

	gen, reused, err := prepare(ctx, dir, cfg, scale)
	if err != nil {
		return err
	}

	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	var rows []Row
	goalRow := func(figure string, v float64, goalMs float64, note string) {
		rows = append(rows, Row{Figure: figure, QwenDesk: round(v), Unit: "ms",
			Goal: fmt.Sprintf("under %g ms", goalMs), Met: benchrow.Met(v < goalMs), Note: note})
	}
	reported := func(figure string, v float64, unit, note string) {
		rows = append(rows, Row{Figure: figure, QwenDesk: round(v), Unit: unit, Goal: "reported", Note: note})
	}

	// Opening the store: what the app does at launch (quick_check, migrations, recovery).
	logf("opening the store…")
	var opens []time.Duration
	var st *store.Store
	// Up to 3 opens; fewer when quick_check makes each one slow (the last one stays open).
	openStart := time.Now()
	for i := 0; ; i++ {
		t := time.Now()
		s, _, err := store.Open(dir, store.Options{})
		if err != nil {
			return fmt.Errorf("open store: %w", err)
		}
		opens = append(opens, time.Since(t))
		if i == 2 || time.Since(openStart) > 20*time.Second {
			st = s
			break
		}
		s.Close()
	}
	defer st.Close()
	reported(fmt.Sprintf("open store (store.Open), median of %d", len(opens)), ms(median(opens)), "ms",
		fmt.Sprintf("runs: %s", fmtDurs(opens)))

	svc := chat.NewService(chat.Config{Store: st, Emitter: chat.EmitterFunc(func(string, any) {})})

	measure := func(name string, n int, f func() error) (stats, error) {
		if err := f(); err != nil { // warm-up, not counted
			return stats{}, fmt.Errorf("%s: %w", name, err)
		}
		var ds []time.Duration
		start := time.Now()
		for i := 0; i < n; i++ {
			t := time.Now()
			if err := f(); err != nil {
				return stats{}, fmt.Errorf("%s: %w", name, err)
			}
			ds = append(ds, time.Since(t))
			if i >= 2 && time.Since(start) > maxFigure {
				break
			}
		}
		s := summarize(ds)
		logf("  %-40s p50 %8.2f ms  p95 %8.2f ms  (%d runs)", name, ms(s.p50), ms(s.p95), s.n)
		return s, nil
	}
	runsNote := func(s stats, want int) string {
		if s.n < want {
			return fmt.Sprintf("%d of %d runs (time cap)", s.n, want)
		}
		return fmt.Sprintf("%d runs", s.n)
	}

	logf("measuring…")
	// The sidebar as the app now loads it: the first page through the same chat call the
	// bound ListConversations makes, with its message counts; then a page from the middle of
	// the list, which costs what the first does because the cursor is a position.
	var first chat.ConversationPage
	s, err := measure("sidebar first screen", 50, func() (err error) {
		first, err = svc.ConversationsPage(ctx, "", sidebarPage)
		return err
	})
	if err != nil {
		return err
	}
	if len(first.Conversations) != min(sidebarPage, gen.Conversations) {
		return fmt.Errorf("the first page has %d rows", len(first.Conversations))
	}
	goalRow(fmt.Sprintf("sidebar first screen as the app loads it (chat ConversationsPage, %d rows with counts, p95)", sidebarPage),
		ms(s.p95), 20, fmt.Sprintf("p50 %.2f ms; %s", ms(s.p50), runsNote(s, 50)))

	middle, pages := first.Next, 1
	for middle != "" && pages*sidebarPage < gen.Conversations/2 {
		p, err := svc.ConversationsPage(ctx, middle, sidebarPage)
		if err != nil {
			return err
		}
		middle, pages = p.Next, pages+1
	}
	if middle != "" {
		var deep chat.ConversationPage
		s, err = measure("sidebar page from the middle", 50, func() (err error) {
			deep, err = svc.ConversationsPage(ctx, middle, sidebarPage)
			return err
		})
		if err != nil {
			return err
		}
		if len(deep.Conversations) != sidebarPage {
			return fmt.Errorf("the middle page has %d rows", len(deep.Conversations))
		}
		goalRow(fmt.Sprintf("sidebar next page while scrolling, %d rows from row %d (p95)", sidebarPage, pages*sidebarPage),
			ms(s.p95), 20, fmt.Sprintf("p50 %.2f ms; %s", ms(s.p50), runsNote(s, 50)))
	}

	var sidebar []chat.ConversationSummary
	s, err = measure("all rows in one call (before paging)", 20, func() (err error) {
		sidebar, err = svc.ListConversations(ctx)
		return err
	})
	if err != nil {
		return err
	}
	reported("the whole sidebar in one call, as the app loaded it before paging (up to 5,000 rows) p95", ms(s.p95), "ms",
		fmt.Sprintf("p50 %.2f ms; %d rows; %s", ms(s.p50), len(sidebar), runsNote(s, 20)))

	var conv chat.Conversation
	s, err = measure("open 5,000-message conversation", 20, func() (err error) {
		conv, err = svc.Conversation(ctx, gen.LongConversation)
		return err
	})
	if err != nil {
		return err
	}
	if len(conv.Messages) != min(cfg.longMessages, gen.Messages) {
		return fmt.Errorf("long conversation has %d messages on screen, want %d", len(conv.Messages), cfg.longMessages)
	}
	goalRow("open 5,000-message conversation (chat Conversation, p95)", ms(s.p95), 100,
		fmt.Sprintf("p50 %.2f ms; %s", ms(s.p50), runsNote(s, 20)))

	// Rare planted terms, then the common words a user really types first: the palette
	// searches on every keystroke, so "的" and "the" must be as fast as "kubernetes".
	for _, q := range []struct{ label, term string }{
		{"search Chinese 2 characters “" + termZh2 + "” (p95)", termZh2},
		{"search Chinese 6 characters “" + termZhLong + "” (p95)", termZhLong},
		{"search English word “" + termEn + "” (p95)", termEn},
		{"search common Chinese word “我们” (p95)", "我们"},
		{"search common Chinese character “的” (p95)", "的"},
		{"search common English word “the” (p95)", "the"},
		{"search common English word “error” (p95)", "error"},
		{"search two common words “the error” (p95)", "the error"},
		{"search mixed “Go 语言” (p95)", "Go 语言"},
	} {
		var groups []store.SearchGroup
		s, err := measure("search "+q.term, 30, func() (err error) {
			groups, err = st.Search(ctx, q.term, 100) // the app asks for 100 hits
			return err
		})
		if err != nil {
			return err
		}
		hits := 0
		for _, g := range groups {
			hits += len(g.Hits)
		}
		if hits == 0 {
			return fmt.Errorf("search %q found nothing", q.term)
		}
		goalRow(q.label, ms(s.p95), 50, fmt.Sprintf("p50 %.2f ms; %d hits shown; %s",
			ms(s.p50), hits, runsNote(s, 30)))
	}

	// Typing past a query: the palette's next search cancels the one still running (as
	// App.Search does, through inflight.Latest). The figure is how long a cancelled search
	// keeps going, which is all the next keystroke's search can be held up by.
	if err := cancelledSearch(ctx, st, "the error", reported); err != nil {
		return err
	}

	size := fileSize(filepath.Join(dir, store.FileName)) + fileSize(filepath.Join(dir, store.FileName+"-wal"))
	reported("database file size (history.db + -wal)", float64(size)/(1<<20), "MB",
		fmt.Sprintf("%.0f MB of message text", gen.ContentMB))
	genNote := fmt.Sprintf("%d conversations, %d messages", gen.Conversations, gen.Messages)
	if reused {
		genNote += "; store reused from an earlier run, time is that run's"
	}
	reported("generation time", gen.Elapsed.Seconds(), "s", genNote)

	if explain {
		if err := printPlans(ctx, filepath.Join(dir, store.FileName), gen.LongConversation); err != nil {
			logf("query plans: %v", err)
		}
	}

	res := Output{Benchmark: "history at scale", When: time.Now().UTC(), Machine: machine(),
		Scale: scale, Seed: seed, Store: gen, Rows: rows}
	if err := writeJSON(outPath, res); err != nil {
		return err
	}
	printTable(res)
	fmt.Printf("\nwritten to %s\n", outPath)
	return nil
}

// prepare generates the store, or reuses one an earlier run left in dir with the same size.
func prepare(ctx context.Context, dir string, cfg genConfig, scale float64) (genResult, bool, error) {
	marker := filepath.Join(dir, markerFile)
	if b, err := os.ReadFile(marker); err == nil {
		var g genResult
		if json.Unmarshal(b, &g) == nil && g.Scale == scale && g.Seed == cfg.seed && fileSize(filepath.Join(dir, store.FileName)) > 0 {
			logf("reusing the store in %s (%d conversations, %d messages)", dir, g.Conversations, g.Messages)
			return g, true, nil
		}
	}
	if fileSize(filepath.Join(dir, store.FileName)) > 0 {
		return genResult{}, false, fmt.Errorf("%s already holds a history.db not generated by this tool with -scale %g -seed %d; use an empty folder",
			dir, scale, cfg.seed)
	}
	logf("generating %d conversations, %d messages in %s…", cfg.conversations, cfg.messages, dir)
	g, err := generate(ctx, dir, cfg, logf)
	if err != nil {
		return g, false, fmt.Errorf("generate: %w", err)
	}
	g.Scale = scale
	logf("generated in %.1f s (%.0f MB of text)", g.Elapsed.Seconds(), g.ContentMB)
	b, _ := json.MarshalIndent(g, "", "  ")
	if err := os.WriteFile(marker, b, 0o600); err != nil {
		return g, false, err
	}
	return g, false, nil
}

// printPlans shows how SQLite runs the measured queries (copied from internal/store; keep
// in step), to explain a missed goal.
func printPlans(ctx context.Context, path, longConv string) error {
	db, err := sql.Open("sqlite", path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	queries := []struct {
		name, sql string
		args      []any
	}{
		{"list", `SELECT c.id, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
			(SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id)
			FROM conversations c WHERE deleted_at IS NULL ORDER BY pinned DESC, updated_at DESC, rowid DESC LIMIT ? OFFSET ?`,
			[]any{50, 0}},
		{"messages of a conversation", `SELECT id FROM messages WHERE conversation_id = ? ORDER BY created_at, seq`, []any{longConv}},
		{"search, term under 3 characters (instr)", `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
			WHERE instr(lower(m.content), lower(?)) > 0 ORDER BY m.created_at DESC, m.seq DESC LIMIT ?`, []any{termZh2, 100}},
		{"search, term of 3+ characters (FTS5 trigram)", `SELECT m.id FROM messages_fts f JOIN messages m ON m.seq = f.rowid
			JOIN conversations c ON c.id = m.conversation_id AND c.deleted_at IS NULL
			WHERE messages_fts MATCH ? ORDER BY m.created_at DESC, m.seq DESC LIMIT ?`, []any{`"` + termEn + `"`, 100}},
	}
	fmt.Println("\nQuery plans:")
	for _, q := range queries {
		rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			return err
		}
		fmt.Printf("  %s\n", q.name)
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				rows.Close()
				return err
			}
			fmt.Printf("    %s\n", detail)
		}
		rows.Close()
	}
	return nil
}

func printTable(o Output) {
	fmt.Printf("\nHistory at scale: %d conversations, %d messages (scale %g), %s\n\n",
		o.Store.Conversations, o.Store.Messages, o.Scale, o.Machine)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "figure\tQwenDesk\tgoal\tmet\tnote")
	for _, r := range o.Rows {
		met := "reported"
		if r.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*r.Met]
		}
		fmt.Fprintf(w, "%s\t%.2f %s\t%s\t%s\t%s\n", r.Figure, r.QwenDesk, r.Unit, r.Goal, met, r.Note)
	}
	w.Flush()
}

func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

type stats struct {
	p50, p95 time.Duration
	n        int
}

func summarize(ds []time.Duration) stats {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return stats{p50: at(0.50), p95: at(0.95), n: len(s)}
}

func median(ds []time.Duration) time.Duration { return summarize(ds).p50 }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func round(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }

func fmtDurs(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("%.0f ms", ms(d))
	}
	return strings.Join(parts, ", ")
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func machine() string {
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(line[strings.Index(line, ":")+1:])
				break
			}
		}
	}
	return strings.TrimSpace(fmt.Sprintf("%s/%s, %d CPUs %s, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, runtime.Version()))
}

// cancelledSearch starts searches for term and replaces each with a newer one 1 ms in,
// measuring from the replacement to the older search's return. Runs where the search had
// already finished are not counted (they were not cancelled).
func cancelledSearch(ctx context.Context, st *store.Store, term string, reported func(figure string, v float64, unit, note string)) error {
	var searches inflight.Latest
	var ds []time.Duration
	finishedFirst := 0
	for range 30 {
		older, doneOlder := searches.Begin(ctx)
		returned := make(chan error, 1)
		go func() {
			_, err := st.Search(older, term, 100)
			returned <- err
		}()
		time.Sleep(time.Millisecond)
		_, doneNewer := searches.Begin(ctx) // the next keystroke's search cancels the older one
		t := time.Now()
		err := <-returned
		d := time.Since(t)
		doneOlder()
		doneNewer()
		switch {
		case err == nil:
			finishedFirst++
		case older.Err() != nil:
			ds = append(ds, d)
		default:
			return fmt.Errorf("search %q: %w", term, err)
		}
	}
	if len(ds) == 0 {
		reported("a search typed past: cancel → it returns (p95)", 0, "ms",
			fmt.Sprintf("not measured: all 30 searches for “%s” finished within 1 ms, before a newer one could cancel them", term))
		return nil
	}
	s := summarize(ds)
	logf("  %-40s p50 %8.2f ms  p95 %8.2f ms  (%d runs)", "cancelled search returns", ms(s.p50), ms(s.p95), s.n)
	reported("a search typed past: cancel → it returns (p95)", ms(s.p95), "ms",
		fmt.Sprintf("“%s” replaced 1 ms in by a newer search, as the palette's next keystroke does; p50 %.2f ms; %d cancelled runs, %d finished before the cancel",
			term, ms(s.p50), s.n, finishedFirst))
	return nil
}
