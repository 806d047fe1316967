package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"qwendesk/internal/buildinfo"
	"qwendesk/internal/chat"
	"qwendesk/internal/secrets"
	"qwendesk/internal/settings"
	"qwendesk/internal/store"
)

// namedEvents records event names with their payloads, as the window would receive them.
type namedEvents struct {
	mu     sync.Mutex
	names  []string
	states []StartupState
}

func (e *namedEvents) Emit(name string, payload any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.names = append(e.names, name)
	st, _ := payload.(StartupState)
	e.states = append(e.states, st)
}

func (e *namedEvents) of(name string) []StartupState {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []StartupState
	for i, n := range e.names {
		if n == name {
			out = append(out, e.states[i])
		}
	}
	return out
}

func (e *namedEvents) waitFor(t *testing.T, name string) StartupState {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if got := e.of(name); len(got) > 0 {
			return got[len(got)-1]
		}
	}
	t.Fatalf("no %s event", name)
	return StartupState{}
}

// newOpeningApp is the App as main builds it: the window is up, the history not yet open.
func newOpeningApp(t *testing.T) (*App, *namedEvents, string) {
	t.Helper()
	dataDir := t.TempDir()
	ev := &namedEvents{}
	keys := secrets.New(secrets.Options{Keyring: secrets.NewMemoryKeyring(), Getenv: func(string) string { return "" }, DotEnvDirs: []string{dataDir}})
	app := NewApp(AppConfig{Keys: keys, Desktop: &fakeDesktop{}, Emitter: ev, DataDir: dataDir,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Build: buildinfo.Read("v0.2.0", "")})
	app.startup(context.Background())
	return app, ev, dataDir
}

// realServices opens what openServices opens, in dir.
func realServices(t *testing.T, dir string, problems ...string) services {
	t.Helper()
	history, _, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prefs, _, err := settings.Open(context.Background(), history, dir)
	if err != nil {
		t.Fatal(err)
	}
	return services{history: history, settings: prefs, problems: problems}
}

// worksBeforeOpen are the bound methods that need nothing from the history file. Any other
// method, including ones added later, must answer KindStarting until it is open: this test
// calls them all, so a new method that reads a.history unguarded panics here (it is nil).
var worksBeforeOpen = map[string]bool{
	"Startup": true, "Stop": true, "SaveKey": true, "DeleteKey": true, "RevealDataFolder": true,
	// The tool layer keeps mcp.json and the servers, not the history.
	"ToolsOverview": true, "PreviewToolServer": true, "PreviewPastedToolServers": true, "AddToolServer": true,
	"AddPastedToolServers": true, "ToolServerInput": true, "EditToolServer": true, "RemoveToolServer": true,
	"SetToolServerEnabled": true, "SetToolEnabled": true, "SetToolAutoApprove": true, "RestartToolServer": true,
	"ReloadToolsConfig": true, "ReplaceBrokenToolsConfig": true, "AnswerToolApproval": true, "PendingToolApprovals": true,
	// Reading a file into a chip happens in memory; sending it or sizing it against the
	// conversation waits for the history.
	"AttachFiles": true, "AttachData": true, "PreviewDocument": true, "DocumentPagesAsImages": true,
	"SaveFile": true, // a diagram or preview the window already shows, through the save dialog
}

func TestEveryBoundMethodIsSafeBeforeTheHistoryIsOpen(t *testing.T) {
	app, _, _ := newOpeningApp(t)
	app.openInBackground(func(ctx context.Context, _ func(store.Progress)) (services, error) {
		<-ctx.Done() // still migrating when the test ends
		return services{}, ctx.Err()
	})
	t.Cleanup(func() {
		app.shutdown(context.Background())
		app.closeServices()
	})

	v := reflect.ValueOf(app)
	var wg sync.WaitGroup
	for i := 0; i < v.NumMethod(); i++ {
		m, name := v.Method(i), v.Type().Method(i).Name
		wg.Add(1)
		// In parallel: each guarded call waits startupWait before giving up.
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s before the history is open: panic %v", name, r)
				}
			}()
			args := make([]reflect.Value, m.Type().NumIn())
			for j := range args {
				args[j] = reflect.Zero(m.Type().In(j))
			}
			out := m.Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			if worksBeforeOpen[name] {
				return
			}
			if kindOf(err) != chat.KindStarting {
				t.Errorf("%s before the history is open: error %v, want kind %q", name, err, chat.KindStarting)
			}
		}()
	}
	wg.Wait()
}

// The window hears the progress while the history opens, then that it is ready; Status,
// refused meanwhile, then answers with the problems found while opening.
func TestStartupReportsProgressThenReady(t *testing.T) {
	app, ev, dir := newOpeningApp(t)
	release := make(chan struct{})
	app.openInBackground(func(ctx context.Context, progress func(store.Progress)) (services, error) {
		progress(store.Progress{Phase: store.PhaseChecking})
		for done := int64(0); done <= 1000; done++ {
			progress(store.Progress{Phase: store.PhaseMigrating, FromVersion: 3, ToVersion: 5, Version: 4, Step: "cjk bigram index", Done: done, Total: 1000})
		}
		progress(store.Progress{Phase: store.PhaseMigrating, FromVersion: 3, ToVersion: 5, Version: 5, Step: "tool calls"})
		<-release
		return realServices(t, dir, "The history file could not be read and was moved aside."), nil
	})
	t.Cleanup(func() {
		app.shutdown(context.Background())
		app.closeServices()
	})

	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if st, _ := app.Startup(); st.Progress.Step == "tool calls" {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("Startup never reached the last step: %+v", st)
		}
	}
	if _, err := app.Status(); kindOf(err) != chat.KindStarting {
		t.Fatalf("Status while opening: %v", err)
	}
	prog := ev.of(EventStartup)
	var steps []string
	for _, st := range prog {
		if st.Ready || st.Version != "0.2.0" {
			t.Fatalf("progress event %+v", st)
		}
		if n := len(steps); n == 0 || steps[n-1] != string(st.Progress.Phase)+"/"+st.Progress.Step {
			steps = append(steps, string(st.Progress.Phase)+"/"+st.Progress.Step)
		}
	}
	// Every phase and step is named, however quick; a thousand reports are not a thousand
	// scripts run in the webview; and the step's end (100%) is never dropped.
	if fmt.Sprint(steps) != "[checking/ migrating/cjk bigram index migrating/tool calls]" {
		t.Fatalf("steps shown: %v", steps)
	}
	if len(prog) > 20 {
		t.Fatalf("%d progress events for 1000 reports", len(prog))
	}
	if last := prog[len(prog)-2].Progress; last.Done != 1000 {
		t.Fatalf("the v4 step's last event says %d of 1000", last.Done)
	}
	if len(ev.of(EventReady)) != 0 {
		t.Fatal("ready before the history was open")
	}

	close(release)
	if st := ev.waitFor(t, EventReady); !st.Ready || st.Failed != "" {
		t.Fatalf("ready event %+v", st)
	}
	if st, _ := app.Startup(); !st.Ready {
		t.Fatalf("Startup after ready: %+v", st)
	}
	st, err := app.Status()
	if err != nil || len(st.Problems) != 1 {
		t.Fatalf("Status after ready: %+v %v", st.Problems, err)
	}
	if _, err := app.NewConversation(); err != nil {
		t.Fatalf("NewConversation after ready: %v", err)
	}
}

// A quit during the migration cancels it and waits for it to stop before the process ends;
// a cancel is not reported to the window as a failure.
func TestQuitWhileOpeningCancelsAndWaits(t *testing.T) {
	app, ev, _ := newOpeningApp(t)
	stopped := make(chan struct{})
	app.openInBackground(func(ctx context.Context, progress func(store.Progress)) (services, error) {
		<-ctx.Done()
		time.Sleep(100 * time.Millisecond) // a rollback takes a moment
		close(stopped)
		return services{}, fmt.Errorf("store: migration cancelled: %w", ctx.Err())
	})
	app.shutdown(context.Background())
	finished := make(chan struct{})
	go func() { app.closeServices(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("closeServices did not return after a quit during opening")
	}
	select {
	case <-stopped:
	default:
		t.Fatal("closeServices returned before the migration stopped")
	}
	if got := ev.of(EventReady); len(got) != 0 {
		t.Fatalf("a cancelled start was reported: %+v", got)
	}
}

// A history that cannot be opened at all (not even on a temporary file) is said in the
// window, and the rest of the API keeps refusing instead of crashing.
func TestFailedOpenReachesTheWindow(t *testing.T) {
	app, ev, _ := newOpeningApp(t)
	app.openInBackground(func(context.Context, func(store.Progress)) (services, error) {
		return services{}, errors.New("open the history file in /x: disk I/O error")
	})
	t.Cleanup(func() {
		app.shutdown(context.Background())
		app.closeServices()
	})
	st := ev.waitFor(t, EventReady)
	if st.Ready || st.Failed != "open the history file in /x: disk I/O error" {
		t.Fatalf("ready event %+v", st)
	}
	if now, _ := app.Startup(); now.Failed != st.Failed {
		t.Fatalf("Startup %+v", now)
	}
	if _, err := app.ListConversations("", 50); kindOf(err) != chat.KindStarting {
		t.Fatalf("ListConversations after a failed open: %v", err)
	}
}

// A chip of an earlier session is previewed from the history: before it is open, that is a
// "still starting" answer, not a nil history.
func TestPreviewOfAStoredDocumentWaitsForTheHistory(t *testing.T) {
	app, _, _ := newOpeningApp(t)
	app.openInBackground(func(ctx context.Context, _ func(store.Progress)) (services, error) {
		<-ctx.Done()
		return services{}, ctx.Err()
	})
	t.Cleanup(func() {
		app.shutdown(context.Background())
		app.closeServices()
	})
	if _, err := app.PreviewDocument(strings.Repeat("ab", 32), "old.pdf"); kindOf(err) != chat.KindStarting {
		t.Fatalf("PreviewDocument of a stored file before the history is open: %v, want kind %q", err, chat.KindStarting)
	}
}
