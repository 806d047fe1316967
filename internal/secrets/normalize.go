package secrets

import (
	"strings"
	"unicode/utf8"
)

// Limits on a normalized key. DashScope keys are "sk-" and 32 hex digits; the bounds only
// catch pastes that are clearly something else.
const (
	minKeyLen = 8
	maxKeyLen = 512
)

// InputError rejects a key the user typed or pasted, or one found in the environment or a
// .env file. Reason is a stable code for the UI and translations: "empty", "multiline",
// "invalid_chars", "too_long", "too_short", or (environment and .env only) "wrong_prefix".
// Neither field ever contains the key.
type InputError struct {
	Reason string
}

func (e *InputError) Error() string {
	switch e.Reason {
	case "empty":
		return "The API key is empty."
	case "multiline":
		return "The API key spans several lines; paste only the key."
	case "invalid_chars":
		return "The API key contains spaces or characters that cannot be part of a key."
	case "too_long":
		return "The API key is too long to be a DashScope key (more than 512 characters)."
	case "too_short":
		return "The API key is too short to be a DashScope key (fewer than 8 characters)."
	case "wrong_prefix":
		return "The API key does not start with \"sk-\" as DashScope keys do."
	default:
		return "The API key is not valid."
	}
}

// Normalize cleans a pasted key: it trims surrounding whitespace and one pair of matching
// quotes and drops a leading "Bearer " (people paste whole header values). It returns an
// *InputError when what remains cannot be a key.
func Normalize(raw string) (string, error) {
	k := strings.TrimSpace(raw)
	if len(k) >= 2 && (k[0] == '"' || k[0] == '\'') && k[len(k)-1] == k[0] {
		k = strings.TrimSpace(k[1 : len(k)-1])
	}
	if len(k) >= 7 && strings.EqualFold(k[:7], "bearer ") {
		k = strings.TrimSpace(k[7:])
	}

	switch {
	case k == "":
		return "", &InputError{Reason: "empty"}
	case strings.ContainsAny(k, "\r\n"):
		return "", &InputError{Reason: "multiline"}
	case !printableASCII(k):
		return "", &InputError{Reason: "invalid_chars"}
	case utf8.RuneCountInString(k) > maxKeyLen:
		return "", &InputError{Reason: "too_long"}
	case utf8.RuneCountInString(k) < minKeyLen:
		return "", &InputError{Reason: "too_short"}
	}
	return k, nil
}

// printableASCII rejects spaces, control characters, quotes and anything non-ASCII: keys
// are plain ASCII, and pasting from web pages or an IME often smuggles in zero-width or
// full-width characters or a stray quote that would make every request fail with a
// confusing 401.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c > '~' || c == '"' || c == '\'' || c == '`' {
			return false
		}
	}
	return true
}
