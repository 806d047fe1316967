package main

import (
	"context"

	"qwendesk/internal/chat"
)

// Compare asks one question of two or three models at once, each with its own settings (model,
// system prompt, parameters). The answers stream as chat:* events of the returned turns' request
// ids, in the returned order; Stop takes each request id. They are stored as versions of one
// turn; PickReply continues with one of them.
func (a *App) Compare(conversationID, text string, columns []chat.ConversationSettings) ([]chat.Turn, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	if err := a.opened(); err != nil {
		return nil, err
	}
	if err := checkID(conversationID); err != nil {
		return nil, err
	}
	if len(columns) < chat.MinCompare || len(columns) > chat.MaxCompare {
		return nil, &chat.UserError{Kind: chat.KindInvalidInput, Message: "Compare two or three models."}
	}
	cols := make([]chat.CompareColumn, len(columns))
	ids := make([]string, len(columns))
	cancels := make([]context.CancelFunc, len(columns))
	for i, set := range columns {
		// One request id and cancel func per column, registered before anything streams, so
		// Stop on any of them works from the first event (and one column can be stopped alone).
		id := chat.NewID("req")
		ctx, cancel := context.WithCancel(a.root)
		a.inflight.Add(id, cancel)
		ids[i], cancels[i] = id, cancel
		cols[i] = chat.CompareColumn{Settings: set, RequestID: id, Ctx: ctx, OnEnd: func() {
			a.inflight.Done(id)
			cancel()
		}}
	}
	turns, err := a.chat.Compare(a.root, conversationID, text, cols)
	if err != nil {
		for i, id := range ids {
			a.inflight.Done(id)
			cancels[i]()
		}
		return nil, err
	}
	return turns, nil
}

// PickReply continues the conversation with one reply (of a comparison, or any version): it is
// shown with its newest continuation, and its model becomes the conversation's.
func (a *App) PickReply(conversationID, replyID string) (chat.Conversation, error) {
	if err := a.opened(); err != nil {
		return chat.Conversation{}, err
	}
	if err := checkID(conversationID); err != nil {
		return chat.Conversation{}, err
	}
	if err := checkID(replyID); err != nil {
		return chat.Conversation{}, err
	}
	return a.chat.Pick(a.root, conversationID, replyID)
}
