package main

import (
	"reflect"

	"qwendesk/internal/buildinfo"
	"qwendesk/internal/chat"
	"qwendesk/internal/docs"
	"qwendesk/internal/qwen"
	"qwendesk/internal/secrets"
	"qwendesk/internal/settings"
	"qwendesk/internal/store"
	"qwendesk/internal/tools"
	"qwendesk/internal/tsgen"
)

// The contract between Go and the webview: the bound methods (every exported method of App),
// the events, their payloads and the error kinds. frontend/src/lib/contract.gen.ts is written
// from what is declared here by `make bindings` (contract_test.go), and `make test` fails when
// the committed file differs, so the frontend cannot drift from Go unnoticed.

// errorKinds is every kind a bound method's error or an error event can carry. A test fails
// when a Kind constant anywhere in the code is missing here, and the frontend's tests fail
// when one of these has no title and hint in both languages.
func errorKinds() []string {
	kinds := []string{
		chat.KindInvalidInput, chat.KindNotFound, chat.KindBusy, chat.KindNoKey, chat.KindInternal,
		chat.KindStorage, chat.KindStarting, chat.KindKeychain, chat.KindPermission, chat.KindExport,
		chat.KindImport, chat.KindStartup, chat.KindToolLimit, chat.KindSuperseded,
	}
	for _, k := range []qwen.Kind{qwen.KindAuth, qwen.KindAccessDenied, qwen.KindBilling, qwen.KindRateLimit,
		qwen.KindQuota, qwen.KindModeration, qwen.KindBadRequest, qwen.KindModelNotFound, qwen.KindServer,
		qwen.KindNetwork, qwen.KindTimeout, qwen.KindTruncated, qwen.KindBadResponse} {
		kinds = append(kinds, string(k))
	}
	for _, k := range []tools.Kind{tools.KindConfigBroken, tools.KindInvalid, tools.KindUnknownServer, tools.KindUnknownTool,
		tools.KindExists, tools.KindCommandNotFound, tools.KindKeychain, tools.KindIO, tools.KindClosed} {
		kinds = append(kinds, string(k))
	}
	for _, k := range []docs.ErrorKind{docs.KindEncrypted, docs.KindCorrupt, docs.KindEmpty, docs.KindTooLarge,
		docs.KindUnsupported, docs.KindDisguised, docs.KindTimeout, docs.KindZipBomb, docs.KindNotPDF} {
		kinds = append(kinds, string(k))
	}
	return kinds
}

// contractEvent is one event Go emits: its TypeScript constant name, its name on the wire,
// and a value of its payload type.
type contractEvent struct {
	constName string
	name      string
	payload   any
}

func contractEvents() []contractEvent {
	return []contractEvent{
		{"EV_DELTA", chat.EventDelta, chat.DeltaEvent{}},
		{"EV_DONE", chat.EventDone, chat.DoneEvent{}},
		{"EV_ERROR", chat.EventError, chat.ErrorEvent{}},
		{"EV_RETRY", chat.EventRetry, chat.RetryEvent{}},
		{"EV_TOOL", chat.EventTool, chat.ToolEvent{}},
		{"EV_CONVERSATIONS_CHANGED", chat.EventConversationsChanged, chat.ConversationsChangedEvent{}},
		{"EV_STARTUP", EventStartup, StartupState{}},
		{"EV_READY", EventReady, StartupState{}},
		{"EV_TOOL_APPROVAL", EventToolApproval, ToolApprovalEvent{}},
		{"EV_TOOLS_STATUS", EventToolsStatus, tools.ServerStatus{}},
	}
}

// contractTypes names and narrows the Go types the frontend sees.
func contractTypes(g *tsgen.Gen) {
	g.Name(reflect.TypeFor[secrets.Status](), "KeyStatus")
	g.Name(reflect.TypeFor[secrets.Source](), "KeySource")
	g.Enum(reflect.TypeFor[secrets.Source](), string(secrets.SourceNone), string(secrets.SourceKeychain),
		string(secrets.SourceEnvDashScope), string(secrets.SourceEnvAPIKey), string(secrets.SourceDotEnv))
	g.Name(reflect.TypeFor[buildinfo.Info](), "BuildInfo")
	g.Name(reflect.TypeFor[chat.Status](), "MessageStatus")
	g.Enum(reflect.TypeFor[chat.Status](), string(chat.StatusStreaming), string(chat.StatusComplete), string(chat.StatusStopped),
		string(chat.StatusError), string(chat.StatusTruncated), string(chat.StatusIncomplete))
	g.Name(reflect.TypeFor[settings.Language](), "LanguagePref")
	g.Enum(reflect.TypeFor[settings.Theme](), string(settings.ThemeSystem), string(settings.ThemeLight), string(settings.ThemeDark))
	g.Enum(reflect.TypeFor[settings.Language](), string(settings.LanguageSystem), string(settings.LanguageEnglish), string(settings.LanguageChinese))
	g.Enum(reflect.TypeFor[settings.SendKey](), string(settings.SendEnter), string(settings.SendModEnter))
	g.Enum(reflect.TypeFor[settings.ProxyMode](), string(settings.ProxySystem), string(settings.ProxyNone), string(settings.ProxyCustom))
	g.Name(reflect.TypeFor[settings.View](), "ViewState")
	g.Nullable(reflect.TypeFor[store.SearchGroup](), "TitleMatch") // nil unless the title matched
	g.Name(reflect.TypeFor[store.Progress](), "StartupProgress")
	g.Name(reflect.TypeFor[store.Phase](), "StartupPhase")
	g.Enum(reflect.TypeFor[store.Phase](), string(store.PhaseChecking), string(store.PhaseBackup), string(store.PhaseMigrating))
	g.Name(reflect.TypeFor[tools.Error](), "ToolsProblem")
	g.Name(reflect.TypeFor[tools.State](), "ToolServerState")
	g.Enum(reflect.TypeFor[tools.State](), string(tools.StateStarting), string(tools.StateReady), string(tools.StateFailed),
		string(tools.StateStopped), string(tools.StateDisabled), string(tools.StateRemoved))
	g.Name(reflect.TypeFor[tools.Decision](), "ToolDecision")
	g.Enum(reflect.TypeFor[tools.Decision](), string(tools.AllowOnce), string(tools.AlwaysAllow), string(tools.Deny))
}
