package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"qwendesk/internal/chat"
	"qwendesk/internal/store"
)

// Desktop is what the app asks of the operating system: native file dialogs and showing a
// folder. main wires the Wails/OS version; tests pass a fake.
type Desktop interface {
	// SaveFile asks where to save; "" means the user cancelled.
	SaveFile(title, defaultName, pattern string) (string, error)
	// OpenFile asks which file to open; "" means the user cancelled.
	OpenFile(title, pattern string) (string, error)
	// Reveal shows a folder in the system file manager.
	Reveal(dir string) error
}

// maxImportBytes bounds an import file; real exports of years of chats are far smaller.
const maxImportBytes = 512 << 20

// ListConversations returns one page of the sidebar rows, pinned first, then most recent:
// up to limit rows after cursor ("" for the first page), and the cursor of the next page
// ("" when there is no more).
func (a *App) ListConversations(cursor string, limit int) (chat.ConversationPage, error) {
	if err := a.opened(); err != nil {
		return chat.ConversationPage{}, err
	}
	if limit < 1 || limit > store.MaxPageRows {
		return chat.ConversationPage{}, &chat.UserError{Kind: chat.KindInvalidInput,
			Message: fmt.Sprintf("A page of the conversation list has 1 to %d rows.", store.MaxPageRows)}
	}
	// Cursors are short ("1.<nanoseconds>.<rowid>"); anything long did not come from Go.
	if len(cursor) > 64 {
		return chat.ConversationPage{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: "That is not a conversation list cursor."}
	}
	return a.chat.ConversationsPage(a.root, cursor, limit)
}

// RenameConversation sets a title the user typed.
func (a *App) RenameConversation(id, title string) error {
	if err := a.opened(); err != nil {
		return err
	}
	if err := checkID(id); err != nil {
		return err
	}
	return a.chat.Rename(a.root, id, title)
}

// PinConversation pins or unpins a conversation.
func (a *App) PinConversation(id string, pinned bool) error {
	if err := a.opened(); err != nil {
		return err
	}
	if err := checkID(id); err != nil {
		return err
	}
	return a.chat.SetPinned(a.root, id, pinned)
}

// DeleteConversation removes a conversation; RestoreConversation undoes it until restart.
func (a *App) DeleteConversation(id string) error {
	if err := a.opened(); err != nil {
		return err
	}
	if err := checkID(id); err != nil {
		return err
	}
	return a.chat.Delete(a.root, id)
}

// RestoreConversation undoes DeleteConversation.
func (a *App) RestoreConversation(id string) error {
	if err := a.opened(); err != nil {
		return err
	}
	if err := checkID(id); err != nil {
		return err
	}
	return a.chat.Restore(a.root, id)
}

// maxQueryRunes bounds a search query.
const maxQueryRunes = 200

// Search looks through every message and title, in any language. A title match is the
// group's TitleMatch, so the store's title hit is not listed again as a message.
func (a *App) Search(query string) ([]store.SearchGroup, error) {
	if err := a.opened(); err != nil {
		return nil, err
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return []store.SearchGroup{}, nil
	}
	if len([]rune(query)) > maxQueryRunes {
		return nil, &chat.UserError{Kind: chat.KindInvalidInput, Message: fmt.Sprintf("A search can be at most %d characters.", maxQueryRunes)}
	}
	// The palette searches as the user types: this search ends the one before it, so a query
	// typed past is never waited on.
	ctx, done := a.searches.Begin(a.root)
	defer done()
	groups, err := a.history.Search(ctx, query, 100)
	if err != nil {
		if ctx.Err() != nil && a.root.Err() == nil {
			return nil, &chat.UserError{Kind: chat.KindSuperseded, Message: "A newer search replaced this one.", Err: err}
		}
		return nil, a.storageError(err)
	}
	for i := range groups {
		groups[i].Hits = slices.DeleteFunc(groups[i].Hits, func(h store.SearchHit) bool { return h.MessageID == "" })
	}
	return groups, nil
}

// ExportConversations saves the given conversations (all when ids is empty) as "markdown" or
// "json" where the user chooses. It returns the path, or "" if the user cancelled.
func (a *App) ExportConversations(ids []string, format string) (string, error) {
	if err := a.opened(); err != nil {
		return "", err
	}
	if len(ids) > 100_000 {
		return "", &chat.UserError{Kind: chat.KindInvalidInput, Message: "Too many conversations in one export."}
	}
	for _, id := range ids {
		if err := checkID(id); err != nil {
			return "", err
		}
	}
	var ext, pattern string
	switch format {
	case "markdown":
		ext, pattern = ".md", "*.md"
	case "json":
		ext, pattern = ".json", "*.json"
	default:
		return "", &chat.UserError{Kind: chat.KindInvalidInput, Message: "Export as markdown or json."}
	}
	name := "QwenDesk-" + time.Now().Format("2006-01-02") + ext
	if len(ids) == 1 {
		if c, err := a.history.Conversation(a.root, ids[0]); err == nil && c.Title != "" {
			name = safeFileName(c.Title) + ext
		}
	}
	path, err := a.desktop.SaveFile("Export conversations", name, pattern)
	if err != nil || path == "" {
		return "", err
	}
	var buf bytes.Buffer
	if format == "json" {
		err = a.history.ExportJSON(a.root, &buf, ids)
	} else {
		err = a.history.ExportMarkdown(a.root, &buf, ids)
	}
	if err != nil {
		return "", a.storageError(err)
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return "", &chat.UserError{Kind: chat.KindExport, Message: "The export could not be written: " + err.Error(), Err: err}
	}
	a.log.Info("exported", "format", format, "conversations", len(ids), "bytes", buf.Len())
	return path, nil
}

// ImportResult says what an import added.
type ImportResult struct {
	Conversations int  `json:"conversations"`
	Messages      int  `json:"messages"`
	Renamed       int  `json:"renamed"`
	Cancelled     bool `json:"cancelled"`
}

// ImportConversations reads a QwenDesk JSON export the user picks. A malformed file changes
// nothing and the error says what is wrong with it.
func (a *App) ImportConversations() (ImportResult, error) {
	if err := a.opened(); err != nil {
		return ImportResult{}, err
	}
	path, err := a.desktop.OpenFile("Import conversations", "*.json")
	if err != nil {
		return ImportResult{}, err
	}
	if path == "" {
		return ImportResult{Cancelled: true}, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return ImportResult{}, &chat.UserError{Kind: chat.KindImport, Message: "The file cannot be read: " + err.Error(), Err: err}
	}
	if info.Size() > maxImportBytes {
		return ImportResult{}, &chat.UserError{Kind: chat.KindImport, Message: fmt.Sprintf("The file is %d MiB; imports are limited to %d MiB.", info.Size()>>20, maxImportBytes>>20)}
	}
	f, err := os.Open(path)
	if err != nil {
		return ImportResult{}, &chat.UserError{Kind: chat.KindImport, Message: "The file cannot be read: " + err.Error(), Err: err}
	}
	defer f.Close()
	rep, err := a.history.ImportJSON(a.root, f)
	if err != nil {
		var ie *store.ImportError
		if errors.As(err, &ie) {
			return ImportResult{}, &chat.UserError{Kind: chat.KindImport, Message: "This file cannot be imported: " + ie.Reason, Err: err}
		}
		return ImportResult{}, a.storageError(err)
	}
	a.log.Info("imported", "conversations", rep.Conversations, "messages", rep.Messages, "renamed", rep.Renamed)
	a.chat.Changed("", "imported")
	return ImportResult{Conversations: rep.Conversations, Messages: rep.Messages, Renamed: rep.Renamed}, nil
}

// RevealDataFolder opens the data folder in the system file manager.
func (a *App) RevealDataFolder() error {
	return a.desktop.Reveal(a.dataDir)
}

func (a *App) storageError(err error) error {
	a.log.Error("history store", "error", err.Error())
	return chat.StorageFailure(err)
}

// safeFileName turns a title into a file name that every OS accepts.
func safeFileName(title string) string {
	name := strings.Map(func(r rune) rune {
		if r < ' ' || strings.ContainsRune(`<>:"/\|?*`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(title))
	if r := []rune(name); len(r) > 60 {
		name = string(r[:60])
	}
	if name == "" || name == "." || name == ".." {
		return "conversation"
	}
	return name
}

// writeFileAtomic writes data next to path and renames it into place, so a failed export
// never leaves half a file where a good one was.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".qwendesk-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
