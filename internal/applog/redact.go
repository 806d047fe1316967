package applog

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
)

// redacted replaces every secret found in a log record.
const redacted = "[redacted]"

// minSecretLen keeps a short or empty "secret" from blanking out ordinary words.
const minSecretLen = 8

// keyPattern matches DashScope-style keys even when the secrets callback does not know
// them yet, e.g. a key pasted into a field that failed validation.
var keyPattern = regexp.MustCompile(`sk-[A-Za-z0-9]{16,}`)

// NewRedactingHandler wraps h so that any message, attribute key or attribute value
// (strings, errors, groups, and anything else by its printed or JSON form) containing one
// of secrets() (those of at least 8 bytes) or matching sk-[A-Za-z0-9]{16,} reaches h with
// that text replaced by "[redacted]". secrets may be nil and is called per record, so a
// key saved later is still caught, including in attributes added earlier via With.
// It is the last line of defence: code must still never log the key.
func NewRedactingHandler(h slog.Handler, secrets func() []string) slog.Handler {
	return &redactingHandler{base: h, secrets: secrets}
}

// redactingHandler keeps With/WithGroup calls as a list instead of passing them on at once,
// because the attributes must be redacted against the secrets known when a record is
// written, not when the logger was derived.
type redactingHandler struct {
	base    slog.Handler
	secrets func() []string
	ops     []op

	cache atomic.Pointer[built] // the replayed handler for the last secrets seen
}

// op is one WithAttrs (attrs != nil) or WithGroup (group != "") call.
type op struct {
	group string
	attrs []slog.Attr
}

type built struct {
	secrets []string
	h       slog.Handler
}

func (r *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return r.base.Enabled(ctx, l)
}

func (r *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return r
	}
	return r.with(op{attrs: slices.Clone(attrs)})
}

func (r *redactingHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return r
	}
	return r.with(op{group: name})
}

func (r *redactingHandler) with(o op) *redactingHandler {
	return &redactingHandler{base: r.base, secrets: r.secrets, ops: append(slices.Clip(r.ops), o)}
}

func (r *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	sc := r.scrubber()
	out := slog.NewRecord(rec.Time, rec.Level, sc.text(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(sc.attr(a))
		return true
	})
	return r.handler(sc.secrets).Handle(ctx, out)
}

// handler replays the With/WithGroup calls on the base handler with redacted attributes,
// reusing the previous result while the secrets are unchanged.
func (r *redactingHandler) handler(secrets []string) slog.Handler {
	if len(r.ops) == 0 {
		return r.base
	}
	if b := r.cache.Load(); b != nil && slices.Equal(b.secrets, secrets) {
		return b.h
	}
	sc := scrubber{secrets: secrets}
	h := r.base
	for _, o := range r.ops {
		if o.group != "" {
			h = h.WithGroup(o.group)
			continue
		}
		attrs := make([]slog.Attr, len(o.attrs))
		for i, a := range o.attrs {
			attrs[i] = sc.attr(a)
		}
		h = h.WithAttrs(attrs)
	}
	r.cache.Store(&built{secrets: secrets, h: h})
	return h
}

func (r *redactingHandler) scrubber() scrubber {
	var s []string
	if r.secrets != nil {
		for _, v := range r.secrets() {
			if len(v) >= minSecretLen {
				s = append(s, v)
			}
		}
	}
	return scrubber{secrets: s}
}

type scrubber struct{ secrets []string }

func (s scrubber) text(v string) string {
	for _, sec := range s.secrets {
		v = strings.ReplaceAll(v, sec, redacted)
	}
	return keyPattern.ReplaceAllString(v, redacted)
}

func (s scrubber) leaks(v string) bool {
	for _, sec := range s.secrets {
		if strings.Contains(v, sec) {
			return true
		}
	}
	return keyPattern.MatchString(v)
}

func (s scrubber) attr(a slog.Attr) slog.Attr {
	a.Key = s.text(a.Key)
	v := a.Value.Resolve() // a LogValuer could produce the secret only when resolved
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(s.text(v.String()))
	case slog.KindGroup:
		group := v.Group()
		out := make([]slog.Attr, len(group))
		for i, g := range group {
			out[i] = s.attr(g)
		}
		a.Value = slog.GroupValue(out...)
	case slog.KindAny:
		a.Value = s.anyValue(v)
	default:
		a.Value = v // numbers, bools, times and durations cannot hold a key
	}
	return a
}

// anyValue checks the ways the JSON and text handlers print v (error text, raw bytes, fmt
// and JSON) and, only if one of them leaks, replaces v with its redacted printed form.
// Clean values keep their type so the log stays structured.
func (s scrubber) anyValue(v slog.Value) slog.Value {
	x := v.Any()
	var forms []string
	switch t := x.(type) {
	case error:
		forms = append(forms, t.Error())
	case []byte:
		forms = append(forms, string(t))
	}
	printed := fmt.Sprintf("%+v", x)
	forms = append(forms, printed)
	if b, err := json.Marshal(x); err == nil {
		forms = append(forms, string(b))
	}
	for _, f := range forms {
		if s.leaks(f) {
			return slog.StringValue(s.text(forms[0]))
		}
	}
	return v
}
