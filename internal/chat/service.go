// Package chat runs chat turns: from "the user pressed Send" to "the assistant message is
// complete, stopped or failed". It builds the request context, streams the reply, runs the
// tool loop through a toolcall.Runner, coalesces deltas into events, and keeps every
// received character and every tool call in the history store as it arrives. It does not
// import Wails: events go through an Emitter.
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

	"qwendesk/internal/docs"
	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
	"qwendesk/internal/toolcall"
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
	// Tools is the tool layer; nil offers no tools.
	Tools toolcall.Runner
	// MaxToolSteps caps the model requests of one turn that end in tool calls; the turn
	// then stops with KindToolLimit. Default DefaultMaxToolSteps.
	MaxToolSteps int
	// ToolGrace is how long a stopped turn waits for running calls to return after their
	// context is cancelled before it records them as cancelled itself; default 5 s.
	ToolGrace time.Duration
}

// DefaultMaxToolSteps is the default of Config.MaxToolSteps.
const DefaultMaxToolSteps = 10

// Service owns the running turns and reads and writes conversations through the store. Safe
// for concurrent use: bound methods call it from many goroutines.
type Service struct {
	cfg       Config
	log       *slog.Logger
	store     *store.Store
	mu        sync.Mutex
	streaming map[string]int // conversation id → its running turns: one, or a comparison's few
	running   sync.WaitGroup // turns and title requests, for a clean shutdown
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
	if cfg.MaxToolSteps <= 0 {
		cfg.MaxToolSteps = DefaultMaxToolSteps
	}
	if cfg.ToolGrace <= 0 {
		cfg.ToolGrace = 5 * time.Second
	}
	return &Service{cfg: cfg, log: log, store: cfg.Store, streaming: map[string]int{}}
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
	Model          string   // used when the conversation has no model of its own yet
	RequestID      string   // chosen by the caller so it can register the cancel func first
	Images         []string // data: URLs for vision models
	// Documents are the files attached to the message, in order; each one's document
	// must be stored already or be in NewDocuments (stored with the message).
	Documents    []store.Attachment
	NewDocuments []store.Document
}

// MaxInputRunes bounds one message: far above any real question, far below what would make
// the request body or the webview choke.
const MaxInputRunes = 200_000

// checkText validates what the user typed and returns it trimmed.
func checkText(text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", userErrorf(KindInvalidInput, "The message is empty.")
	}
	if n := utf8.RuneCountInString(text); n > MaxInputRunes {
		return "", userErrorf(KindInvalidInput, "The message is too long (%d characters; the limit is %d).", n, MaxInputRunes)
	}
	if !utf8.ValidString(text) {
		return "", userErrorf(KindInvalidInput, "The message contains invalid characters.")
	}
	return text, nil
}

// checkImages validates attached images.
func checkImages(images []string) error {
	if len(images) > qwen.MaxImagesPerTurn {
		return userErrorf(KindInvalidInput, "Attach at most %d images to one message.", qwen.MaxImagesPerTurn)
	}
	for i, img := range images {
		if err := qwen.CheckImage(img); err != nil {
			return userErrorf(KindInvalidInput, "Image %d cannot be sent: %v.", i+1, err)
		}
	}
	return nil
}

// Send stores the user's message at the end of the branch on screen, then starts streaming
// the reply on its own goroutine. It returns as soon as the turn is registered. ctx governs
// the whole turn: cancelling it is Stop. onEnd runs once when the turn has finished,
// whatever the outcome.
func (s *Service) Send(ctx context.Context, in SendInput, onEnd func()) (Turn, error) {
	if err := checkImages(in.Images); err != nil {
		return Turn{}, err
	}
	if len(in.Documents) > MaxDocumentsPerMessage {
		return Turn{}, userErrorf(KindInvalidInput, "Attach at most %d files to one message.", MaxDocumentsPerMessage)
	}
	text := strings.TrimSpace(in.Text)
	if text != "" || len(in.Images) == 0 && len(in.Documents) == 0 { // an image or a file alone is a question too
		var err error
		if text, err = checkText(in.Text); err != nil {
			return Turn{}, err
		}
	}
	return s.turn(ctx, in.ConversationID, in.RequestID, in.Model, onEnd, func(t tree, conv store.Conversation) (turnPlan, error) {
		path := t.active(conv.ActiveLeaf)
		parent := ""
		if n := len(path); n > 0 {
			parent = path[n-1].ID
		}
		return turnPlan{path: path, question: &store.Message{ParentID: parent, Content: text, Images: in.Images, Documents: in.Documents},
			newDocs: in.NewDocuments}, nil
	})
}

// Regenerate answers the question of an assistant message again. The new reply is a sibling
// of the old one, which stays as an earlier version.
func (s *Service) Regenerate(ctx context.Context, convID, replyID, requestID, model string, onEnd func()) (Turn, error) {
	return s.turn(ctx, convID, requestID, model, onEnd, func(t tree, _ store.Conversation) (turnPlan, error) {
		reply, ok := t.byID[replyID]
		if !ok || reply.Role != RoleAssistant {
			return turnPlan{}, userErrorf(KindNotFound, "That reply no longer exists.")
		}
		question, ok := t.byID[reply.ParentID]
		if !ok || question.Role != RoleUser {
			return turnPlan{}, userErrorf(KindInvalidInput, "This reply has no question to answer again.")
		}
		return turnPlan{path: t.pathTo(question.ID)}, nil
	})
}

// Edit sends a changed version of one of the user's messages. It becomes a sibling of the
// original (a new branch); the original and its replies stay as an earlier version.
func (s *Service) Edit(ctx context.Context, convID, messageID, text, requestID, model string, onEnd func()) (Turn, error) {
	text, err := checkText(text)
	if err != nil {
		return Turn{}, err
	}
	return s.turn(ctx, convID, requestID, model, onEnd, func(t tree, _ store.Conversation) (turnPlan, error) {
		orig, ok := t.byID[messageID]
		if !ok || orig.Role != RoleUser {
			return turnPlan{}, userErrorf(KindNotFound, "That message no longer exists.")
		}
		// The edited question keeps the original's images and files.
		return turnPlan{path: t.pathTo(orig.ParentID), question: &store.Message{ParentID: orig.ParentID, Content: text,
			Images: orig.Images, Documents: orig.Documents}}, nil
	})
}

// continueInstruction is sent (not stored) after a reply that was cut off, so the model
// picks up where it stopped; the new text is appended to the same reply.
const continueInstruction = "Continue exactly where your last message stopped. Do not repeat anything you already wrote."

// Continue extends a reply that stopped early (cut off by max tokens, stopped, truncated or
// interrupted): the continuation streams into the same message.
func (s *Service) Continue(ctx context.Context, convID, replyID, requestID, model string, onEnd func()) (Turn, error) {
	return s.turn(ctx, convID, requestID, model, onEnd, func(t tree, _ store.Conversation) (turnPlan, error) {
		reply, ok := t.byID[replyID]
		if !ok || reply.Role != RoleAssistant {
			return turnPlan{}, userErrorf(KindNotFound, "That reply no longer exists.")
		}
		if reply.Content == "" {
			return turnPlan{}, userErrorf(KindInvalidInput, "There is nothing to continue yet: regenerate the reply instead.")
		}
		if reply.Status == string(StatusComplete) && reply.FinishReason != qwen.FinishLength {
			return turnPlan{}, userErrorf(KindInvalidInput, "This reply is already complete.")
		}
		path := t.pathTo(reply.ID)
		if len(path) < 2 {
			return turnPlan{}, userErrorf(KindInvalidInput, "This reply has no question to continue from.")
		}
		return turnPlan{path: path, resume: &reply, extra: []qwen.Message{{Role: RoleUser, Content: continueInstruction}}}, nil
	})
}

// turnPlan is what a turn answers: the context path; a new question to store first and
// append to it (nil when the path already ends with the question); or, to continue a reply,
// that reply (the path ends with it) and extra instructions sent but not stored.
type turnPlan struct {
	path     []store.Message
	question *store.Message
	resume   *store.Message
	extra    []qwen.Message
	newDocs  []store.Document // stored together with question
}

// planFunc picks a turn's plan from the conversation's tree.
type planFunc func(t tree, conv store.Conversation) (turnPlan, error)

// turn claims the conversation (one turn at a time), plans, stores the question, and starts
// the reply.
func (s *Service) turn(ctx context.Context, convID, requestID, model string, onEnd func(), plan planFunc) (Turn, error) {
	// Claim before the (possibly slow) key lookup so two quick calls cannot both pass.
	if !s.claim(convID) {
		return Turn{}, ErrBusy
	}
	turn, err := s.start(ctx, convID, requestID, model, onEnd, plan)
	if err != nil {
		s.release(convID)
		return Turn{}, err
	}
	return turn, nil
}

func (s *Service) start(ctx context.Context, convID, requestID, model string, onEnd func(), plan planFunc) (Turn, error) {
	conv, err := s.store.Conversation(ctx, convID)
	if err != nil {
		return Turn{}, s.storeError(err)
	}
	if conv.Model != "" {
		model = conv.Model
	}
	if strings.TrimSpace(model) == "" {
		return Turn{}, userErrorf(KindInvalidInput, "Choose a model first.")
	}
	msgs, err := s.store.Messages(ctx, convID)
	if err != nil {
		return Turn{}, s.storeError(err)
	}
	pl, err := plan(newTree(msgs), conv)
	if err != nil {
		return Turn{}, err
	}
	path, question := pl.path, pl.question
	key, err := s.cfg.Key(ctx)
	if err != nil {
		return Turn{}, err
	}

	now := time.Now()
	if question != nil {
		q := *question
		q.ID, q.ConversationID, q.Role, q.Status, q.Model, q.CreatedAt, q.UpdatedAt =
			NewID("msg"), conv.ID, RoleUser, string(StatusComplete), model, now, now
		// The question is on disk before the request goes out: a crash from here on never
		// loses what the user typed.
		if err := s.store.AddMessageWithDocuments(ctx, q, pl.newDocs); err != nil {
			return Turn{}, s.storeError(err)
		}
		path = append(path, q)
	}
	texts, err := s.documentTexts(ctx, path)
	if err != nil {
		return Turn{}, err
	}
	asked := path[len(path)-1]
	reply := store.Message{ID: NewID("msg"), ConversationID: conv.ID, ParentID: asked.ID, Role: RoleAssistant,
		Status: string(StatusStreaming), Model: model, CreatedAt: now, UpdatedAt: now}
	if pl.resume != nil {
		reply = *pl.resume
		reply.Status, reply.FinishReason, reply.ErrorKind, reply.ErrorMessage = string(StatusStreaming), "", "", ""
		asked = path[len(path)-2]
	}
	if conv.Title == "" {
		conv.Title, conv.TitleAuto = provisionalTitle(asked.Content), true
		if conv.Title == "" && len(asked.Documents) > 0 {
			conv.Title = shorten(asked.Documents[0].Name, 40)
		}
	}
	conv.Model, conv.ActiveLeaf = model, reply.ID
	if err := s.store.UpdateConversation(ctx, conv); err != nil {
		s.log.Warn("conversation not updated", "conversation", conv.ID, "error", err.Error())
	}
	s.changed(conv.ID, "updated")

	p := conv.Params
	t := &turn{
		svc:        s,
		key:        key,
		onEnd:      onEnd,
		started:    now,
		firstReply: question != nil && len(path) == 1,
		question:   asked.Content,
		reply:      reply,
		saved:      pl.resume != nil, // a continued reply is already in the file
		ids:        Turn{RequestID: requestID, ConversationID: conv.ID, UserMessageID: asked.ID, AssistantMessageID: reply.ID},
		req: qwen.Request{
			Model:          model,
			Messages:       append(requestMessages(conv.SystemPrompt, model, path, texts), pl.extra...),
			Temperature:    p.Temperature,
			TopP:           p.TopP,
			MaxTokens:      p.MaxTokens,
			EnableThinking: p.EnableThinking,
			ThinkingBudget: p.ThinkingBudget,
			EnableSearch:   p.EnableSearch,
		},
	}
	t.content.WriteString(reply.Content) // a continued reply grows from what it had
	t.reasoning.WriteString(reply.Reasoning)
	// A continued reply's new steps follow its stored ones, and its new text starts at the
	// end of the old.
	t.stepStart = len(reply.Content)
	if n := len(reply.ToolCalls); n > 0 {
		t.step = reply.ToolCalls[n-1].Step + 1
	}
	s.log.Info("turn started", "request", requestID, "conversation", conv.ID,
		"model", model, "messages", len(t.req.Messages), "input_chars", utf8.RuneCountInString(asked.Content))
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

func (s *Service) claim(convID string) bool { return s.claimN(convID, 1) }

// claimN claims the conversation for n turns at once (a comparison); each turn's release
// gives back one, and the conversation is free when the last has ended.
func (s *Service) claimN(convID string, n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streaming[convID] > 0 {
		return false
	}
	s.streaming[convID] = n
	return true
}

func (s *Service) release(convID string) {
	s.mu.Lock()
	if s.streaming[convID]--; s.streaming[convID] <= 0 {
		delete(s.streaming, convID)
	}
	s.mu.Unlock()
}

func (s *Service) busy(convID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streaming[convID] > 0
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
	return StorageFailure(err)
}

// StorageFailure is how every failure of the history file is told to the user.
func StorageFailure(err error) *UserError {
	return &UserError{Kind: KindStorage, Message: "The history file could not be read or written: " + err.Error(), Err: err}
}

// requestMessages turns the branch on screen into the request context: the system prompt
// (not for QwQ, which must not get one), every user message, and every assistant message
// that has text or tool calls. A failed reply with neither is left out so the model does
// not see an empty turn. A reply that called tools is sent as the steps it was made of (see
// toolSteps).
//
// Documents attached to a user message go in that message, before what the user typed,
// every time the path is sent: a follow-up question still has the file in context. Uploaded
// ones are named in one fileid:// system message after the system prompt, as qwen-long
// expects. texts holds each text or excerpt document's text, by hash (documentTexts).
func requestMessages(systemPrompt, model string, path []store.Message, texts map[string]*docs.Document) []qwen.Message {
	out := make([]qwen.Message, 0, len(path)+2)
	if sp := strings.TrimSpace(systemPrompt); sp != "" && !qwen.ModelRejectsSystemPrompt(model) {
		out = append(out, qwen.Message{Role: "system", Content: sp})
	}
	if ids := fileIDs(path); len(ids) > 0 {
		out = append(out, qwen.Message{Role: "system", Content: qwen.FileIDMessage(ids)})
	}
	for _, m := range path {
		switch {
		case m.Role == RoleAssistant && len(m.ToolCalls) > 0:
			out = append(out, toolSteps(m)...)
		case m.Role != RoleUser && m.Role != RoleAssistant || m.Role == RoleAssistant && m.Content == "":
		default:
			content := m.Content
			if m.Role == RoleUser && len(m.Documents) > 0 {
				content = withDocuments(m, texts)
			}
			out = append(out, qwen.Message{Role: m.Role, Content: content, Images: m.Images})
		}
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
