package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"qwendesk/internal/buildinfo"
	"qwendesk/internal/chat"
	"qwendesk/internal/docs"
	"qwendesk/internal/inflight"
	"qwendesk/internal/pricing"
	"qwendesk/internal/qwen"
	"qwendesk/internal/secrets"
	"qwendesk/internal/settings"
	"qwendesk/internal/store"
	"qwendesk/internal/tools"
)

// App is the JavaScript API. Every exported method is callable from the webview (and, during
// `wails dev`, from any page in the developer's browser), so each one validates its
// arguments and none ever returns the API key. The work lives in internal/….
type App struct {
	keys *secrets.Store
	// settings, history and chat are nil until the history file is open (startup.go): a
	// method reading them calls a.opened() first.
	settings *settings.Store
	history  *store.Store
	chat     *chat.Service
	gate     *startupGate
	desktop  Desktop
	emitter  chat.Emitter
	inflight *inflight.Registry
	searches inflight.Latest // the palette's searches: a new one cancels the one before
	// extractor reads attached files; docs holds those read and not yet sent (app_docs.go).
	extractor *docs.Extractor
	docs      *attachments
	noWarm    bool // tests that read no PDF skip starting the PDF engine
	log       *slog.Logger
	dataDir   string
	build     buildinfo.Info
	// envBaseURL is DASHSCOPE_BASE_URL, already validated; it overrides the settings.
	envBaseURL string
	tools      *tools.Manager // nil: the tool layer could not be set up (app_tools.go)
	approvals  *approvals

	root    context.Context    // parent of every turn and storage call; cancelled at shutdown
	stopAll context.CancelFunc // cancels root

	mu       sync.Mutex
	started  bool         // OnStartup has run: events can reach the window
	client   *qwen.Client // for the current endpoint and proxy; rebuilt when they change
	problems []string     // start-up problems to show once (damaged settings file, bad env URL)
}

// AppConfig holds what main wires into the App.
type AppConfig struct {
	Keys *secrets.Store
	// Settings and History, when set, are open already (tests); main leaves them nil and
	// calls openInBackground once the window exists.
	Settings   *settings.Store
	History    *store.Store
	Desktop    Desktop
	Problems   []string // found while opening the history file and the settings
	Emitter    chat.Emitter
	Logger     *slog.Logger
	DataDir    string
	Build      buildinfo.Info // version, commit and toolchain of this build
	EnvBaseURL string         // raw DASHSCOPE_BASE_URL
	Tools      *tools.Manager // the MCP servers; nil offers no tools
	Approvals  *approvals     // the Approver Tools asks
}

// NewApp builds the App. Problems that should not stop the app (a damaged settings file, an
// invalid DASHSCOPE_BASE_URL) are logged and shown in Status.
func NewApp(cfg AppConfig) *App {
	root, stop := context.WithCancel(context.Background())
	a := &App{
		keys:      cfg.Keys,
		settings:  cfg.Settings,
		history:   cfg.History,
		desktop:   cfg.Desktop,
		emitter:   cfg.Emitter,
		gate:      newStartupGate(cfg.Build.Version),
		inflight:  inflight.New(),
		extractor: docs.New(),
		docs:      newAttachments(),
		log:       cfg.Logger,
		dataDir:   cfg.DataDir,
		build:     cfg.Build,
		root:      root,
		stopAll:   stop,
		tools:     cfg.Tools,
		approvals: cfg.Approvals,
	}
	if raw := strings.TrimSpace(cfg.EnvBaseURL); raw != "" {
		if u, err := qwen.ValidateBaseURL(raw); err != nil {
			msg := fmt.Sprintf("DASHSCOPE_BASE_URL is ignored: %v", err)
			a.log.Warn("endpoint", "problem", msg)
			a.problems = append(a.problems, msg)
		} else {
			a.envBaseURL = u
		}
	}
	if cfg.History != nil {
		a.useServices(services{history: cfg.History, settings: cfg.Settings, problems: cfg.Problems})
		close(a.gate.done)
	}
	return a
}

// startup is called by Wails once the window exists.
func (a *App) startup(ctx context.Context) {
	a.mu.Lock()
	a.started = true
	a.mu.Unlock()
	a.log.Info("app started", "build", a.build.String())
	if a.tools != nil {
		a.tools.Start() // in the background: a slow server does not hold up the window
	}
}

// shutdown stops every streaming reply (keeping the partial text) and waits briefly for the
// turns to record how they ended.
func (a *App) shutdown(ctx context.Context) {
	a.inflight.CancelAll()
	a.stopAll() // also stops a migration still running (startup.go)
	// The tool servers started with the window, whether or not the history is open yet.
	defer func() {
		if a.tools != nil {
			_ = a.tools.Close() // no server outlives the app
		}
		_ = a.extractor.Close()
	}()
	select {
	case <-a.gate.readyCh:
	default:
		a.log.Info("app stopped while the history was still opening")
		return
	}
	if !a.chat.Wait(time.Second) {
		a.log.Warn("shutdown: some replies did not finish in time")
	}
	a.log.Info("app stopped")
}

func (a *App) ready() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.started {
		return &chat.UserError{Kind: chat.KindStarting, Message: "QwenDesk is still starting. Try again in a moment."}
	}
	return nil
}

// Endpoint says where requests go and why.
type Endpoint struct {
	Region          string `json:"region"` // a region id, or "custom"
	BaseURL         string `json:"baseURL"`
	OverriddenByEnv bool   `json:"overriddenByEnv"` // DASHSCOPE_BASE_URL wins over the settings
}

// AppStatus is everything the window needs on start. It never contains the key.
type AppStatus struct {
	Key         secrets.Status       `json:"key"`
	Endpoint    Endpoint             `json:"endpoint"`
	Regions     []qwen.Region        `json:"regions"`
	Model       string               `json:"model"`
	DataDir     string               `json:"dataDir"`
	Build       buildinfo.Info       `json:"build"`
	Problems    []string             `json:"problems"`
	Titles      chat.TitleOptions    `json:"titles"`
	Preferences settings.Preferences `json:"preferences"`
	Prices      []pricing.Price      `json:"prices"`
}

// Status reports the key source, the endpoint, the model and any start-up problems.
func (a *App) Status() (AppStatus, error) {
	if err := a.opened(); err != nil {
		return AppStatus{}, err
	}
	ctx, cancel := context.WithTimeout(a.root, 10*time.Second)
	defer cancel()
	keyStatus := a.keys.Status(ctx)
	a.mu.Lock()
	problems := append([]string{}, a.problems...)
	a.mu.Unlock()
	return AppStatus{
		Key:         keyStatus,
		Endpoint:    a.endpoint(),
		Regions:     qwen.Regions(),
		Model:       a.settings.Connection().Model,
		DataDir:     a.dataDir,
		Build:       a.build,
		Problems:    problems,
		Titles:      a.settings.Titles(),
		Preferences: a.settings.Preferences(),
		Prices:      a.settings.Prices(),
	}, nil
}

// SaveKey stores key in the system keychain.
func (a *App) SaveKey(key string) (secrets.Status, error) {
	if len(key) > 4096 {
		return secrets.Status{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: "That is far too long to be an API key."}
	}
	ctx, cancel := context.WithTimeout(a.root, 10*time.Second)
	defer cancel()
	st, err := a.keys.Save(ctx, key)
	if err != nil {
		a.log.Warn("key not saved", "kind", errorKind(err))
		return st, err
	}
	a.log.Info("key saved", "source", string(st.Source))
	return st, nil
}

// DeleteKey removes the key from the keychain. A key from the environment stays in use.
func (a *App) DeleteKey() (secrets.Status, error) {
	ctx, cancel := context.WithTimeout(a.root, 10*time.Second)
	defer cancel()
	st, err := a.keys.Delete(ctx)
	if err != nil {
		a.log.Warn("key not deleted", "kind", errorKind(err))
		return st, err
	}
	a.log.Info("key deleted", "now_source", string(st.Source))
	return st, nil
}

// KeyTest is the result of checking a key against the endpoint.
type KeyTest struct {
	OK        bool   `json:"ok"`
	Kind      string `json:"kind"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

// TestKey checks key (or, when empty, the key in use) against the current endpoint. A
// failure is a result, not an error: the setup screen shows it in place.
func (a *App) TestKey(key string) (KeyTest, error) {
	if err := a.opened(); err != nil {
		return KeyTest{}, err
	}
	ctx, cancel := context.WithTimeout(a.root, 30*time.Second)
	defer cancel()
	if strings.TrimSpace(key) == "" {
		stored, err := a.key(ctx)
		if err != nil {
			return KeyTest{Kind: errorKind(err), Message: err.Error()}, nil
		}
		key = stored
	} else {
		normal, err := secrets.Normalize(key)
		if err != nil {
			return KeyTest{Kind: chat.KindInvalidInput, Message: err.Error()}, nil
		}
		key = normal
	}
	client := a.currentClient()
	err := client.CheckKey(ctx, key)
	if err == nil {
		a.log.Info("key test passed", "endpoint", client.BaseURL())
		return KeyTest{OK: true}, nil
	}
	res := KeyTest{Kind: errorKind(err), Message: err.Error()}
	var apiErr *qwen.APIError
	if errors.As(err, &apiErr) {
		res.Message, res.RequestID = apiErr.Detail(), apiErr.RequestID
	}
	a.log.Warn("key test failed", "endpoint", client.BaseURL(), "kind", res.Kind, "server_request", res.RequestID)
	return res, nil
}

// ModelList is what the model picker offers.
type ModelList struct {
	Models  []string `json:"models"`
	Live    bool     `json:"live"`    // fetched from the endpoint, not the built-in list
	Problem string   `json:"problem"` // why the live list could not be used
}

// Models lists the endpoint's models, or the built-in list when that fails.
func (a *App) Models() (ModelList, error) {
	if err := a.opened(); err != nil {
		return ModelList{}, err
	}
	ctx, cancel := context.WithTimeout(a.root, 15*time.Second)
	defer cancel()
	key, err := a.key(ctx)
	if err != nil {
		return ModelList{Models: qwen.FallbackModels(), Problem: err.Error()}, nil
	}
	models, err := a.currentClient().Models(ctx, key)
	if err != nil || len(models) == 0 {
		problem := "the endpoint returned no models"
		if err != nil {
			problem = err.Error()
		}
		a.log.Info("model list: using built-in list", "kind", errorKind(err))
		return ModelList{Models: qwen.FallbackModels(), Problem: problem}, nil
	}
	return ModelList{Models: models, Live: true}, nil
}

// NewConversation starts an empty conversation with the current model.
func (a *App) NewConversation() (chat.Conversation, error) {
	if err := a.opened(); err != nil {
		return chat.Conversation{}, err
	}
	return a.chat.NewConversation(a.root, a.settings.Connection().Model)
}

// Conversation returns a conversation with its messages.
func (a *App) Conversation(id string) (chat.Conversation, error) {
	if err := a.opened(); err != nil {
		return chat.Conversation{}, err
	}
	if err := checkID(id); err != nil {
		return chat.Conversation{}, err
	}
	return a.chat.Conversation(a.root, id)
}

// ConversationLatest is Conversation with only the last limit (1–1,000) messages and the
// count of those before them: the window opens a long conversation with it, then loads the rest.
func (a *App) ConversationLatest(id string, limit int) (chat.Conversation, error) {
	if err := a.opened(); err != nil {
		return chat.Conversation{}, err
	}
	if err := checkID(id); err != nil {
		return chat.Conversation{}, err
	}
	if limit < 1 || limit > 1000 {
		return chat.Conversation{}, &chat.UserError{Kind: chat.KindInvalidInput, Message: "Ask for 1 to 1,000 of the latest messages."}
	}
	return a.chat.ConversationLatest(a.root, id, limit)
}

// Send posts text to the conversation and starts streaming the reply. It returns once the
// turn is registered; the reply arrives as chat:* events.
func (a *App) Send(conversationID, text string) (chat.Turn, error) {
	if err := a.opened(); err != nil {
		return chat.Turn{}, err
	}
	return a.startTurn(conversationID, func(ctx context.Context, requestID, model string, onEnd func()) (chat.Turn, error) {
		return a.chat.Send(ctx, chat.SendInput{ConversationID: conversationID, Text: text, Model: model, RequestID: requestID}, onEnd)
	})
}

// SendWithImages posts text with images (data: URLs, for vision models) to the
// conversation; the text may be empty.
func (a *App) SendWithImages(conversationID, text string, images []string) (chat.Turn, error) {
	if err := a.opened(); err != nil {
		return chat.Turn{}, err
	}
	return a.startTurn(conversationID, func(ctx context.Context, requestID, model string, onEnd func()) (chat.Turn, error) {
		return a.chat.Send(ctx, chat.SendInput{ConversationID: conversationID, Text: text, Images: images, Model: model, RequestID: requestID}, onEnd)
	})
}

// Regenerate answers a reply's question again; the old reply stays as an earlier version.
func (a *App) Regenerate(conversationID, replyID string) (chat.Turn, error) {
	if err := a.opened(); err != nil {
		return chat.Turn{}, err
	}
	if err := checkID(replyID); err != nil {
		return chat.Turn{}, err
	}
	return a.startTurn(conversationID, func(ctx context.Context, requestID, model string, onEnd func()) (chat.Turn, error) {
		return a.chat.Regenerate(ctx, conversationID, replyID, requestID, model, onEnd)
	})
}

// EditMessage sends a changed version of one of the user's messages as a new branch.
func (a *App) EditMessage(conversationID, messageID, text string) (chat.Turn, error) {
	if err := a.opened(); err != nil {
		return chat.Turn{}, err
	}
	if err := checkID(messageID); err != nil {
		return chat.Turn{}, err
	}
	return a.startTurn(conversationID, func(ctx context.Context, requestID, model string, onEnd func()) (chat.Turn, error) {
		return a.chat.Edit(ctx, conversationID, messageID, text, requestID, model, onEnd)
	})
}

// ContinueReply extends a reply that was cut off (by max tokens, Stop, or a dropped
// connection); the continuation streams into the same message.
func (a *App) ContinueReply(conversationID, replyID string) (chat.Turn, error) {
	if err := a.opened(); err != nil {
		return chat.Turn{}, err
	}
	if err := checkID(replyID); err != nil {
		return chat.Turn{}, err
	}
	return a.startTurn(conversationID, func(ctx context.Context, requestID, model string, onEnd func()) (chat.Turn, error) {
		return a.chat.Continue(ctx, conversationID, replyID, requestID, model, onEnd)
	})
}

// startTurn registers a turn's cancel func under a fresh request id, then starts it.
func (a *App) startTurn(conversationID string, start func(ctx context.Context, requestID, model string, onEnd func()) (chat.Turn, error)) (chat.Turn, error) {
	if err := a.ready(); err != nil {
		return chat.Turn{}, err
	}
	if err := checkID(conversationID); err != nil {
		return chat.Turn{}, err
	}
	model := a.settings.Connection().Model

	requestID := chat.NewID("req")
	ctx, cancel := context.WithCancel(a.root)
	a.inflight.Add(requestID, cancel)
	turn, err := start(ctx, requestID, model, func() {
		a.inflight.Done(requestID)
		cancel()
	})
	if err != nil {
		a.inflight.Done(requestID)
		cancel()
		return chat.Turn{}, err
	}
	return turn, nil
}

// SelectVersion shows another version of a message and the newest continuation below it.
func (a *App) SelectVersion(conversationID, messageID string) (chat.Conversation, error) {
	if err := a.opened(); err != nil {
		return chat.Conversation{}, err
	}
	if err := checkID(conversationID); err != nil {
		return chat.Conversation{}, err
	}
	if err := checkID(messageID); err != nil {
		return chat.Conversation{}, err
	}
	return a.chat.SelectVersion(a.root, conversationID, messageID)
}

// DeleteMessage removes a message (a question together with its replies).
func (a *App) DeleteMessage(conversationID, messageID string) (chat.Conversation, error) {
	if err := a.opened(); err != nil {
		return chat.Conversation{}, err
	}
	if err := checkID(conversationID); err != nil {
		return chat.Conversation{}, err
	}
	if err := checkID(messageID); err != nil {
		return chat.Conversation{}, err
	}
	return a.chat.DeleteMessage(a.root, conversationID, messageID)
}

// UpdateConversationSettings changes a conversation's model, system prompt and parameters.
func (a *App) UpdateConversationSettings(conversationID string, settings chat.ConversationSettings) (chat.ConversationSettings, error) {
	if err := a.opened(); err != nil {
		return chat.ConversationSettings{}, err
	}
	if err := checkID(conversationID); err != nil {
		return chat.ConversationSettings{}, err
	}
	return a.chat.UpdateSettings(a.root, conversationID, settings)
}

// Stop ends a streaming reply; the text received so far is kept.
func (a *App) Stop(requestID string) error {
	if err := checkID(requestID); err != nil {
		return err
	}
	if a.inflight.Cancel(requestID) {
		a.log.Info("turn stop requested", "request", requestID)
	}
	return nil
}

// checkID rejects anything that cannot be an id: ids are short words of letters, digits, '_'
// and '-' (the app's own, and those of imported files, which were checked on import).
func checkID(id string) error {
	if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool {
		return !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '_' || r == '-')
	}) {
		return &chat.UserError{Kind: chat.KindNotFound, Message: "Unknown id."}
	}
	return nil
}

// key resolves the API key for one request, mapping the reasons there is none to errors the
// user can act on.
func (a *App) key(ctx context.Context) (string, error) {
	key, st, err := a.keys.Key(ctx)
	switch {
	case errors.Is(err, secrets.ErrNoKey):
		msg := "No API key is set. Add one in Settings, or set DASHSCOPE_API_KEY."
		if !st.KeychainAvailable && st.KeychainProblem != "" {
			msg = st.KeychainProblem + " Set DASHSCOPE_API_KEY, or unlock the keychain and try again."
		}
		return "", &chat.UserError{Kind: chat.KindNoKey, Message: msg, Err: err}
	case err != nil:
		return "", &chat.UserError{Kind: chat.KindKeychain, Message: err.Error(), Err: err}
	}
	return key, nil
}

// endpoint applies the precedence: DASHSCOPE_BASE_URL, then the settings, then Beijing.
func (a *App) endpoint() Endpoint {
	if a.envBaseURL != "" {
		return Endpoint{Region: "custom", BaseURL: a.envBaseURL, OverriddenByEnv: true}
	}
	c := a.settings.Connection()
	if c.Region == "custom" && c.CustomBaseURL != "" {
		return Endpoint{Region: "custom", BaseURL: c.CustomBaseURL}
	}
	if u, ok := qwen.RegionBaseURL(c.Region); ok {
		return Endpoint{Region: c.Region, BaseURL: u}
	}
	u, _ := qwen.RegionBaseURL(qwen.DefaultRegion)
	return Endpoint{Region: qwen.DefaultRegion, BaseURL: u}
}

func (a *App) currentClient() *qwen.Client {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.client == nil {
		// Read under a.mu so a change that resets the client cannot slip in between.
		// Settings are served from memory: this touches no file.
		p, ep := a.settings.Preferences(), a.endpoint()
		proxy, err := qwen.ProxyFunc(string(p.ProxyMode), p.ProxyURL)
		if err != nil {
			proxy = nil // stored preferences were checked; fall back to the environment
		}
		a.client = qwen.NewClient(qwen.Config{BaseURL: ep.BaseURL, Logger: a.log, Proxy: proxy})
	}
	return a.client
}

// endpointStreamer sends each request to whatever endpoint is current when it starts.
type endpointStreamer struct{ a *App }

func (s endpointStreamer) Stream(ctx context.Context, key string, req qwen.Request) (chat.Stream, error) {
	return chat.ClientStreamer{Client: s.a.currentClient()}.Stream(ctx, key, req)
}

// UserFacingError is what a bound method's failure carries to JavaScript, so the UI can pick
// a translated title by kind.
type UserFacingError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// formatError is the Wails ErrorFormatter. It returns the error as a JSON string, not an
// object: Wails 2.16's runtime rejects with new Error(message.error), which turns an object
// into the text "[object Object]" and loses the kind. A string survives as the Error's
// message, and the frontend's toTurnError parses it.
func formatError(err error) any {
	data, _ := json.Marshal(UserFacingError{Kind: errorKind(err), Message: err.Error()})
	return string(data)
}

// errorKind classifies err into the stable kinds the UI knows.
func errorKind(err error) string {
	var ue *chat.UserError
	var apiErr *qwen.APIError
	var inputErr *secrets.InputError
	var toolsErr *tools.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ue):
		return ue.Kind
	case errors.As(err, &toolsErr):
		return string(toolsErr.Kind)
	case errors.As(err, &apiErr):
		return string(apiErr.Kind)
	case errors.As(err, &inputErr):
		return chat.KindInvalidInput
	case errors.Is(err, secrets.ErrNoKey):
		return chat.KindNoKey
	case errors.Is(err, secrets.ErrKeychainUnavailable), errors.Is(err, secrets.ErrKeychainTimeout):
		return chat.KindKeychain
	case errors.Is(err, os.ErrPermission):
		return chat.KindPermission
	}
	return chat.KindInternal
}

func (s endpointStreamer) Complete(ctx context.Context, key string, req qwen.Request) (string, error) {
	return s.a.currentClient().Complete(ctx, key, req)
}
