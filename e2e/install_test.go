//go:build e2e && install

// The release files from `make dist`, used the way a user uses them: the .deb is installed
// with apt on this machine, the installed /usr/bin/qwendesk is launched under Xvfb with a
// window manager (so screenshots show its title bar and icon), then a newer .deb is installed
// over it and the history and the key must still be there. Run by scripts/test-install.sh.
package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tc-hib/winres"
	"github.com/tc-hib/winres/version"

	"qwendesk/internal/fakedashscope"
)

const installedBin = "/usr/bin/qwendesk"

func mustEnv(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run through scripts/test-install.sh (make test-install)", name)
	}
	return v
}

// asRoot runs a package-manager command, through sudo when the tests do not run as root.
func asRoot(t *testing.T, args ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		args = append([]string{"sudo", "-n"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// installDeb installs a package file the way the README tells users to: apt resolves the
// dependencies the package declares.
func installDeb(t *testing.T, deb string) {
	t.Helper()
	abs, err := filepath.Abs(deb)
	if err != nil {
		t.Fatal(err)
	}
	asRoot(t, "apt-get", "install", "-y", "--no-install-recommends", abs)
}

// assertInstalled checks what the package put on the system, at the given version.
func assertInstalled(t *testing.T, wantVersion, wantDebVersion string) {
	t.Helper()
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version} ${Status}", "qwendesk").Output()
	if err != nil || string(out) != wantDebVersion+" install ok installed" {
		t.Fatalf("dpkg-query: %q %v, want %s installed", out, err, wantDebVersion)
	}
	out, err = exec.Command(installedBin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "QwenDesk "+wantVersion+" (") {
		t.Fatalf("%s --version = %q %v, want QwenDesk %s", installedBin, out, err, wantVersion)
	}
	for _, f := range []string{
		"/usr/share/applications/qwendesk.desktop",
		"/usr/share/icons/hicolor/16x16/apps/qwendesk.png",
		"/usr/share/icons/hicolor/48x48/apps/qwendesk.png",
		"/usr/share/icons/hicolor/256x256/apps/qwendesk.png",
		"/usr/share/icons/hicolor/512x512/apps/qwendesk.png",
		"/usr/share/icons/hicolor/scalable/apps/qwendesk.svg",
	} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("the package did not install %s: %v", f, err)
		}
	}
	if out, err := exec.Command("desktop-file-validate", "/usr/share/applications/qwendesk.desktop").CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("desktop-file-validate: %v %s", err, out)
	}
	deps, _ := exec.Command("dpkg-query", "-W", "-f=${Depends}", "qwendesk").Output()
	for _, want := range []string{"libwebkit2gtk-4.1-0", "libgtk-3-0"} {
		if !bytes.Contains(deps, []byte(want)) {
			t.Errorf("Depends %q does not name %s", deps, want)
		}
	}
	if bytes.Contains(deps, []byte("-dev")) {
		t.Errorf("Depends %q names a -dev package", deps)
	}
}

// desktopEntryValue reads a key of the installed desktop entry.
func desktopEntryValue(t *testing.T, key string) string {
	t.Helper()
	data, err := os.ReadFile("/usr/share/applications/qwendesk.desktop")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			return v
		}
	}
	t.Fatalf("the desktop entry has no %s", key)
	return ""
}

// windowProps reads the title, class and whether the window carries an icon.
func windowProps(t *testing.T, window string) (title, class string, hasIcon bool) {
	t.Helper()
	out, err := exec.Command("xdotool", "getwindowname", window).Output()
	if err != nil {
		t.Fatal(err)
	}
	title = strings.TrimSpace(string(out))
	out, _ = exec.Command("xprop", "-id", window, "WM_CLASS").Output()
	class = strings.TrimSpace(string(out))
	// -len 8: just the first image's width and height, which xprop shows as "Icon (W x H)".
	out, _ = exec.Command("xprop", "-id", window, "-len", "8", "_NET_WM_ICON").Output()
	hasIcon = bytes.Contains(out, []byte("Icon (256 x 256)"))
	return title, class, hasIcon
}

func TestDebInstallLaunchAndUpgradeKeepHistoryAndKey(t *testing.T) {
	oldDeb, newDeb := mustEnv(t, "QWENDESK_DEB_OLD"), mustEnv(t, "QWENDESK_DEB_NEW")
	oldVersion, newVersion := mustEnv(t, "QWENDESK_VERSION_OLD"), mustEnv(t, "QWENDESK_VERSION_NEW")
	oldDebVersion, newDebVersion := mustEnv(t, "QWENDESK_DEB_VERSION_OLD"), mustEnv(t, "QWENDESK_DEB_VERSION_NEW")
	// The default data folder, as an installed app finds it (no QWENDESK_DATA_DIR).
	dataDir := filepath.Join(mustEnv(t, "XDG_CONFIG_HOME"), "QwenDesk")
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}
	clearKeychain(t)
	key := testKey(t)
	fake := fakedashscope.New(fakedashscope.Options{APIKey: key, ChunkDelay: 10 * time.Millisecond})
	defer fake.Close()
	endpoint := "DASHSCOPE_BASE_URL=" + fake.BaseURL()

	// 1. Install the older release and use it: key into the keychain, one exchange.
	installDeb(t, oldDeb)
	assertInstalled(t, oldVersion, oldDebVersion)
	a := launchBinary(t, installedBin, dataDir, endpoint)
	title, class, hasIcon := windowProps(t, a.window)
	if title != "QwenDesk "+oldVersion {
		t.Errorf("title bar = %q, want the name and version %q", title, "QwenDesk "+oldVersion)
	}
	// Desktops match the window to its launcher entry (and icon) by WM_CLASS.
	if want := desktopEntryValue(t, "StartupWMClass"); !strings.Contains(class, `"`+want+`"`) {
		t.Errorf("WM_CLASS = %s, but the desktop entry's StartupWMClass is %q", class, want)
	}
	if !hasIcon {
		t.Error("the window carries no icon (_NET_WM_ICON)")
	}
	a.focus()
	screenshot(t, "20-installed-setup")
	a.typeText(key)
	a.press("Return")
	if saved := a.waitLog("key saved", 1, 15*time.Second); saved.str("source") != "keychain" {
		t.Fatalf("key saved to %q, want the keychain", saved.str("source"))
	}
	time.Sleep(1500 * time.Millisecond)
	first := "Question asked before the upgrade"
	a.typeText(first)
	a.press("Return")
	if e := a.waitLog("turn finished", 1, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("turn ended %q, want complete", e.str("status"))
	}
	a.quit()

	// 2. Upgrade over it. The next launch needs no setup: the key is still in the keychain,
	// and the conversation is still in the data folder.
	installDeb(t, newDeb)
	assertInstalled(t, newVersion, newDebVersion)
	b := launchBinary(t, installedBin, dataDir, endpoint)
	if title, _, _ := windowProps(t, b.window); title != "QwenDesk "+newVersion {
		t.Errorf("after the upgrade the title bar = %q, want %q", title, "QwenDesk "+newVersion)
	}
	b.focus()
	second := "Question asked after the upgrade"
	b.typeText(second)
	b.press("Return")
	// The log carries on from the first launch: this turn is its second.
	if e := b.waitLog("turn finished", 2, turnTimeout); e.str("status") != "complete" {
		t.Fatalf("after the upgrade the turn ended %q, want complete", e.str("status"))
	}
	assertSent(t, fake, key, second) // sent with the key saved before the upgrade
	time.Sleep(time.Second)
	screenshot(t, "21-upgraded-chat")

	// The About dialog: the sidebar's ⓘ button, bottom right of the 260 px sidebar.
	b.click(232, 733)
	time.Sleep(800 * time.Millisecond)
	screenshot(t, "22-about-version")
	b.quit()

	var texts []string
	for _, m := range storedMessages(t, dataDir) {
		texts = append(texts, m.Content)
	}
	joined := strings.Join(texts, "\n")
	if !strings.Contains(joined, first) || !strings.Contains(joined, second) {
		t.Errorf("history after the upgrade = %q, want both questions", texts)
	}
	assertNoKeyIn(t, dataDir, key)

	// 3. Removing the package leaves the user's data alone.
	asRoot(t, "apt-get", "remove", "-y", "qwendesk")
	if _, err := os.Stat(filepath.Join(dataDir, "history.db")); err != nil {
		t.Errorf("removing the package removed the history: %v", err)
	}
	clearKeychain(t)
}

// The Windows files cannot run here, but what Explorer shows can be read: the .exe and the
// installer carry the app icon and a version resource with this version.
func TestWindowsFilesCarryIconAndVersion(t *testing.T) {
	dist := mustEnv(t, "QWENDESK_DIST_DIR")
	newVersion := mustEnv(t, "QWENDESK_VERSION_NEW")
	winVersion := mustEnv(t, "QWENDESK_VERSION_WINDOWS")
	ico, err := os.Open("../build/windows/icon.ico")
	if err != nil {
		t.Fatal(err)
	}
	defer ico.Close()
	want, err := winres.LoadICO(ico)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"qwendesk-" + newVersion + "-windows-amd64.exe",
		"qwendesk-" + newVersion + "-windows-amd64-installer.exe",
	} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dist, name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rs, err := winres.LoadFromEXE(f)
			if err != nil {
				t.Fatalf("read resources: %v", err)
			}
			var icons []*winres.Icon
			rs.WalkType(winres.RT_GROUP_ICON, func(resID winres.Identifier, langID uint16, _ []byte) bool {
				if icon, err := rs.GetIconTranslation(resID, langID); err == nil {
					icons = append(icons, icon)
				}
				return true
			})
			if len(icons) == 0 {
				t.Fatal("no icon resource")
			}
			if !strings.HasSuffix(name, "installer.exe") {
				// The program's icon is ours, every size of it (the installer's is NSIS' copy).
				if !sameIcon(icons[0], want) {
					t.Error("the .exe's icon is not build/windows/icon.ico")
				}
			}
			var info *version.Info
			rs.WalkType(winres.RT_VERSION, func(_ winres.Identifier, _ uint16, data []byte) bool {
				info, err = version.FromBytes(data)
				return false
			})
			if info == nil {
				t.Fatalf("no version resource (%v)", err)
			}
			for what, v := range map[string][4]uint16{"product": info.ProductVersion, "file": info.FileVersion} {
				if got := fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]); got != winVersion {
					t.Errorf("%s version = %v, want %s", what, v, winVersion)
				}
			}
			var names, versions []string
			for _, table := range info.Table() {
				names = append(names, (*table)[version.ProductName])
				versions = append(versions, (*table)[version.ProductVersion])
			}
			if !slices.Contains(names, "QwenDesk") || !slices.ContainsFunc(versions, func(v string) bool { return strings.HasPrefix(v, winVersion) }) {
				t.Errorf("Explorer would show product %q version %q, want QwenDesk %s", names, versions, winVersion)
			}
		})
	}
}

// sameIcon compares two icons image by image, through their ICO encoding.
func sameIcon(a, b *winres.Icon) bool {
	var ab, bb bytes.Buffer
	return a.SaveICO(&ab) == nil && b.SaveICO(&bb) == nil && bytes.Equal(ab.Bytes(), bb.Bytes())
}
