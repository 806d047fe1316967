package secrets

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	const key = "sk-" + "0123456789abcdef0123456789abcdef" // split so no key-shaped string is committed
	tests := []struct {
		name, raw, want, reason string
	}{
		{"plain", key, key, ""},
		{"surrounding spaces and newline", "  " + key + "\r\n", key, ""},
		{"double quotes", `"` + key + `"`, key, ""},
		{"single quotes with inner padding", `' ` + key + ` '`, key, ""},
		{"bearer prefix", "Bearer " + key, key, ""},
		{"lower-case bearer inside quotes", `"bearer ` + key + `"`, key, ""},
		{"mismatched quotes", `"` + key + `'`, "", "invalid_chars"},
		{"exactly 8", "abcdefgh", "abcdefgh", ""},
		{"exactly 512", strings.Repeat("a", 512), strings.Repeat("a", 512), ""},
		{"empty", "", "", "empty"},
		{"only spaces", " \t ", "", "empty"},
		{"empty quotes", `""`, "", "empty"},
		{"bare bearer", "Bearer  ", "", "too_short"},
		{"two lines", key + "\n" + key, "", "multiline"},
		{"CR inside", "sk-abc\rdef12345", "", "multiline"},
		{"inner space", "sk-abc def12345", "", "invalid_chars"},
		{"tab inside", "sk-abc\tdef12345", "", "invalid_chars"},
		{"control char", "sk-abc\x00def12345", "", "invalid_chars"},
		{"zero-width space", "sk-abc\u200bdef12345", "", "invalid_chars"},
		{"full-width letter", "sk-abcｄef12345", "", "invalid_chars"},
		{"too long", strings.Repeat("a", 513), "", "too_long"},
		{"too short", "sk-1234", "", "too_short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.raw)
			if tt.reason == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Normalize = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Reason != tt.reason {
				t.Fatalf("err = %v, want reason %q", err, tt.reason)
			}
			if got != "" {
				t.Fatalf("returned %q alongside an error", got)
			}
			msg := err.Error()
			if !strings.HasSuffix(msg, ".") || strings.Contains(msg, "sk-") || strings.Contains(msg, "abc") {
				t.Fatalf("message %q should be a sentence without the key", msg)
			}
		})
	}
}
