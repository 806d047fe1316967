//go:build e2e

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qwendesk/internal/store"
)

// A typo'd or truncated key in the environment, and a broken .env, with no keychain key: the
// setup screen says which variable is set and why it is not used, in one sentence, offers no
// button to use it, and never tells the user to set what is set. Read from the window.
func TestSetupExplainsAnUnusableEnvironmentKey(t *testing.T) {
	clearKeychain(t)
	t.Run("en", func(t *testing.T) {
		dataDir := t.TempDir()
		a := launch(t, dataDir, "DASHSCOPE_API_KEY=sk-x")
		text := waitWindowText(t, 15*time.Second,
			"Welcome to QwenDesk",
			"DASHSCOPE_API_KEY is set but is not a DashScope key: it is too short (fewer than 8 characters).")
		for _, never := range []string{"Continue with environment key", "was found in the environment", "Set the DASHSCOPE_API_KEY", "sk-x"} {
			if strings.Contains(text, never) {
				t.Errorf("the setup screen shows %q:\n%s", never, text)
			}
		}
		screenshot(t, "30-setup-unusable-env-key")
		a.quit()
	})
	t.Run("zh with a .env file", func(t *testing.T) {
		dataDir := t.TempDir()
		st, _, err := store.Open(dataDir, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		prefs := `{"theme":"light","language":"zh","fontSize":15,"sendKey":"enter","proxyMode":"system","proxyURL":""}`
		if err := st.SetSetting(context.Background(), "preferences", prefs); err != nil {
			t.Fatal(err)
		}
		st.Close()
		dotEnv := filepath.Join(dataDir, ".env")
		if err := os.WriteFile(dotEnv, []byte("API_KEY=not-a-dashscope-key\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		a := launch(t, dataDir, "API_KEY=sk-x y")
		text := waitWindowText(t, 15*time.Second,
			"欢迎使用 QwenDesk",
			"已设置 API_KEY，但它不是 DashScope API Key：含有空格、引号或其他不能出现在密钥中的字符。",
			dotEnv+" 中设置了 API_KEY，但它不是 DashScope API Key：不以“sk-”开头。")
		if strings.Contains(text, "not-a-dashscope-key") || strings.Contains(text, "请设置环境变量") {
			t.Errorf("the setup screen shows the value or asks to set what is set:\n%s", text)
		}
		screenshot(t, "31-setup-unusable-keys-zh")
		a.quit()
	})
}
