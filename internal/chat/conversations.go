package chat

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"qwendesk/internal/qwen"
	"qwendesk/internal/store"
)

// MaxTitleRunes bounds a conversation title typed by the user.
const MaxTitleRunes = 200

// NewConversation creates an empty conversation that will use model.
func (s *Service) NewConversation(ctx context.Context, model string) (Conversation, error) {
	now := time.Now()
	c := store.Conversation{ID: NewID("conv"), Model: model, TitleAuto: true, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateConversation(ctx, c); err != nil {
		return Conversation{}, s.storeError(err)
	}
	s.changed(c.ID, "created")
	return Conversation{ID: c.ID, Model: c.Model, Messages: []Message{}}, nil
}

// load reads a conversation and the tree of its messages.
func (s *Service) load(ctx context.Context, id string) (store.Conversation, tree, error) {
	c, err := s.store.Conversation(ctx, id)
	if err != nil {
		return c, tree{}, s.storeError(err)
	}
	msgs, err := s.store.Messages(ctx, id)
	if err != nil {
		return c, tree{}, s.storeError(err)
	}
	return c, newTree(msgs), nil
}

// Conversation returns a conversation with the messages of the branch on screen.
func (s *Service) Conversation(ctx context.Context, id string) (Conversation, error) {
	return s.ConversationLatest(ctx, id, 0)
}

// ConversationLatest is Conversation with only the last limit messages of the branch on
// screen (all when limit ≤ 0), and how many come before them. A long conversation opens with
// what the window shows first; sending 5,000 messages through the webview took ~180 ms.
func (s *Service) ConversationLatest(ctx context.Context, id string, limit int) (Conversation, error) {
	c, t, err := s.load(ctx, id)
	if err != nil {
		return Conversation{}, err
	}
	path := t.active(c.ActiveLeaf)
	earlier := 0
	if limit > 0 && len(path) > limit {
		earlier = len(path) - limit
		path = path[earlier:]
	}
	out := Conversation{ID: c.ID, Title: c.Title, Model: c.Model, Pinned: c.Pinned, Settings: settingsView(c),
		Messages: make([]Message, 0, len(path)), Earlier: earlier}
	for _, m := range path {
		v := messageView(m)
		v.Versions = t.versionsOf(m)
		out.Messages = append(out.Messages, v)
	}
	return out, nil
}

// SelectVersion shows another version of a message (a regenerated reply, an edited
// question) and the newest continuation below it.
func (s *Service) SelectVersion(ctx context.Context, convID, messageID string) (Conversation, error) {
	if s.busy(convID) {
		return Conversation{}, ErrBusy
	}
	c, t, err := s.load(ctx, convID)
	if err != nil {
		return Conversation{}, err
	}
	if _, ok := t.byID[messageID]; !ok {
		return Conversation{}, userErrorf(KindNotFound, "That message no longer exists.")
	}
	c.ActiveLeaf = t.deepestNewest(messageID)
	if err := s.store.UpdateConversation(ctx, c); err != nil {
		return Conversation{}, s.storeError(err)
	}
	return s.Conversation(ctx, convID)
}

// DeleteMessage removes a message. Removing a question removes its replies too (they answer
// nothing any more); later messages move up to the deleted one's parent. This is how a
// message blocked by content inspection stops poisoning every later turn.
func (s *Service) DeleteMessage(ctx context.Context, convID, messageID string) (Conversation, error) {
	if s.busy(convID) {
		return Conversation{}, ErrBusy
	}
	c, t, err := s.load(ctx, convID)
	if err != nil {
		return Conversation{}, err
	}
	m, ok := t.byID[messageID]
	if !ok {
		return Conversation{}, userErrorf(KindNotFound, "That message no longer exists.")
	}
	doomed := []string{m.ID}
	if m.Role == RoleUser {
		for _, kid := range t.children[m.ID] {
			if kid.Role == RoleAssistant {
				doomed = append(doomed, kid.ID)
			}
		}
	}
	onScreen := map[string]bool{}
	for _, p := range t.active(c.ActiveLeaf) {
		onScreen[p.ID] = true
	}
	// Delete replies before their question so their children re-link to the question's parent.
	for i := len(doomed) - 1; i >= 0; i-- {
		if err := s.store.DeleteMessage(ctx, doomed[i]); err != nil {
			return Conversation{}, s.storeError(err)
		}
	}
	if onScreen[m.ID] {
		_, after, err := s.load(ctx, convID)
		if err != nil {
			return Conversation{}, err
		}
		c.ActiveLeaf = ""
		if m.ParentID != "" {
			c.ActiveLeaf = after.deepestNewest(m.ParentID)
		}
		if err := s.store.UpdateConversation(ctx, c); err != nil {
			return Conversation{}, s.storeError(err)
		}
	}
	s.changed(convID, "updated")
	return s.Conversation(ctx, convID)
}

// ListConversations returns the sidebar rows: pinned first, then most recent.
func (s *Service) ListConversations(ctx context.Context) ([]ConversationSummary, error) {
	rows, err := s.store.ListConversations(ctx, 5000, 0)
	if err != nil {
		return nil, s.storeError(err)
	}
	return summaries(rows), nil
}

// ConversationsPage returns one page of the sidebar (pinned first, then most recent) starting
// after cursor ("" for the first), and the cursor of the next page ("" at the end). The
// sidebar loads its first screen with one page and the rest as the user scrolls, so the
// first screen costs the same with 100 conversations or 10,000.
func (s *Service) ConversationsPage(ctx context.Context, cursor string, limit int) (ConversationPage, error) {
	p, err := s.store.ConversationsPage(ctx, cursor, limit)
	if errors.Is(err, store.ErrInvalid) {
		return ConversationPage{}, userErrorf(KindInvalidInput, "The conversation list was asked for a page it cannot give.")
	}
	if err != nil {
		return ConversationPage{}, s.storeError(err)
	}
	return ConversationPage{Conversations: summaries(p.Rows), Next: p.Next}, nil
}

func summaries(rows []store.ConversationSummary) []ConversationSummary {
	out := make([]ConversationSummary, 0, len(rows))
	for _, r := range rows {
		out = append(out, ConversationSummary{ID: r.ID, Title: r.Title, Model: r.Model, Pinned: r.Pinned,
			TitleAuto: r.TitleAuto, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, MessageCount: r.MessageCount})
	}
	return out
}

// Rename gives a conversation the user's own title; automatic titles no longer replace it.
func (s *Service) Rename(ctx context.Context, id, title string) error {
	title = strings.Join(strings.Fields(title), " ")
	if title == "" {
		return userErrorf(KindInvalidInput, "A title cannot be empty.")
	}
	if utf8.RuneCountInString(title) > MaxTitleRunes {
		return userErrorf(KindInvalidInput, "A title can be at most %d characters.", MaxTitleRunes)
	}
	if err := s.store.RenameConversation(ctx, id, title); err != nil {
		return s.storeError(err)
	}
	s.changed(id, "updated")
	return nil
}

// SetPinned pins or unpins a conversation.
func (s *Service) SetPinned(ctx context.Context, id string, pinned bool) error {
	if err := s.store.SetPinned(ctx, id, pinned); err != nil {
		return s.storeError(err)
	}
	s.changed(id, "updated")
	return nil
}

// Delete removes a conversation (undoable with Restore until the next start). A conversation
// whose reply is streaming must be stopped first.
func (s *Service) Delete(ctx context.Context, id string) error {
	if s.busy(id) {
		return ErrBusy
	}
	if err := s.store.DeleteConversation(ctx, id); err != nil {
		return s.storeError(err)
	}
	s.changed(id, "deleted")
	return nil
}

// Restore undoes Delete.
func (s *Service) Restore(ctx context.Context, id string) error {
	if err := s.store.RestoreConversation(ctx, id); err != nil {
		return s.storeError(err)
	}
	s.changed(id, "restored")
	return nil
}

// ConversationSettings are the per-conversation choices sent with every turn. Nil numbers
// and switches mean "the model's default".
type ConversationSettings struct {
	Model          string   `json:"model"`
	SystemPrompt   string   `json:"systemPrompt"`
	Temperature    *float64 `json:"temperature,omitempty"`
	TopP           *float64 `json:"topP,omitempty"`
	MaxTokens      *int     `json:"maxTokens,omitempty"`
	EnableThinking *bool    `json:"enableThinking,omitempty"`
	ThinkingBudget *int     `json:"thinkingBudget,omitempty"`
	EnableSearch   *bool    `json:"enableSearch,omitempty"`
	// ToolsOff: the tools of the MCP servers are not offered in this conversation.
	ToolsOff bool `json:"toolsOff,omitempty"`
}

// Limits on conversation settings, from DashScope's documented ranges and generous bounds.
const (
	MaxSystemPromptRunes = 20_000
	MaxOutputTokens      = 131_072
)

// UpdateSettings changes a conversation's model, system prompt and parameters; the next
// turn uses them.
func (s *Service) UpdateSettings(ctx context.Context, id string, set ConversationSettings) (ConversationSettings, error) {
	if err := checkSettings(&set); err != nil {
		return ConversationSettings{}, err
	}
	c, err := s.store.Conversation(ctx, id)
	if err != nil {
		return ConversationSettings{}, s.storeError(err)
	}
	c.Model, c.SystemPrompt = set.Model, set.SystemPrompt
	c.Params = store.Params{Temperature: set.Temperature, TopP: set.TopP, MaxTokens: set.MaxTokens,
		EnableThinking: set.EnableThinking, ThinkingBudget: set.ThinkingBudget, EnableSearch: set.EnableSearch}
	if set.ToolsOff {
		c.Params.ToolsOff = &set.ToolsOff
	}
	if err := s.store.UpdateConversation(ctx, c); err != nil {
		return ConversationSettings{}, s.storeError(err)
	}
	return settingsView(c), nil
}

func checkSettings(set *ConversationSettings) error {
	set.Model = strings.TrimSpace(set.Model)
	set.SystemPrompt = strings.TrimSpace(set.SystemPrompt)
	switch {
	case set.Model == "" || len(set.Model) > 128 || strings.ContainsFunc(set.Model, func(r rune) bool { return r <= ' ' || r > '~' }):
		return userErrorf(KindInvalidInput, "A model id is one word, like qwen-plus.")
	case utf8.RuneCountInString(set.SystemPrompt) > MaxSystemPromptRunes:
		return userErrorf(KindInvalidInput, "The system prompt can be at most %d characters.", MaxSystemPromptRunes)
	case set.Temperature != nil && !(*set.Temperature >= 0 && *set.Temperature < 2):
		return userErrorf(KindInvalidInput, "Temperature must be at least 0 and below 2.")
	case set.TopP != nil && !(*set.TopP > 0 && *set.TopP <= 1):
		return userErrorf(KindInvalidInput, "Top-p must be above 0 and at most 1.")
	case set.MaxTokens != nil && (*set.MaxTokens < 1 || *set.MaxTokens > MaxOutputTokens):
		return userErrorf(KindInvalidInput, "Max tokens must be between 1 and %d.", MaxOutputTokens)
	case set.ThinkingBudget != nil && (*set.ThinkingBudget < 1 || *set.ThinkingBudget > MaxOutputTokens):
		return userErrorf(KindInvalidInput, "The thinking budget must be between 1 and %d tokens.", MaxOutputTokens)
	}
	return nil
}

func settingsView(c store.Conversation) ConversationSettings {
	p := c.Params
	return ConversationSettings{Model: c.Model, SystemPrompt: c.SystemPrompt, Temperature: p.Temperature, TopP: p.TopP,
		MaxTokens: p.MaxTokens, EnableThinking: p.EnableThinking, ThinkingBudget: p.ThinkingBudget, EnableSearch: p.EnableSearch,
		ToolsOff: p.ToolsOff != nil && *p.ToolsOff}
}

func messageView(m store.Message) Message {
	v := Message{ID: m.ID, Role: m.Role, Content: m.Content, Reasoning: m.Reasoning, Status: Status(m.Status),
		FinishReason: m.FinishReason, Model: m.Model, CreatedAt: m.CreatedAt, Images: m.Images, ToolCalls: m.ToolCalls,
		Documents: m.Documents}
	if m.Usage != nil {
		u := &qwen.Usage{PromptTokens: m.Usage.PromptTokens, CompletionTokens: m.Usage.CompletionTokens, TotalTokens: m.Usage.TotalTokens}
		if m.Usage.CachedTokens > 0 {
			u.PromptTokensDetails = &qwen.PromptTokensDetails{CachedTokens: m.Usage.CachedTokens}
		}
		if m.Usage.ReasoningTokens > 0 {
			u.CompletionTokensDetails = &qwen.CompletionTokensDetails{ReasoningTokens: m.Usage.ReasoningTokens}
		}
		v.Usage = u
	}
	if m.ErrorKind != "" {
		v.Error = &TurnError{Kind: m.ErrorKind, Message: m.ErrorMessage, RequestIDFromServer: m.ServerRequestID}
	}
	return v
}

func storeUsage(u *qwen.Usage) *store.Usage {
	if u == nil {
		return nil
	}
	out := &store.Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
	if u.PromptTokensDetails != nil {
		out.CachedTokens = u.PromptTokensDetails.CachedTokens
	}
	if u.CompletionTokensDetails != nil {
		out.ReasoningTokens = u.CompletionTokensDetails.ReasoningTokens
	}
	return out
}
