package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"qwendesk/internal/chat"
	"qwendesk/internal/settings"
	"qwendesk/internal/store"
	"qwendesk/internal/toolcall"
)

// The window opens before the history does: the first start after an upgrade can migrate a
// large history for tens of seconds, and a user who sees no window launches the app again or
// kills it. Until the history is open the App answers Startup (and the key calls), every
// other bound method returns KindStarting, and the window shows the progress it hears as
// EventStartup; EventReady says the rest of the API can be used.

// Startup events.
const (
	EventStartup = "app:startup" // StartupState: how far opening the history is
	EventReady   = "app:ready"   // StartupState with Ready (or Failed) set: opening is over
)

// StartupState is what the window shows while the history opens.
type StartupState struct {
	Ready bool `json:"ready"` // the history is open; every bound method can be used
	// Failed is why the app cannot run at all (not even on a temporary file); "" otherwise.
	Failed   string         `json:"failed"`
	Version  string         `json:"version"` // this build's version, for "Updating your history for QwenDesk 0.2"
	Progress store.Progress `json:"progress"`
}

// services are what the App needs from the history file. They exist once it is open.
type services struct {
	history  *store.Store
	settings *settings.Store
	problems []string
}

// opener opens the services, reporting progress. main's is openServices; tests pass their own.
type opener func(ctx context.Context, progress func(store.Progress)) (services, error)

// startupWait is how long a bound call made just before the history is ready waits for it
// before answering KindStarting: enough to absorb a call racing the ready event, short
// enough not to pile calls up behind a long migration.
const startupWait = 300 * time.Millisecond

// progressEvery spaces EventStartup: the store reports every backfill batch, and each event
// is a script evaluated in the webview.
const progressEvery = 100 * time.Millisecond

// startupGate is the App's readiness: closed once the services are attached.
type startupGate struct {
	readyCh chan struct{}
	done    chan struct{} // closed when the opener has returned (attached or not)
	once    sync.Once
	opening atomic.Bool // an opener was started: there is something to wait for

	mu        sync.Mutex
	state     StartupState
	lastEmit  time.Time
	lastPhase string
}

func newStartupGate(version string) *startupGate {
	return &startupGate{readyCh: make(chan struct{}), done: make(chan struct{}),
		state: StartupState{Version: version, Progress: store.Progress{Phase: store.PhaseChecking}}}
}

// Startup says how far the start is. The window calls it after subscribing to the startup
// events, so a ready event sent before it listened is not missed.
func (a *App) Startup() (StartupState, error) {
	a.gate.mu.Lock()
	defer a.gate.mu.Unlock()
	return a.gate.state, nil
}

// opened returns nil once the history and settings are attached, and KindStarting while
// they are still opening. Every bound method that reads them calls it first: before that,
// a.history, a.settings and a.chat are nil.
func (a *App) opened() error {
	select {
	case <-a.gate.readyCh:
		return nil
	default:
	}
	t := time.NewTimer(startupWait)
	defer t.Stop()
	select {
	case <-a.gate.readyCh:
		return nil
	case <-t.C:
		return &chat.UserError{Kind: chat.KindStarting, Message: "QwenDesk is still opening your history. Try again in a moment."}
	}
}

// openInBackground opens the services on its own goroutine and attaches them; the window is
// already up. A quit meanwhile cancels a.root, which stops a migration between batches (it
// is rolled back; the next start runs it again). Only the first call opens: the page's
// DOM-ready, which triggers it, comes again on a reload.
func (a *App) openInBackground(open opener) {
	if !a.gate.opening.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer close(a.gate.done)
		svc, err := open(a.root, a.progress)
		switch {
		case err == nil:
			a.useServices(svc)
			state, _ := a.Startup()
			a.emitter.Emit(EventReady, state)
		case a.root.Err() != nil:
			a.log.Info("start-up cancelled while opening the history", "error", err.Error())
		default:
			a.log.Error("history could not be opened", "error", err.Error())
			a.failStartup(err.Error())
		}
	}()
}

// useServices hands the App what opening produced and marks it ready.
func (a *App) useServices(svc services) {
	a.history, a.settings = svc.history, svc.settings
	var runner toolcall.Runner // a nil *Manager in the interface would look like tools
	if a.tools != nil {
		runner = a.tools
	}
	a.chat = chat.NewService(chat.Config{
		Tools:    runner,
		Streamer: endpointStreamer{a},
		Store:    svc.history,
		Key:      a.key,
		Emitter:  a.emitter,
		Logger:   a.log,
		Titles:   svc.settings.Titles,
	})
	a.mu.Lock()
	a.problems = append(svc.problems, a.problems...)
	a.mu.Unlock()
	a.gate.mu.Lock()
	a.gate.state.Ready = true
	a.gate.mu.Unlock()
	// Everything above happens before readyCh closes, and every reader waits on it first.
	a.gate.once.Do(func() { close(a.gate.readyCh) })
}

// failStartup tells the window the app cannot run.
func (a *App) failStartup(reason string) {
	a.gate.mu.Lock()
	a.gate.state.Failed = reason
	state := a.gate.state
	a.gate.mu.Unlock()
	a.emitter.Emit(EventReady, state)
}

// progress records p and forwards it to the window, at most every progressEvery except when
// the phase or step changes (so the window names each step, however quick).
func (a *App) progress(p store.Progress) {
	a.gate.mu.Lock()
	a.gate.state.Progress = p
	state := a.gate.state
	key := string(p.Phase) + p.Step
	now := time.Now()
	send := key != a.gate.lastPhase || now.Sub(a.gate.lastEmit) >= progressEvery || (p.Total > 0 && p.Done == p.Total)
	if send {
		a.gate.lastPhase, a.gate.lastEmit = key, now
	}
	a.gate.mu.Unlock()
	if send {
		a.emitter.Emit(EventStartup, state)
	}
}

// closeServices waits for the opener to stop (a cancelled migration rolls back first) and
// closes the history. main calls it after the window is gone.
func (a *App) closeServices() {
	if !a.gate.opening.Load() {
		return // the window never started (or tests attached their own store)
	}
	<-a.gate.done
	select {
	case <-a.gate.readyCh:
		if err := a.history.Close(); err != nil {
			a.log.Warn("history close", "error", err.Error())
		}
	default:
	}
}

// openServices opens the history file (running its migrations) and the settings stored in it.
func openServices(ctx context.Context, dataDir string, log *slog.Logger, progress func(store.Progress)) (services, error) {
	history, report, problems, err := openHistory(ctx, dataDir, log, progress)
	if err != nil {
		return services{}, err
	}
	if report.MovedAside != "" {
		problems = append(problems, fmt.Sprintf("The history file could not be read and was moved aside to %s; a new one was started.", report.MovedAside))
	}
	log.Info("history opened", "path", report.Path, "from_version", report.FromVersion, "to_version", report.ToVersion,
		"backup", report.Backup, "moved_aside", report.MovedAside, "interrupted_replies", report.Interrupted)

	prefs, settingsProblems, err := settings.Open(ctx, history, dataDir)
	if err != nil {
		history.Close()
		return services{}, fmt.Errorf("read the settings in the history file: %w", err)
	}
	return services{history: history, settings: prefs, problems: append(problems, settingsProblems...)}, nil
}

// openHistory opens the history file. When it cannot be used at all (a newer QwenDesk's
// schema, a locked or unreadable file), the app still starts, on a temporary file, and says
// so: a window that explains beats an app that does not open. A cancel (the user quit) is
// not such a failure: nothing is opened in its place.
func openHistory(ctx context.Context, dataDir string, log *slog.Logger, progress func(store.Progress)) (*store.Store, store.OpenReport, []string, error) {
	history, report, err := store.OpenContext(ctx, dataDir, store.Options{Progress: progress})
	if err == nil {
		return history, report, nil, nil
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return nil, report, nil, err
	}
	log.Error("history file unusable", "error", err.Error())
	tmp, terr := os.MkdirTemp("", "qwendesk-session-")
	if terr != nil {
		return nil, report, nil, fmt.Errorf("open the history file in %s: %w", dataDir, err)
	}
	history, report, terr = store.OpenContext(ctx, tmp, store.Options{})
	if terr != nil {
		return nil, report, nil, fmt.Errorf("open the history file in %s: %w", dataDir, err)
	}
	problem := fmt.Sprintf("Your history file in %s could not be opened (%v). It was left untouched; "+
		"conversations of this session go to a temporary file and will not be kept.", dataDir, err)
	return history, report, []string{problem}, nil
}
