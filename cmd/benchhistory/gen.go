package main

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	_ "modernc.org/sqlite" // the driver the store uses

	"qwendesk/internal/store"
)

// Search terms planted in the generated history. The generator never produces them by
// accident (see clean), so the hit counts are exactly the planted ones.
const (
	termZh2    = "天气"
	termZhLong = "量子纠缠实验"
	termEn     = "kubernetes"
)

// genConfig sizes the generated history.
type genConfig struct {
	conversations int
	messages      int
	longMessages  int // the one long conversation
	hitsPerTerm   int // messages containing each planted term
	seed          uint64
}

func configFor(scale float64, seed uint64) genConfig {
	c := genConfig{
		conversations: max(10, int(math.Round(10_000*scale))),
		messages:      max(1000, int(math.Round(1_000_000*scale))),
		longMessages:  5000, // the figure is "a 5,000-message conversation" at every scale
		hitsPerTerm:   max(5, int(math.Round(300*scale))),
		seed:          seed,
	}
	if c.longMessages > c.messages/2 {
		c.longMessages = c.messages / 2 &^ 1
	}
	return c
}

// genResult is what the benchmark needs to know about the generated history.
type genResult struct {
	LongConversation string        `json:"longConversation"`
	Conversations    int           `json:"conversations"`
	Messages         int           `json:"messages"`
	ContentMB        float64       `json:"contentMB"` // UTF-8 bytes of message text
	Elapsed          time.Duration `json:"elapsed"`
	Seed             uint64        `json:"seed"`
	Scale            float64       `json:"scale"`
}

// row is one messages row, in store column order.
type row struct {
	id, conv, parent, role, content, status, model, finish string
	usage                                                  [5]any
	errKind, errMsg, reqID                                 string
	firstTok, dur                                          int64
	created                                                int64
}

type convPlan struct {
	id      string
	title   string
	model   string
	pinned  bool
	created int64
	size    int // messages
	lang    int // 0 Chinese-led, 1 English-led, 2 evenly mixed
}

// generate creates dir/history.db through store.Open (so the schema is the store's own),
// then bulk-inserts the history with database/sql into the same tables.
func generate(ctx context.Context, dir string, cfg genConfig, logf func(string, ...any)) (genResult, error) {
	start := time.Now()
	st, _, err := store.Open(dir, store.Options{})
	if err != nil {
		return genResult{}, err
	}
	if err := st.Close(); err != nil {
		return genResult{}, err
	}

	path := filepath.Join(dir, store.FileName)
	// Bulk-load settings on our own single connection: no journal, no fsync, a big cache.
	// journal_mode goes back to WAL at the end, so the store finds the file as it left it.
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(MEMORY)&_pragma=synchronous(OFF)&_pragma=cache_size(-524288)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return genResult{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15))
	plans := planConversations(rng, cfg)
	res := genResult{Conversations: len(plans), Seed: cfg.seed}
	for _, p := range plans {
		if p.size == cfg.longMessages {
			res.LongConversation = p.id
		}
	}

	// The FTS triggers index each row as it is inserted; building the index once at the end
	// is much faster. Their exact SQL is kept and put back afterwards.
	triggers, err := ftsTriggers(ctx, db)
	if err != nil {
		return res, err
	}
	for name := range triggers {
		if _, err := db.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
			return res, err
		}
	}

	if err := insertConversations(ctx, db, plans); err != nil {
		return res, err
	}

	// Text is produced on another goroutine (the machine has two cores) while this one
	// inserts.
	rows := make(chan []row, 8)
	genErr := make(chan error, 1)
	var contentBytes int64
	go func() {
		defer close(rows)
		genErr <- produce(rng, cfg, plans, rows, &contentBytes)
	}()

	const batch = 25_000
	var n int
	tx, stmt, err := beginBatch(ctx, db)
	if err != nil {
		return res, err
	}
	for chunk := range rows {
		for _, r := range chunk {
			_, err := stmt.ExecContext(ctx, r.id, r.conv, r.parent, r.role, r.content, "", r.status, r.model, r.finish,
				r.usage[0], r.usage[1], r.usage[2], r.usage[3], r.usage[4],
				r.errKind, r.errMsg, r.reqID, r.firstTok, r.dur, "", r.created, r.created)
			if err != nil {
				tx.Rollback()
				return res, fmt.Errorf("insert message: %w", err)
			}
			n++
			if n%batch == 0 {
				if err := tx.Commit(); err != nil {
					return res, err
				}
				if n%(batch*8) == 0 {
					logf("  %d messages inserted (%.0f s)", n, time.Since(start).Seconds())
				}
				if tx, stmt, err = beginBatch(ctx, db); err != nil {
					return res, err
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	if err := <-genErr; err != nil {
		return res, err
	}
	res.Messages = n
	res.ContentMB = float64(contentBytes) / (1 << 20)
	logf("  %d messages inserted (%.0f s); sidebar times, search index…", n, time.Since(start).Seconds())

	if _, err := db.ExecContext(ctx, `UPDATE conversations SET updated_at = coalesce(
		(SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id), updated_at)`); err != nil {
		return res, err
	}
	t := time.Now()
	if _, err := db.ExecContext(ctx, `INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')`); err != nil {
		return res, fmt.Errorf("rebuild search index: %w", err)
	}
	// The short-CJK index is contentless (its text is derived by a function the store
	// registers on the driver), so it is filled the way the store's migration fills it.
	if _, err := db.ExecContext(ctx, `INSERT INTO messages_bigram (rowid, content)
		SELECT seq, qwendesk_cjk_bigrams(content) FROM messages WHERE status <> 'streaming'`); err != nil {
		return res, fmt.Errorf("fill the short-term index: %w", err)
	}
	logf("  search index rebuilt in %.0f s", time.Since(t).Seconds())
	for name, sqlText := range triggers {
		if _, err := db.ExecContext(ctx, sqlText); err != nil {
			return res, fmt.Errorf("restore trigger %s: %w", name, err)
		}
	}
	if after, err := ftsTriggers(ctx, db); err != nil || len(after) != len(triggers) {
		return res, fmt.Errorf("triggers not restored (%d of %d): %v", len(after), len(triggers), err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA journal_mode = WAL`); err != nil {
		return res, err
	}
	if err := db.Close(); err != nil {
		return res, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func beginBatch(ctx context.Context, db *sql.DB) (*sql.Tx, *sql.Stmt, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning,
		status, model, finish_reason, prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens,
		error_kind, error_message, server_request_id, first_token_ms, duration_ms, images, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	return tx, stmt, nil
}

// ftsTriggers returns name → CREATE statement of every trigger on messages.
func ftsTriggers(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'messages'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			return nil, err
		}
		out[name] = text
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no triggers on messages: schema changed?")
	}
	return out, rows.Err()
}

func insertConversations(ctx context.Context, db *sql.DB, plans []convPlan) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO conversations (id, title, model, system_prompt, params, pinned,
		title_auto, active_leaf, created_at, updated_at) VALUES (?, ?, ?, '', '{}', ?, 1, '', ?, ?)`)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if _, err := stmt.ExecContext(ctx, p.id, p.title, p.model, p.pinned, p.created, p.created); err != nil {
			return err
		}
	}
	return tx.Commit()
}

var models = []string{"qwen-plus", "qwen-plus", "qwen-max", "qwen-turbo", "qwen3-max", "qwen-flash"}

// planConversations sizes and dates every conversation: sizes are skewed (many short
// chats, a few long ones), every conversation alternates question and answer, and one
// recent conversation has cfg.longMessages messages.
func planConversations(rng *rand.Rand, cfg genConfig) []convPlan {
	n := cfg.conversations
	plans := make([]convPlan, n)
	long := n - 3 // among the most recent, as a long-running chat would be
	rest := cfg.messages - cfg.longMessages
	weights := make([]float64, n)
	var sum float64
	for i := range weights {
		if i != long {
			weights[i] = rng.ExpFloat64() + 0.05
			sum += weights[i]
		}
	}
	assigned := 0
	for i := range plans {
		if i == long {
			plans[i].size = cfg.longMessages
			continue
		}
		size := max(2, int(weights[i]/sum*float64(rest))&^1)
		plans[i].size = size
		assigned += size
	}
	// Spread the rounding remainder (or excess) over the others, two messages at a time.
	for i := 0; assigned != rest; i = (i + 1) % n {
		if i == long {
			continue
		}
		switch {
		case assigned < rest && rest-assigned >= 2:
			plans[i].size += 2
			assigned += 2
		case assigned < rest:
			plans[i].size++
			assigned++
		case plans[i].size > 2:
			plans[i].size--
			assigned--
		}
	}
	end := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	span := 730 * 24 * time.Hour
	begin := end.Add(-span)
	for i := range plans {
		p := &plans[i]
		p.id = "conv_" + randHex(rng, 12)
		p.model = models[rng.IntN(len(models))]
		p.created = begin.Add(time.Duration(float64(span) * (float64(i) + rng.Float64()*0.5) / float64(n))).UnixNano()
		if i == long {
			// 5,000 messages a few minutes apart span weeks: start it earlier.
			p.created = end.Add(-30 * 24 * time.Hour).UnixNano()
		}
		switch r := rng.Float64(); {
		case r < 0.55:
			p.lang = 0
		case r < 0.85:
			p.lang = 1
		default:
			p.lang = 2
		}
	}
	for k := 0; k < 5 && k < n; k++ {
		plans[rng.IntN(n)].pinned = true
	}
	for i := range plans {
		g := textGen{rng: rng}
		if plans[i].lang == 1 {
			plans[i].title = clean(g.english(rng.IntN(30) + 10))
		} else {
			plans[i].title = clean(g.chinese(rng.IntN(12)+4, false))
		}
	}
	return plans
}

// produce generates every message, conversation by conversation, and sends them in chunks.
func produce(rng *rand.Rand, cfg genConfig, plans []convPlan, out chan<- []row, contentBytes *int64) error {
	// Which messages (by global index) get a planted term.
	planted := map[int][]string{}
	for _, term := range []string{termZh2, termZhLong, termEn} {
		for chosen := 0; chosen < cfg.hitsPerTerm; {
			i := rng.IntN(cfg.messages)
			if !contains(planted[i], term) {
				planted[i] = append(planted[i], term)
				chosen++
			}
		}
	}
	g := textGen{rng: rng}
	chunk := make([]row, 0, 1000)
	global := 0
	for _, p := range plans {
		parent := ""
		t := p.created
		for k := 0; k < p.size; k++ {
			r := row{id: "msg_" + randHex(rng, 12), conv: p.id, parent: parent, status: store.StatusComplete}
			t += int64(time.Duration(20+rng.IntN(600)) * time.Second)
			r.created = t
			lang := p.lang
			if lang == 2 || rng.IntN(10) == 0 {
				lang = rng.IntN(2)
			}
			if k%2 == 0 {
				r.role = store.RoleUser
				r.content = clean(g.question(lang, 20+rng.IntN(181)))
			} else {
				r.role = store.RoleAssistant
				r.model = p.model
				// Answer lengths are log-uniform over 200–3,000 characters: mostly short, some long.
				length := int(200 * math.Pow(15, rng.Float64()))
				r.content = clean(g.answer(lang, length))
				r.finish = "stop"
				switch x := rng.IntN(1000); {
				case x < 5:
					r.status, r.finish = store.StatusStopped, ""
				case x < 7:
					r.status, r.finish = store.StatusError, ""
					r.errKind, r.errMsg = "rate_limited", "Too many requests. Try again in a moment."
				case x < 10:
					r.status, r.finish = store.StatusTruncated, "length"
				}
				prompt := 50 + rng.IntN(4000)
				completion := utf8.RuneCountInString(r.content) * 2 / 3
				r.usage = [5]any{prompt, completion, prompt + completion, rng.IntN(2) * prompt / 2, 0}
				r.reqID = randHex(rng, 8) + "-" + randHex(rng, 2) + "-" + randHex(rng, 2) + "-" + randHex(rng, 6)
				r.firstTok = int64(300 + rng.IntN(1500))
				r.dur = r.firstTok + int64(completion*20)
			}
			for _, term := range planted[global] {
				r.content = plant(rng, r.content, term)
			}
			*contentBytes += int64(len(r.content))
			parent = r.id
			global++
			chunk = append(chunk, r)
			if len(chunk) == cap(chunk) {
				out <- chunk
				chunk = make([]row, 0, 1000)
			}
		}
	}
	if len(chunk) > 0 {
		out <- chunk
	}
	if global != cfg.messages {
		return fmt.Errorf("generated %d messages, planned %d", global, cfg.messages)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// plant inserts term at a random character boundary of text (English terms between words).
func plant(rng *rand.Rand, text, term string) string {
	if term == termEn && rng.IntN(3) == 0 {
		term = "Kubernetes"
	}
	runes := []rune(text)
	at := rng.IntN(len(runes) + 1)
	if term == termEn || term == "Kubernetes" {
		for at < len(runes) && runes[at] != ' ' {
			at++
		}
		return string(runes[:at]) + " " + term + " " + string(runes[at:])
	}
	return string(runes[:at]) + term + string(runes[at:])
}

// clean removes accidental occurrences of the planted terms (the random text can put 天
// next to 气), so hit counts are exactly the planted ones.
func clean(s string) string {
	if strings.Contains(s, termZh2) {
		s = strings.ReplaceAll(s, termZh2, "天色")
	}
	return s
}

func randHex(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := rng.Uint64()
		for j := i; j < n && j < i+8; j++ {
			b[j] = byte(v)
			v >>= 8
		}
	}
	return hex.EncodeToString(b)
}
