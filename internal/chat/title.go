package chat

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"

	"qwendesk/internal/qwen"
)

// titleInstruction asks for a title in the conversation's own language. The request goes
// out non-streaming with thinking off (DashScope rejects thinking on non-streaming calls).
const titleInstruction = "Write a short title (at most 8 words, or 15 Chinese characters) for the conversation below. " +
	"Use the language of the conversation. Reply with the title only: no quotes, no punctuation at the end."

// titleTimeout bounds the whole naming call; a title is never worth a long wait.
const titleTimeout = 30 * time.Second

// nameLater asks a cheap model for a title after the first exchange, on its own goroutine.
// A failure only leaves the provisional title in place: it never disturbs the chat.
func (s *Service) nameLater(convID, key, question, answer string) {
	if s.cfg.Titles == nil {
		return
	}
	opts := s.cfg.Titles()
	if !opts.Enabled || strings.TrimSpace(opts.Model) == "" {
		return
	}
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		ctx, cancel := context.WithTimeout(context.Background(), titleTimeout)
		defer cancel()
		raw, err := s.cfg.Streamer.Complete(ctx, key, qwen.Request{
			Model: opts.Model,
			Messages: []qwen.Message{
				{Role: "system", Content: titleInstruction},
				{Role: RoleUser, Content: shorten(question, 1000) + "\n\n---\n\n" + shorten(answer, 1000)},
			},
		})
		title := cleanTitle(raw)
		if err != nil || title == "" {
			s.log.Info("automatic title skipped", "conversation", convID, "kind", errorKindOf(err))
			return
		}
		c, err := s.store.Conversation(ctx, convID)
		if err != nil || !c.TitleAuto {
			return // deleted, or renamed by the user meanwhile: their title wins
		}
		c.Title = title
		if err := s.store.UpdateConversation(ctx, c); err != nil {
			s.log.Warn("automatic title not saved", "conversation", convID, "error", err.Error())
			return
		}
		s.changed(convID, "title")
	}()
}

// cleanTitle keeps the first line, without surrounding quotes, markdown or final
// punctuation, and bounded.
func cleanTitle(raw string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(raw), "\n")
	line = strings.TrimSpace(strings.TrimLeft(line, "#*> "))
	line = strings.TrimPrefix(strings.TrimPrefix(line, "Title:"), "标题：")
	line = strings.TrimFunc(line, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"'“”‘’「」《》*`, r)
	})
	line = strings.TrimRightFunc(line, func(r rune) bool { return strings.ContainsRune(".。!！?？,，;；:：", r) })
	return shorten(line, 60)
}

func errorKindOf(err error) string {
	if err == nil {
		return "empty"
	}
	if k := KindOf(err); k != KindInternal {
		return k
	}
	var apiErr *qwen.APIError
	if errors.As(err, &apiErr) {
		return string(apiErr.Kind)
	}
	return KindInternal
}
