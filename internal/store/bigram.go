package store

import (
	"database/sql/driver"
	"strings"
	"unicode"

	"modernc.org/sqlite"
)

// bigramFunc is the SQL name of cjkBigrams. Triggers and the v4 migration call it, so it is
// registered on the driver at package init, before any connection opens (the driver only
// installs functions on connections it opens afterwards). A tool opening history.db without
// it can read the file but not write messages.
const bigramFunc = "qwendesk_cjk_bigrams"

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(bigramFunc, 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return cjkBigrams(v), nil
			case []byte:
				return cjkBigrams(string(v)), nil
			}
			return "", nil // NULL or a number: nothing worth indexing
		})
}

// isCJK reports the scripts written without spaces between words, which unicode61 would
// otherwise index as one token per run.
func isCJK(r rune) bool {
	// Below U+1100 (Hangul Jamo) nothing qualifies: skip the table lookups for Latin text.
	return r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// allCJK reports whether term is non-empty and written entirely in those scripts.
func allCJK(term string) bool {
	for _, r := range term {
		if !isCJK(r) {
			return false
		}
	}
	return term != ""
}

// cjkBigrams is the text messages_bigram indexes: each CJK run becomes its overlapping
// bigrams and its single characters, so unicode61 sees every 1- and 2-character substring
// of the run as a whole token (a search for 天气 is then a token lookup, not a scan). Other
// text is dropped: only CJK terms are looked up here (short Latin terms keep their
// substring scan, which a word index could not answer), and leaving it out keeps the index
// and the one-time backfill small.
//
//	今天天气很好 ok → 今天 天天 天气 气很 很好 今 天 天 气 很 好
func cjkBigrams(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 3)
	// Only token boundaries matter to unicode61, so whitespace runs become one space.
	spaced := true
	space := func() {
		if !spaced {
			b.WriteByte(' ')
			spaced = true
		}
	}
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		space() // keeps the run apart from adjacent Latin text ("Go语言")
		for i := 0; i+1 < len(run); i++ {
			b.WriteRune(run[i])
			b.WriteRune(run[i+1])
			b.WriteByte(' ')
		}
		for _, r := range run {
			b.WriteRune(r)
			b.WriteByte(' ')
		}
		run = run[:0]
	}
	for _, r := range s {
		switch {
		case isCJK(r):
			run = append(run, r)
		default:
			flush()
			space()
		}
	}
	flush()
	return strings.TrimSuffix(b.String(), " ")
}
