// Package chat runs chat turns: from "the user pressed Send" to "the assistant message is
// complete, stopped or failed". It builds the request context, streams the reply, coalesces
// deltas into events, and keeps every received character in the history store as it
// arrives. It does not import Wails: events go through an Emitter.
package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

// Stream is the part of *qwen.Stream a turn uses.
type Stream interface {
	Next() bool
	Current() qwen.Event
	Err() error
	Close() error
	RequestID() string
}

// Streamer starts streamed completions and, for titles, whole ones; the qwen client is the
// real one.
type Streamer interface {
	Stream(ctx context.Context, apiKey string, req qwen.Request) (Stream, error)
	Complete(ctx context.Context, apiKey string, req qwen.Request) (string, error)
}

// ClientStreamer adapts *qwen.Client to Streamer.
type ClientStreamer struct{ Client *qwen.Client }

// Stream starts a completion with the wrapped client.
func (c ClientStreamer) Stream(ctx context.Context, apiKey string, req qwen.Request) (Stream, error) {
	s, err := c.Client.Stream(ctx, apiKey, req)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Complete asks the wrapped client for a whole reply.
func (c ClientStreamer) Complete(ctx context.Context, apiKey string, req qwen.Request) (string, error) {
	return c.Client.Complete(ctx, apiKey, req)
}

// TitleOptions say whether and with which model conversations are named automatically.
type TitleOptions struct {
	Enabled bool   `json:"enabled"`
	Model   string `json:"model"`
}

// Config holds a Service's dependencies.
type Config struct {
	Streamer Streamer
	Store    *store.Store
	// Key returns the API key for one request. Its errors are shown to the user, so it should
	// return *UserError.
	Key     func(ctx context.Context) (string, error)
	Emitter Emitter
	Logger  *slog.Logger // nil: discard
	// Titles reports the current automatic-title options; nil means off.
	Titles func() TitleOptions
	// CheckpointEvery is how far the stored reply may lag behind the stream; default 1 s.
	CheckpointEvery time.Duration
}

// Service owns the running turns and reads and writes conversations through the store. Safe
// for concurrent use: bound methods call it from many goroutines.
type Service struct {
	cfg       Config
	log       *slog.Logger
	store     *store.Store
	mu        sync.Mutex
	streaming map[string]bool // conversation ids with a turn running: one at a time
	running   sync.WaitGroup  // turns and title requests, for a clean shutdown
}

// NewService returns a Service over cfg.Store.
func NewService(cfg Config) *Service {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.CheckpointEvery <= 0 {
		cfg.CheckpointEvery = time.Second
	}
	return &Service{cfg: cfg, log: log, store: cfg.Store, streaming: map[string]bool{}}
}

// NewID returns a random id with a readable prefix ("conv", "msg", "req").
func NewID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// SendInput is one user message to send.
type SendInput struct {
	ConversationID string
	Text           string
	Model          string
	RequestID      string // chosen by the caller so it can register the cancel func first
	Params         Params
}

// Params are the optional generation parameters.
type Params struct {
	Temperature    *float64
	TopP           *float64
	MaxTokens      *int
	EnableThinking *bool
}

// MaxInputRunes bounds one message: far above any real question, far below what would make
// the request body or the webview choke.
const MaxInputRunes = 200_000

// Send stores the user's message, then starts streaming the reply on its own goroutine. It
// returns as soon as the turn is registered. ctx governs the whole turn: cancelling it is
// Stop. onEnd runs once when the turn has finished, whatever the outcome.
func (s *Service) Send(ctx context.Context, in SendInput, onEnd func()) (Turn, error) {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return Turn{}, userErrorf(KindInvalidInput, "The message is empty.")
	}
	if n := utf8.RuneCountInString(text); n > MaxInputRunes {
		return Turn{}, userErrorf(KindInvalidInput, "The message is too long (%d characters; the limit is %d).", n, MaxInputRunes)
	}
	if !utf8.ValidString(text) {
		return Turn{}, userErrorf(KindInvalidInput, "The message contains invalid characters.")
	}
	if strings.TrimSpace(in.Model) == "" {
		return Turn{}, userErrorf(KindInvalidInput, "Choose a model first.")
	}

	// Claim the conversation before the (possibly slow) key lookup so two quick Sends cannot
	// both pass.
	if !s.claim(in.ConversationID) {
		return Turn{}, ErrBusy
	}
	turn, err := s.start(ctx, in, text, onEnd)
	if err != nil {
		s.release(in.ConversationID)
		return Turn{}, err
	}
	return turn, nil
}

func (s *Service) start(ctx context.Context, in SendInput, text string, onEnd func()) (Turn, error) {
	conv, err := s.store.Conversation(ctx, in.ConversationID)
	if err != nil {
		return Turn{}, s.storeError(err)
	}
	previous, err := s.store.Messages(ctx, in.ConversationID)
	if err != nil {
		return Turn{}, s.storeError(err)
	}
	key, err := s.cfg.Key(ctx)
	if err != nil {
		return Turn{}, err
	}

	now := time.Now()
	parent := ""
	if n := len(previous); n > 0 {
		parent = previous[n-1].ID
	}
	user := store.Message{ID: NewID("msg"), ConversationID: conv.ID, ParentID: parent, Role: RoleUser,
		Content: text, Status: string(StatusComplete), Model: in.Model, CreatedAt: now, UpdatedAt: now}
	// The user's message is on disk before the request goes out: a crash from here on
	// never loses what they typed.
	if err := s.store.AddMessage(ctx, user); err != nil {
		return Turn{}, s.storeError(err)
	}
	if conv.Title == "" || conv.Model != in.Model {
		if conv.Title == "" {
			conv.Title, conv.TitleAuto = provisionalTitle(text), true
		}
		conv.Model = in.Model
		if err := s.store.UpdateConversation(ctx, conv); err != nil {
			s.log.Warn("conversation not updated", "conversation", conv.ID, "error", err.Error())
		}
	}
	s.changed(conv.ID, "updated")

	t := &turn{
		svc:        s,
		key:        key,
		onEnd:      onEnd,
		started:    now,
		firstReply: len(previous) == 0,
		question:   text,
		ids:        Turn{RequestID: in.RequestID, ConversationID: conv.ID, UserMessageID: user.ID, AssistantMessageID: NewID("msg")},
		req: qwen.Request{
			Model:          in.Model,
			Messages:       append(requestMessages(previous), qwen.Message{Role: RoleUser, Content: text}),
			Temperature:    in.Params.Temperature,
			TopP:           in.Params.TopP,
			MaxTokens:      in.Params.MaxTokens,
			EnableThinking: in.Params.EnableThinking,
		},
	}
	t.reply = store.Message{ID: t.ids.AssistantMessageID, ConversationID: conv.ID, ParentID: user.ID,
		Role: RoleAssistant, Status: string(StatusStreaming), Model: in.Model, CreatedAt: now, UpdatedAt: now}
	s.log.Info("turn started", "request", in.RequestID, "conversation", conv.ID,
		"model", in.Model, "messages", len(t.req.Messages), "input_chars", utf8.RuneCountInString(text))
	s.running.Add(1)
	go t.run(ctx)
	return t.ids, nil
}

// Wait blocks until every running turn and title request has ended or the timeout passes;
// it reports whether all ended. Used at shutdown after cancelling them.
func (s *Service) Wait(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() { s.running.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

func (s *Service) claim(convID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streaming[convID] {
		return false
	}
	s.streaming[convID] = true
	return true
}

func (s *Service) release(convID string) {
	s.mu.Lock()
	delete(s.streaming, convID)
	s.mu.Unlock()
}

func (s *Service) busy(convID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streaming[convID]
}

// Changed tells the window that conversations changed outside a turn (e.g. an import).
func (s *Service) Changed(convID, reason string) { s.changed(convID, reason) }

func (s *Service) changed(convID, reason string) {
	s.cfg.Emitter.Emit(EventConversationsChanged, ConversationsChangedEvent{ConversationID: convID, Reason: reason})
}

// storeError maps store failures to what the user is told.
func (s *Service) storeError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return userErrorf(KindNotFound, "That conversation no longer exists.")
	}
	var ue *UserError
	if errors.As(err, &ue) || errors.Is(err, context.Canceled) {
		return err
	}
	s.log.Error("history store", "error", err.Error())
	return &UserError{Kind: KindStorage, Message: "The history file could not be read or written: " + err.Error(), Err: err}
}

// requestMessages turns the stored history into the request context: every user message and
// every assistant message that has text. A failed reply with no text is left out so the
// model does not see an empty turn.
func requestMessages(msgs []store.Message) []qwen.Message {
	out := make([]qwen.Message, 0, len(msgs)+1)
	for _, m := range msgs {
		if m.Role != RoleUser && m.Role != RoleAssistant || m.Role == RoleAssistant && m.Content == "" {
			continue
		}
		out = append(out, qwen.Message{Role: m.Role, Content: m.Content})
	}
	return out
}

// provisionalTitle is the first line of the first message, shortened, until an automatic
// title arrives.
func provisionalTitle(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	return shorten(strings.TrimSpace(line), 40)
}

func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
