// Package chat runs chat turns: from "the user pressed Send" to "the assistant message is
// complete, stopped or failed". It builds the request context, streams the reply, coalesces
// deltas into events and keeps every received character. It does not import Wails: events go
// through an Emitter.
package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"qwendesk/internal/qwen"
)

// Stream is the part of *qwen.Stream a turn uses.
type Stream interface {
	Next() bool
	Current() qwen.Event
	Err() error
	Close() error
	RequestID() string
}

// Streamer starts a streamed completion; the qwen client is the real one.
type Streamer interface {
	Stream(ctx context.Context, apiKey string, req qwen.Request) (Stream, error)
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

// Config holds a Service's dependencies.
type Config struct {
	Streamer Streamer
	// Key returns the API key for one request. Its errors are shown to the user, so it should
	// return *UserError.
	Key     func(ctx context.Context) (string, error)
	Emitter Emitter
	Logger  *slog.Logger // nil: discard
}

// Service owns the conversations (in memory until the history store lands) and the running
// turns. Safe for concurrent use: bound methods call it from many goroutines.
type Service struct {
	cfg     Config
	log     *slog.Logger
	mu      sync.Mutex
	convs   map[string]*conversation
	running sync.WaitGroup
}

type conversation struct {
	Conversation
	streaming bool // a turn is running: one turn per conversation at a time
}

// NewService returns a Service with no conversations.
func NewService(cfg Config) *Service {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, log: log, convs: map[string]*conversation{}}
}

// NewID returns a random id with a readable prefix ("conv", "msg", "req").
func NewID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// NewConversation creates an empty conversation that will use model.
func (s *Service) NewConversation(model string) Conversation {
	c := &conversation{Conversation: Conversation{ID: NewID("conv"), Model: model, Messages: []Message{}}}
	s.mu.Lock()
	s.convs[c.ID] = c
	s.mu.Unlock()
	return copyConversation(c)
}

// Conversation returns a copy of the conversation with id.
func (s *Service) Conversation(id string) (Conversation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[id]
	if !ok {
		return Conversation{}, userErrorf(KindNotFound, "That conversation no longer exists.")
	}
	return copyConversation(c), nil
}

func copyConversation(c *conversation) Conversation {
	out := c.Conversation
	out.Messages = append([]Message(nil), c.Messages...)
	return out
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

// Send records the user's message and starts streaming the reply on its own goroutine. It
// returns as soon as the turn is registered. ctx governs the whole turn: cancelling it is Stop.
// onEnd runs once when the turn has finished, whatever the outcome.
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
	s.mu.Lock()
	c, ok := s.convs[in.ConversationID]
	switch {
	case !ok:
		s.mu.Unlock()
		return Turn{}, userErrorf(KindNotFound, "That conversation no longer exists.")
	case c.streaming:
		s.mu.Unlock()
		return Turn{}, ErrBusy
	}
	c.streaming = true
	s.mu.Unlock()

	key, err := s.cfg.Key(ctx)
	if err != nil {
		s.release(in.ConversationID)
		return Turn{}, err
	}

	now := time.Now()
	user := Message{ID: NewID("msg"), Role: RoleUser, Content: text, Status: StatusComplete, Model: in.Model, CreatedAt: now}
	reply := Message{ID: NewID("msg"), Role: RoleAssistant, Status: StatusStreaming, Model: in.Model, CreatedAt: now}

	s.mu.Lock()
	history := requestMessages(c.Messages)
	c.Messages = append(c.Messages, user, reply)
	c.Model = in.Model
	if c.Title == "" {
		c.Title = provisionalTitle(text)
	}
	s.mu.Unlock()

	t := &turn{
		svc:     s,
		key:     key,
		onEnd:   onEnd,
		started: now,
		ids:     Turn{RequestID: in.RequestID, ConversationID: in.ConversationID, UserMessageID: user.ID, AssistantMessageID: reply.ID},
		req: qwen.Request{
			Model:          in.Model,
			Messages:       append(history, qwen.Message{Role: RoleUser, Content: text}),
			Temperature:    in.Params.Temperature,
			TopP:           in.Params.TopP,
			MaxTokens:      in.Params.MaxTokens,
			EnableThinking: in.Params.EnableThinking,
		},
	}
	s.log.Info("turn started", "request", in.RequestID, "conversation", in.ConversationID,
		"model", in.Model, "messages", len(t.req.Messages), "input_chars", utf8.RuneCountInString(text))
	s.running.Add(1)
	go t.run(ctx)
	return t.ids, nil
}

// Wait blocks until every running turn has ended or the timeout passes; it reports whether
// all ended. Used at shutdown after cancelling them.
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

func (s *Service) release(convID string) {
	s.mu.Lock()
	if c, ok := s.convs[convID]; ok {
		c.streaming = false
	}
	s.mu.Unlock()
}

// update applies fn to the assistant message of a turn under the lock.
func (s *Service) update(ids Turn, fn func(m *Message)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[ids.ConversationID]
	if !ok {
		return
	}
	for i := len(c.Messages) - 1; i >= 0; i-- {
		if c.Messages[i].ID == ids.AssistantMessageID {
			fn(&c.Messages[i])
			return
		}
	}
}

// requestMessages turns the stored history into the request context: every user message and
// every assistant message that has text. A failed reply with no text is left out so the
// model does not see an empty turn.
func requestMessages(msgs []Message) []qwen.Message {
	out := make([]qwen.Message, 0, len(msgs)+1)
	for _, m := range msgs {
		if m.Role == RoleAssistant && m.Content == "" {
			continue
		}
		out = append(out, qwen.Message{Role: m.Role, Content: m.Content})
	}
	return out
}

// provisionalTitle is the first line of the first message, shortened; automatic titles from a
// cheap model come with the history store.
func provisionalTitle(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	const max = 40
	if utf8.RuneCountInString(line) <= max {
		return line
	}
	r := []rune(line)
	return string(r[:max]) + "…"
}
