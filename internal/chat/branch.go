package chat

import "qwendesk/internal/store"

// A conversation is a tree: a regenerated reply is a sibling of the first (same parent, the
// question), an edited question a sibling of the original (same parent). What is shown, and
// what is sent as context, is the path from the root to the conversation's active leaf.

// tree indexes a conversation's messages (in creation order) by id and by parent.
type tree struct {
	byID     map[string]store.Message
	children map[string][]store.Message // parent id ("" for roots) → children, oldest first
	newest   string
}

func newTree(msgs []store.Message) tree {
	t := tree{byID: make(map[string]store.Message, len(msgs)), children: map[string][]store.Message{}}
	for _, m := range msgs {
		t.byID[m.ID] = m
		t.children[m.ParentID] = append(t.children[m.ParentID], m)
		t.newest = m.ID
	}
	return t
}

// pathTo returns the messages from the root down to id (inclusive); nil if id is unknown.
func (t tree) pathTo(id string) []store.Message {
	var rev []store.Message
	seen := map[string]bool{}
	for m, ok := t.byID[id]; ok && !seen[m.ID]; m, ok = t.byID[m.ParentID] {
		seen[m.ID] = true // a corrupt cycle must not hang the app
		rev = append(rev, m)
	}
	out := make([]store.Message, len(rev))
	for i, m := range rev {
		out[len(rev)-1-i] = m
	}
	return out
}

// active returns the path on screen: to the stored leaf, or to the newest message when the
// leaf is unset or gone.
func (t tree) active(leaf string) []store.Message {
	if _, ok := t.byID[leaf]; !ok {
		leaf = t.newest
	}
	return t.pathTo(leaf)
}

// deepestNewest follows the newest child from id down to a leaf: choosing a version shows
// the latest continuation of that version.
func (t tree) deepestNewest(id string) string {
	for {
		kids := t.children[id]
		if len(kids) == 0 {
			return id
		}
		id = kids[len(kids)-1].ID
	}
}

// Versions tells the window that a message has siblings it can page through (‹ 2/3 ›).
type Versions struct {
	Index int      `json:"index"` // 0-based position of this message among its siblings
	Count int      `json:"count"`
	IDs   []string `json:"ids"` // the siblings, oldest first
}

// versionsOf lists m's siblings of the same role; nil when it has none.
func (t tree) versionsOf(m store.Message) *Versions {
	var ids []string
	idx := 0
	for _, s := range t.children[m.ParentID] {
		if s.Role != m.Role {
			continue
		}
		if s.ID == m.ID {
			idx = len(ids)
		}
		ids = append(ids, s.ID)
	}
	if len(ids) < 2 {
		return nil
	}
	return &Versions{Index: idx, Count: len(ids), IDs: ids}
}
