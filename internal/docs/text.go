package docs

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// decodeText turns bytes into a string and names the encoding it assumed: a BOM wins, then
// valid UTF-8, then GB18030 (what Chinese Windows still saves as "ANSI"; it is a superset of
// GBK and GB2312). Anything with NUL bytes, control characters or undecodable sequences is
// binary and rejected.
func decodeText(name string, data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		s := string(data[3:])
		if !utf8.ValidString(s) {
			return "", "", errCorrupt(name, nil, "it starts as UTF-8 but is not valid UTF-8")
		}
		return s, "UTF-8 (BOM)", checkPrintable(name, s)
	case bytes.HasPrefix(data, []byte("\xFF\xFE")):
		s := decodeUTF16(data[2:], false)
		return s, "UTF-16LE", checkPrintable(name, s)
	case bytes.HasPrefix(data, []byte("\xFE\xFF")):
		s := decodeUTF16(data[2:], true)
		return s, "UTF-16BE", checkPrintable(name, s)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", notText(name)
	}
	if utf8.Valid(data) {
		s := string(data)
		return s, "UTF-8", checkPrintable(name, s)
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", "", notText(name)
	}
	s := string(out)
	return s, "GB18030", checkPrintable(name, s)
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// checkPrintable rejects decoded text with more than a trace of control characters: such
// "text" is a binary file that happened to decode.
func checkPrintable(name, s string) error {
	bad, total := 0, 0
	for _, r := range s {
		total++
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' && r != '\f' && r != '\v' && r != 0x1b) {
			bad++
		}
	}
	if bad > 0 && bad*100 > total {
		return notText(name)
	}
	return nil
}

func notText(name string) *Error {
	return newError(KindUnsupported, name, nil,
		"%s is not a document this app can read: it is binary, not text in UTF-8 or GB18030.", name)
}

func extractText(name string, kind Type, data []byte) (*Document, error) {
	s, enc, err := decodeText(name, data)
	if err != nil {
		return nil, err
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	d := &Document{Encoding: enc}
	switch kind {
	case TypeHTML:
		s = htmlToText(s)
	case TypeCode:
		d.Language = codeLanguages[ext(name)]
		if d.Language == "" {
			d.Language = codeLanguages[lowerBase(name)]
		}
	}
	d.Parts = []Part{{Label: "document", Text: s}}
	return d, nil
}

// blockTags end a line in readable text; headings and list items also get a Markdown prefix.
var blockTags = map[string]string{
	"p": "", "div": "", "br": "", "tr": "", "section": "", "article": "", "header": "",
	"footer": "", "table": "", "blockquote": "> ", "pre": "", "hr": "",
	"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### ",
	"li": "- ", "dt": "", "dd": "  ",
}

// htmlToText keeps what a reader sees: text, line breaks at blocks, headings and list items
// marked in Markdown. Scripts, styles and the head (but its title) are dropped.
func htmlToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0
	newline := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return collapseBlankLines(b.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			tn, _ := z.TagName()
			t := string(tn)
			if t == "script" || t == "style" || t == "noscript" || t == "template" {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if prefix, ok := blockTags[t]; ok {
				newline()
				b.WriteString(prefix)
			} else if t == "td" || t == "th" {
				b.WriteString(" | ")
			}
		case html.EndTagToken:
			tn, _ := z.TagName()
			t := string(tn)
			if t == "script" || t == "style" || t == "noscript" || t == "template" {
				if skip > 0 {
					skip--
				}
				continue
			}
			if _, ok := blockTags[t]; ok || t == "title" {
				newline()
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := strings.Join(strings.Fields(string(z.Text())), " ")
			if t == "" {
				continue
			}
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	}
}

func collapseBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// EstimateTokens guesses how many tokens Qwen's tokenizer makes of s, which is not available
// here. The heuristic leans high so that "will it fit" errs on the safe side: every CJK
// character (Han, kana, Hangul, CJK and full-width punctuation) counts as one token, which is
// the most it takes (common Chinese words merge into fewer); everything else counts as a
// quarter token per character, the usual figure for English and code.
func EstimateTokens(s string) int {
	cjk, other := 0, 0
	for _, r := range s {
		if isCJK(r) {
			cjk++
		} else {
			other++
		}
	}
	return cjk + (other+3)/4
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// extractCSV reads comma-, semicolon- or tab-separated text in any encoding decodeText
// accepts (Excel in China saves CSV as GB18030) into one Markdown table with the row cap.
func extractCSV(ctx context.Context, name string, data []byte, lim Limits) (*Document, error) {
	s, enc, err := decodeText(name, data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = guessDelimiter(s, ext(name))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	t := newTable(lim)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errCorrupt(name, err, "a line is not valid CSV")
		}
		t.add(rec)
	}
	d := &Document{Encoding: enc, Sheets: 1}
	label := strings.TrimSuffix(name, "."+ext(name))
	d.Parts = []Part{{Label: label, Text: t.markdown()}}
	d.Truncated = t.truncated()
	return d, nil
}

func guessDelimiter(s, e string) rune {
	if e == "tsv" {
		return '\t'
	}
	first, _, _ := strings.Cut(s, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, c := range []rune{';', '\t'} {
		if k := strings.Count(first, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}
