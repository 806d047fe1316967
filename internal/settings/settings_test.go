package settings

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qwendesk/internal/chat"
	"qwendesk/internal/pricing"
	"qwendesk/internal/store"
)

func openHistory(t *testing.T, dir string) *store.Store {
	t.Helper()
	h, _, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func openSettings(t *testing.T, dir string) (*Store, []string) {
	t.Helper()
	s, problems, err := Open(context.Background(), openHistory(t, dir), dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, problems
}

// A data folder as 0.1 left it: region, endpoint and model in settings.json, everything else
// as JSON rows in history.db's settings table, written with the key names and shapes 0.1 used.
func writeVersion01Folder(t *testing.T, dir string) {
	t.Helper()
	legacy := `{
  "region": "custom",
  "customBaseURL": "https://ws-1.cn-beijing.maas.aliyuncs.com/compatible-mode/v1",
  "model": "qwen3-max"
}`
	if err := os.WriteFile(filepath.Join(dir, LegacyFileName), []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	h, _, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	rows := map[string]string{
		"preferences":       `{"theme":"dark","language":"zh","fontSize":18,"sendKey":"mod-enter","proxyMode":"custom","proxyURL":"socks5://127.0.0.1:1080"}`,
		"prompt_presets":    `[{"name":"Mine","prompt":"Answer like a pirate."}]`,
		"prices":            `[{"model":"qwen3-max","input":6,"output":24,"cachedInput":1.2}]`,
		"titles.enabled":    "false",
		"titles.model":      "qwen-turbo",
		"view.conversation": "c_123",
		"view.scrollTop":    "420",
	}
	for k, v := range rows {
		if err := h.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUpgradeFromVersion01KeepsEverySetting(t *testing.T) {
	dir := t.TempDir()
	writeVersion01Folder(t, dir)

	check := func(s *Store) {
		t.Helper()
		if c := s.Connection(); c.Region != "custom" || c.CustomBaseURL != "https://ws-1.cn-beijing.maas.aliyuncs.com/compatible-mode/v1" || c.Model != "qwen3-max" {
			t.Errorf("connection = %+v, want the custom endpoint and qwen3-max from settings.json", c)
		}
		want := Preferences{Theme: ThemeDark, Language: LanguageChinese, FontSize: 18, SendKey: SendModEnter, ProxyMode: ProxyCustom, ProxyURL: "socks5://127.0.0.1:1080"}
		if p := s.Preferences(); p != want {
			t.Errorf("preferences = %+v, want %+v", p, want)
		}
		if p := s.Presets(); len(p) != 1 || p[0].Name != "Mine" {
			t.Errorf("presets = %+v, want the user's one preset", p)
		}
		if p := s.Prices(); len(p) != 1 || p[0].Model != "qwen3-max" || p[0].Output != 24 {
			t.Errorf("prices = %+v, want the user's table", p)
		}
		if ti := s.Titles(); ti != (chat.TitleOptions{Enabled: false, Model: "qwen-turbo"}) {
			t.Errorf("titles = %+v", ti)
		}
		if v := s.View(); v != (View{ConversationID: "c_123", ScrollTop: 420}) {
			t.Errorf("view = %+v", v)
		}
	}
	s, problems := openSettings(t, dir)
	if len(problems) != 0 {
		t.Errorf("problems = %q, want none", problems)
	}
	check(s)
	if _, err := os.Stat(filepath.Join(dir, LegacyFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("settings.json still in place after the move (stat: %v): the next start would read it again", err)
	}
	if _, err := os.Stat(filepath.Join(dir, LegacyFileName+".migrated")); err != nil {
		t.Errorf("the old file is not kept as settings.json.migrated: %v", err)
	}

	// The second start reads the history file alone.
	s2, _ := openSettings(t, dir)
	check(s2)
}

func TestDamagedLegacyFileIsMovedAsideAndDefaultsApply(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, LegacyFileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, problems := openSettings(t, dir)
	if len(problems) != 1 || !strings.Contains(problems[0], ".corrupt") {
		t.Fatalf("problems = %q, want one naming where the old file went", problems)
	}
	if s.Connection() != DefaultConnection() {
		t.Errorf("connection = %+v, want defaults", s.Connection())
	}
	if kept, err := os.ReadFile(path + ".corrupt"); err != nil || string(kept) != "{not json" {
		t.Fatalf("old file not kept: %v %q", err, kept)
	}
}

func TestFirstStartHasDefaults(t *testing.T) {
	s, problems := openSettings(t, t.TempDir())
	if len(problems) != 0 {
		t.Errorf("problems = %q", problems)
	}
	if s.Connection() != DefaultConnection() || s.Preferences() != DefaultPreferences() {
		t.Errorf("got %+v %+v, want defaults", s.Connection(), s.Preferences())
	}
	if len(s.Presets()) != len(DefaultPresets()) || len(s.Prices()) != len(pricing.Defaults()) {
		t.Error("a first start must offer the starter presets and the built-in price table")
	}
	if s.Titles() != (chat.TitleOptions{Enabled: true, Model: DefaultTitleModel}) {
		t.Errorf("titles = %+v, want on with %s", s.Titles(), DefaultTitleModel)
	}
}

func TestChangesSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, _ := openSettings(t, dir)
	if _, err := s.SetEndpoint(ctx, "singapore", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetModel(ctx, " qwen-flash "); err != nil {
		t.Fatal(err)
	}
	prefs := Preferences{Theme: ThemeLight, Language: LanguageEnglish, FontSize: 13, SendKey: SendEnter, ProxyMode: ProxyNone}
	if _, err := s.SetPreferences(ctx, prefs); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetPresets(ctx, []PromptPreset{{Name: "  A ", Prompt: " be brief "}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetPrices(ctx, []pricing.Price{{Model: "qwen-flash", Input: 0.15, Output: 1.5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetTitles(ctx, false, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SetView(ctx, View{ConversationID: "c_9", ScrollTop: 77}); err != nil {
		t.Fatal(err)
	}

	r, _ := openSettings(t, dir)
	if c := r.Connection(); c.Region != "singapore" || c.Model != "qwen-flash" {
		t.Errorf("connection = %+v", c)
	}
	if r.Preferences() != prefs {
		t.Errorf("preferences = %+v", r.Preferences())
	}
	if p := r.Presets(); len(p) != 1 || p[0] != (PromptPreset{Name: "A", Prompt: "be brief"}) {
		t.Errorf("presets = %+v, want trimmed", p)
	}
	if p := r.Prices(); len(p) != 1 || p[0].Model != "qwen-flash" {
		t.Errorf("prices = %+v", p)
	}
	if r.Titles() != (chat.TitleOptions{Enabled: false, Model: DefaultTitleModel}) {
		t.Errorf("titles = %+v", r.Titles())
	}
	if r.View() != (View{ConversationID: "c_9", ScrollTop: 77}) {
		t.Errorf("view = %+v", r.View())
	}
}

func TestInvalidValuesAreRefusedAndChangeNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := openSettings(t, t.TempDir())
	before := s.Preferences()
	long := strings.Repeat("x", MaxPresetName+1)
	cases := map[string]error{}
	_, cases["unknown region"] = s.SetEndpoint(ctx, "mars", "")
	_, cases["bad custom URL"] = s.SetEndpoint(ctx, "custom", "ftp://example.test")
	_, cases["model with a space"] = s.SetModel(ctx, "qwen plus")
	_, cases["theme"] = s.SetPreferences(ctx, Preferences{Theme: "pink", Language: LanguageEnglish, FontSize: 15, SendKey: SendEnter, ProxyMode: ProxySystem})
	_, cases["font size"] = s.SetPreferences(ctx, Preferences{Theme: ThemeDark, Language: LanguageEnglish, FontSize: 40, SendKey: SendEnter, ProxyMode: ProxySystem})
	_, cases["proxy"] = s.SetPreferences(ctx, Preferences{Theme: ThemeDark, Language: LanguageEnglish, FontSize: 15, SendKey: SendEnter, ProxyMode: ProxyCustom, ProxyURL: "not a url"})
	_, cases["preset name"] = s.SetPresets(ctx, []PromptPreset{{Name: long, Prompt: "p"}})
	_, cases["two presets, one name"] = s.SetPresets(ctx, []PromptPreset{{Name: "a", Prompt: "p"}, {Name: "a", Prompt: "q"}})
	_, cases["negative price"] = s.SetPrices(ctx, []pricing.Price{{Model: "m", Input: -1}})
	_, cases["title model"] = s.SetTitles(ctx, true, "two words")
	for name, err := range cases {
		var inv *InvalidError
		if !errors.As(err, &inv) || inv.Message == "" {
			t.Errorf("%s: err = %v, want an InvalidError with a sentence", name, err)
		}
	}
	if s.Preferences() != before || s.Connection() != DefaultConnection() || len(s.Presets()) != len(DefaultPresets()) {
		t.Error("a refused value changed what is served")
	}
}

// A stored value that an older or newer version wrote and this one does not accept falls
// back to its default instead of breaking the start.
func TestStoredValueThatNoLongerValidatesFallsBack(t *testing.T) {
	dir := t.TempDir()
	h := openHistory(t, dir)
	ctx := context.Background()
	bad, _ := json.Marshal(Preferences{Theme: "sepia", Language: LanguageEnglish, FontSize: 15, SendKey: SendEnter})
	if err := h.SetSetting(ctx, keyPreferences, string(bad)); err != nil {
		t.Fatal(err)
	}
	if err := h.SetSetting(ctx, keyConnection, `{"region":"atlantis","model":"qwen-plus"}`); err != nil {
		t.Fatal(err)
	}
	s, _, err := Open(ctx, h, dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Preferences() != DefaultPreferences() || s.Connection() != DefaultConnection() {
		t.Errorf("got %+v %+v, want defaults", s.Preferences(), s.Connection())
	}
}

func TestAWriteThatFailsIsAStorageErrorAndKeepsTheOldValue(t *testing.T) {
	dir := t.TempDir()
	h, _, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Open(context.Background(), h, dir)
	if err != nil {
		t.Fatal(err)
	}
	h.Close() // every write now fails the way a vanished or read-only file does
	_, err = s.SetModel(context.Background(), "qwen3-max")
	var se *StorageError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a StorageError", err)
	}
	if s.Connection().Model != DefaultConnection().Model {
		t.Errorf("model = %q after a failed write, want the stored one", s.Connection().Model)
	}
}

// failingKV is a settings table that cannot be read, as when the file is locked or damaged.
type failingKV struct{ writes int }

func (f *failingKV) Setting(context.Context, string) (string, bool, error) {
	return "", false, errors.New("disk I/O error")
}

func (f *failingKV) SetSetting(context.Context, string, string) error {
	f.writes++
	return nil
}

// A read that fails is not "never set": serving defaults would let the next change write them
// over the user's choices, and the legacy file must not be moved in over stored values.
func TestUnreadableSettingsAreAnErrorNotDefaults(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, LegacyFileName), []byte(`{"region":"singapore","model":"qwen-max"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	kv := &failingKV{}
	s, _, err := Open(context.Background(), kv, dir)
	var se *StorageError
	if !errors.As(err, &se) || s != nil {
		t.Fatalf("Open over an unreadable table = %v, %v; want a StorageError and no store", s, err)
	}
	if kv.writes != 0 {
		t.Errorf("%d writes to a table that could not be read", kv.writes)
	}
	if _, err := os.Stat(filepath.Join(dir, LegacyFileName)); err != nil {
		t.Errorf("the legacy file was moved although nothing could be read: %v", err)
	}
}
