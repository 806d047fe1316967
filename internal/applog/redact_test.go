package applog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// secret deliberately does not look like an sk- key, so only the callback can catch it.
const secret = "my-very-private-dashscope-key-0042"

type creds struct {
	User  string
	Token string
}

type valuer struct{}

func (valuer) LogValue() slog.Value { return slog.StringValue("resolved " + secret) }

func TestRedactingHandler(t *testing.T) {
	skKey := "sk-" + strings.Repeat("a1B2", 8)
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		want string // a fragment the redacted line must still contain
	}{
		{"message", func(l *slog.Logger) { l.Info("using key " + secret) }, `"msg":"using key [redacted]"`},
		{"string attribute", func(l *slog.Logger) { l.Info("x", "auth", "Bearer "+secret) }, `"auth":"Bearer [redacted]"`},
		{"nested group", func(l *slog.Logger) {
			l.Info("x", slog.Group("req", slog.Group("headers", slog.String("authorization", secret))))
		}, `"req":{"headers":{"authorization":"[redacted]"}}`},
		{"attribute key", func(l *slog.Logger) { l.Info("x", secret, 1) }, `"[redacted]":1`},
		{"error value", func(l *slog.Logger) { l.Error("x", "err", fmt.Errorf("bad key %s: %w", secret, errors.New("401"))) }, `"err":"bad key [redacted]: 401"`},
		{"struct value", func(l *slog.Logger) { l.Info("x", "c", creds{"me", secret}) }, `[redacted]`},
		{"bytes value", func(l *slog.Logger) { l.Info("x", "body", []byte(`{"key":"`+secret+`"}`)) }, `[redacted]`},
		{"LogValuer", func(l *slog.Logger) { l.Info("x", "v", valuer{}) }, `"v":"resolved [redacted]"`},
		{"With attributes", func(l *slog.Logger) { l.With("key", secret).Info("x") }, `"key":"[redacted]"`},
		{"With inside group", func(l *slog.Logger) { l.WithGroup("g").With("key", secret).Info("x", "n", 1) }, `"g":{"key":"[redacted]","n":1}`},
		{"sk- pattern without callback knowledge", func(l *slog.Logger) { l.Info("pasted "+skKey, "k", skKey) }, `"msg":"pasted [redacted]","k":"[redacted]"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(NewRedactingHandler(slog.NewJSONHandler(&buf, nil), func() []string { return []string{secret, "", "short"} }))
			tt.log(l)
			line := buf.String()
			if strings.Contains(line, secret) || strings.Contains(line, skKey) {
				t.Fatalf("secret leaked: %s", line)
			}
			if !strings.Contains(line, tt.want) {
				t.Fatalf("line %s lacks %s", line, tt.want)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("not a JSON line: %v", err)
			}
		})
	}
}

// TestRedactsSecretLearnedLater covers a logger derived with With before the key was
// known (the app builds loggers at startup; the user saves a key afterwards).
func TestRedactsSecretLearnedLater(t *testing.T) {
	var buf bytes.Buffer
	var known []string
	l := slog.New(NewRedactingHandler(slog.NewJSONHandler(&buf, nil), func() []string { return known }))
	derived := l.With("cfg", "key="+secret)

	derived.Info("before")
	if !strings.Contains(buf.String(), secret) {
		t.Fatal("test setup: unknown secret should pass through")
	}
	buf.Reset()

	known = []string{secret}
	derived.Info("after")
	if strings.Contains(buf.String(), secret) || !strings.Contains(buf.String(), `"cfg":"key=[redacted]"`) {
		t.Fatalf("not redacted after the secret became known: %s", buf.String())
	}
}

func TestCleanValuesKeepTheirShape(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewRedactingHandler(slog.NewJSONHandler(&buf, nil), func() []string { return []string{secret} }))
	l.Info("hello", "n", 3, "ok", true, "c", creds{"me", "public"}, "short", "sk-abc")
	want := `"msg":"hello","n":3,"ok":true,"c":{"User":"me","Token":"public"},"short":"sk-abc"`
	if !strings.Contains(buf.String(), want) {
		t.Fatalf("got %s, want it to contain %s", buf.String(), want)
	}
}

func TestLevelIsPassedThrough(t *testing.T) {
	var buf bytes.Buffer
	h := NewRedactingHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}), nil)
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelError) {
		t.Fatal("Enabled should follow the wrapped handler")
	}
}
