package chat

import (
	"context"
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

// Conversation returns a conversation with its messages.
func (s *Service) Conversation(ctx context.Context, id string) (Conversation, error) {
	c, err := s.store.Conversation(ctx, id)
	if err != nil {
		return Conversation{}, s.storeError(err)
	}
	msgs, err := s.store.Messages(ctx, id)
	if err != nil {
		return Conversation{}, s.storeError(err)
	}
	out := Conversation{ID: c.ID, Title: c.Title, Model: c.Model, Pinned: c.Pinned, Messages: make([]Message, 0, len(msgs))}
	for _, m := range msgs {
		out.Messages = append(out.Messages, messageView(m))
	}
	return out, nil
}

// ListConversations returns the sidebar rows: pinned first, then most recent.
func (s *Service) ListConversations(ctx context.Context) ([]ConversationSummary, error) {
	rows, err := s.store.ListConversations(ctx, 5000, 0)
	if err != nil {
		return nil, s.storeError(err)
	}
	out := make([]ConversationSummary, 0, len(rows))
	for _, r := range rows {
		out = append(out, ConversationSummary{ID: r.ID, Title: r.Title, Model: r.Model, Pinned: r.Pinned,
			TitleAuto: r.TitleAuto, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, MessageCount: r.MessageCount})
	}
	return out, nil
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

func messageView(m store.Message) Message {
	v := Message{ID: m.ID, Role: m.Role, Content: m.Content, Reasoning: m.Reasoning, Status: Status(m.Status),
		FinishReason: m.FinishReason, Model: m.Model, CreatedAt: m.CreatedAt}
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
