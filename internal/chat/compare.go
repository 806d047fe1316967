package chat

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

// A comparison asks one question of several models at once. The question is stored once; each
// model's answer is an ordinary reply to it (a sibling, like a regenerated reply), streamed by
// its own turn with its own request id, goroutine, seq and checkpoints. So a comparison is
// kept exactly like regenerated versions (‹ 1/3 ›), a kill -9 loses no more than a single reply
// would, and one model failing ends only its own turn.

// Compare limits: a comparison is two or three models.
const (
	MinCompare = 2
	MaxCompare = 3
)

// CompareColumn is one model of a comparison and the request id its turn will carry.
type CompareColumn struct {
	Settings  ConversationSettings
	RequestID string
	// Ctx governs this column's turn (cancelling it is that column's Stop); nil: Compare's ctx.
	Ctx   context.Context
	OnEnd func() // runs once when this column's turn has ended
}

// Compare stores text as a new question at the end of the branch on screen and starts one
// reply per column, each with that column's model, system prompt and parameters. It returns
// when all are registered; the replies arrive as chat:* events of their request ids. The
// conversation stays busy until every reply has ended; its own settings are not changed (Pick
// does that for the answer the user continues with).
func (s *Service) Compare(ctx context.Context, convID, text string, cols []CompareColumn) ([]Turn, error) {
	if len(cols) < MinCompare || len(cols) > MaxCompare {
		return nil, userErrorf(KindInvalidInput, "Compare %d to %d models.", MinCompare, MaxCompare)
	}
	seen := map[string]bool{}
	for i := range cols {
		if err := checkSettings(&cols[i].Settings); err != nil {
			return nil, err
		}
		if seen[cols[i].RequestID] || cols[i].RequestID == "" {
			return nil, userErrorf(KindInternal, "Each compared reply needs its own request id.")
		}
		seen[cols[i].RequestID] = true
	}
	text, err := checkText(text)
	if err != nil {
		return nil, err
	}
	if !s.claimN(convID, len(cols)) {
		return nil, ErrBusy
	}
	turns, started, err := s.startCompare(ctx, convID, text, cols)
	// Columns that never started give back their claim; the started ones do as they end.
	for range len(cols) - started {
		s.release(convID)
	}
	return turns, err
}

func (s *Service) startCompare(ctx context.Context, convID, text string, cols []CompareColumn) ([]Turn, int, error) {
	conv, err := s.store.Conversation(ctx, convID)
	if err != nil {
		return nil, 0, s.storeError(err)
	}
	msgs, err := s.store.Messages(ctx, convID)
	if err != nil {
		return nil, 0, s.storeError(err)
	}
	path := newTree(msgs).active(conv.ActiveLeaf)
	key, err := s.cfg.Key(ctx)
	if err != nil {
		return nil, 0, err
	}
	now := time.Now()
	parent := ""
	if n := len(path); n > 0 {
		parent = path[n-1].ID
	}
	q := store.Message{ID: NewID("msg"), ConversationID: conv.ID, ParentID: parent, Role: RoleUser, Content: text,
		Status: string(StatusComplete), Model: cols[0].Settings.Model, CreatedAt: now, UpdatedAt: now}
	// On disk before any request goes out, as for a single reply.
	if err := s.store.AddMessage(ctx, q); err != nil {
		return nil, 0, s.storeError(err)
	}
	path = append(path, q)
	// Documents attached earlier in the conversation go to every column, as to a single reply.
	texts, err := s.documentTexts(ctx, path)
	if err != nil {
		return nil, 0, err
	}

	turns := make([]Turn, 0, len(cols))
	var first string
	for i, col := range cols {
		set := col.Settings
		// Distinct creation times keep the columns' order as versions (siblings sort by it).
		at := now.Add(time.Duration(i+1) * time.Millisecond)
		reply := store.Message{ID: NewID("msg"), ConversationID: conv.ID, ParentID: q.ID, Role: RoleAssistant,
			Status: string(StatusStreaming), Model: set.Model, CreatedAt: at, UpdatedAt: at}
		if i == 0 {
			first = reply.ID
		}
		t := &turn{
			svc:        s,
			key:        key,
			onEnd:      col.OnEnd,
			started:    now,
			firstReply: i == 0 && len(path) == 1, // one title for the conversation, from the first column
			question:   text,
			reply:      reply,
			ids:        Turn{RequestID: col.RequestID, ConversationID: conv.ID, UserMessageID: q.ID, AssistantMessageID: reply.ID},
			req: qwen.Request{
				Model:          set.Model,
				Messages:       requestMessages(set.SystemPrompt, set.Model, path, texts),
				Temperature:    set.Temperature,
				TopP:           set.TopP,
				MaxTokens:      set.MaxTokens,
				EnableThinking: set.EnableThinking,
				ThinkingBudget: set.ThinkingBudget,
				EnableSearch:   set.EnableSearch,
			},
		}
		turns = append(turns, t.ids)
		s.log.Info("turn started", "request", col.RequestID, "conversation", conv.ID, "model", set.Model,
			"messages", len(t.req.Messages), "input_chars", utf8.RuneCountInString(text), "compare", len(cols))
		run := ctx
		if col.Ctx != nil {
			run = col.Ctx
		}
		s.running.Add(1)
		go t.run(run)
	}

	if conv.Title == "" {
		conv.Title, conv.TitleAuto = provisionalTitle(text), true
	}
	// Until the user picks, the first column's answer is the one on screen after a reload.
	conv.ActiveLeaf = first
	if err := s.store.UpdateConversation(ctx, conv); err != nil {
		s.log.Warn("conversation not updated", "conversation", conv.ID, "error", err.Error())
	}
	s.changed(conv.ID, "updated")
	return turns, len(cols), nil
}

// Pick continues the conversation with one reply of a comparison (or any version): it is shown,
// with its newest continuation, and its model becomes the conversation's model. The other
// answers stay as versions of that turn.
func (s *Service) Pick(ctx context.Context, convID, replyID string) (Conversation, error) {
	if s.busy(convID) {
		return Conversation{}, ErrBusy
	}
	c, t, err := s.load(ctx, convID)
	if err != nil {
		return Conversation{}, err
	}
	reply, ok := t.byID[replyID]
	if !ok || reply.Role != RoleAssistant {
		return Conversation{}, userErrorf(KindNotFound, "That reply no longer exists.")
	}
	c.ActiveLeaf = t.deepestNewest(replyID)
	if m := strings.TrimSpace(reply.Model); m != "" {
		c.Model = m
	}
	if err := s.store.UpdateConversation(ctx, c); err != nil {
		return Conversation{}, s.storeError(err)
	}
	return s.Conversation(ctx, convID)
}
