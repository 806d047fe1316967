//go:build e2e && install

// The release files from `make dist`, used the way a user uses them: the .deb is installed
// with apt on this machine, the installed /usr/bin/qwendesk is launched under Xvfb with a
// window manager (so screenshots show its title bar and icon), then a newer .deb is installed
// over it and the history and the key must still be there. The Windows installer is run under
// wine. Run by scripts/test-install.sh.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
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

	// The About dialog of the installed, upgraded app says the new version.
	b.clickControl("push button", uiString(t, "en", "sidebar.about"))
	_, tree, at := waitNode(t, 10*time.Second, "the About dialog", func(n axNode) bool { return n.Role == "dialog" && n.Name == "QwenDesk" })
	if want := strings.ReplaceAll(uiString(t, "en", "about.version"), "{version}", newVersion); !strings.Contains(treeText(subtree(tree, at)), want) {
		t.Errorf("the installed app's About does not show %q:\n%s", want, treeText(subtree(tree, at)))
	}
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

// The Windows program cannot run here (TestWindowsInstallerUnderWine says why), but what
// Explorer shows can be read: the .exe and the installer carry the app icon and a version
// resource with this version.
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

// The Windows installer, run: Debian's wine runs the NSIS installer silently in a private
// prefix, the way `QwenDesk-…-installer.exe /S` runs on Windows, and then its uninstaller.
// What a Windows user would find is checked: the program, the uninstaller, the Start-menu and
// desktop shortcuts, the entry in Apps & features, and that uninstalling removes all of them
// but leaves the history in %AppData%\QwenDesk. The app itself cannot start under Debian 12's
// wine 8.0 (see the end of the test and README, Windows).
func TestWindowsInstallerUnderWine(t *testing.T) {
	dist := mustEnv(t, "QWENDESK_DIST_DIR")
	newVersion := mustEnv(t, "QWENDESK_VERSION_NEW")
	winVersion := mustEnv(t, "QWENDESK_VERSION_WINDOWS")
	installer := filepath.Join(dist, "qwendesk-"+newVersion+"-windows-amd64-installer.exe")
	exe := filepath.Join(dist, "qwendesk-"+newVersion+"-windows-amd64.exe")
	for _, f := range []string{installer, exe} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%v (make dist)", err)
		}
	}
	start := time.Now()
	w := newWinePrefix(t)
	t.Logf("wine prefix ready in %s", time.Since(start).Round(100*time.Millisecond))

	// Where the installer puts things, from wails_tools.nsh (generated by wails build) and
	// project.nsi: it asks for admin rights, so the shortcuts go to the all-users folders;
	// the program goes to $PROGRAMFILES64\<companyName>\<productName> (both "QwenDesk").
	programFiles := w.expand("%ProgramW6432%")
	instDir := programFiles + `\QwenDesk\QwenDesk`
	startMenuLnk := w.expand("%ProgramData%") + `\Microsoft\Windows\Start Menu\Programs\QwenDesk.lnk`
	desktopLnk := w.expand("%PUBLIC%") + `\Desktop\QwenDesk.lnk`
	appData := w.expand("%APPDATA%") // where os.UserConfigDir points the app on Windows
	const uninstKey = `HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\QwenDeskQwenDesk`

	// The installer runs Microsoft's WebView2 bootstrapper (a download) unless the runtime's
	// registry key says it is installed, as it is on Windows 11 and updated Windows 10. The key
	// is set so that the test does not depend on the network; the bootstrapper branch is not
	// tested here.
	w.mustRun(time.Minute, "reg", "add", `HKLM\SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}`,
		"/v", "pv", "/t", "REG_SZ", "/d", "120.0.2210.91", "/f", "/reg:64")

	// 1. Install, silently.
	step := time.Now()
	w.mustRun(3*time.Minute, installer, "/S")
	w.waitIdle()
	t.Logf("installed in %s", time.Since(step).Round(100*time.Millisecond))

	installed, err := os.ReadFile(w.unixPath(instDir + `\QwenDesk.exe`))
	if err != nil {
		t.Fatalf("the installer did not install the program: %v", err)
	}
	built, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(installed, built) {
		t.Errorf("the installed QwenDesk.exe (%d bytes) is not this build's %s (%d bytes)", len(installed), filepath.Base(exe), len(built))
	}
	if _, err := os.Stat(w.unixPath(instDir + `\uninstall.exe`)); err != nil {
		t.Errorf("the installer wrote no uninstaller: %v", err)
	}
	for _, lnk := range []string{startMenuLnk, desktopLnk} {
		assertShortcut(t, w.unixPath(lnk), instDir+`\QwenDesk.exe`)
	}
	// Apps & features reads the 64-bit registry view, where the installer writes (SetRegView 64).
	entry, ok := w.regQuery(uninstKey)
	if !ok {
		t.Fatalf("no uninstall entry %s: QwenDesk would not be listed in Apps & features", uninstKey)
	}
	for name, want := range map[string]string{
		"DisplayName": "QwenDesk",
		// The installer's version is wails.json's productVersion, set by dist.sh to the
		// numeric form of the build's version (what the .exe's version resource says too).
		"DisplayVersion":       winVersion,
		"Publisher":            "QwenDesk",
		"DisplayIcon":          instDir + `\QwenDesk.exe`,
		"UninstallString":      `"` + instDir + `\uninstall.exe"`,
		"QuietUninstallString": `"` + instDir + `\uninstall.exe" /S`,
	} {
		if entry[name] != want {
			t.Errorf("uninstall entry %s = %q, want %q", name, entry[name], want)
		}
	}

	// 2. The user's history, where the app keeps it on Windows, and WebView2's cache, which
	// it keeps in %AppData%\<exe name> (go-webview2's default; the app sets no other).
	history := w.unixPath(appData + `\QwenDesk\history.db`)
	historyBytes := []byte("SQLite format 3\x00 a conversation the uninstaller must keep")
	webviewCache := w.unixPath(appData + `\QwenDesk.exe\EBWebView\Local State`)
	for path, data := range map[string][]byte{history: historyBytes, webviewCache: []byte("{}")} {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// 3. Uninstall the way Apps & features does when asked for a quiet uninstall. An NSIS
	// uninstaller copies itself to %TEMP% and runs the copy, which does the work after the
	// first process has exited: waitIdle waits for the copy too.
	step = time.Now()
	w.mustRun(3*time.Minute, instDir+`\uninstall.exe`, "/S")
	w.waitIdle()
	t.Logf("uninstalled in %s", time.Since(step).Round(100*time.Millisecond))
	for what, path := range map[string]string{
		"the program folder":      instDir,
		"the Start-menu shortcut": startMenuLnk,
		"the desktop shortcut":    desktopLnk,
		// The folder above is the company's, made by the installer and empty now.
		"the empty QwenDesk folder in Program Files": programFiles + `\QwenDesk`,
		"WebView2's cache":                           appData + `\QwenDesk.exe`,
	} {
		if _, err := os.Lstat(w.unixPath(path)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("uninstalling left %s: %s (%v)", what, path, err)
		}
	}
	if _, ok := w.regQuery(uninstKey); ok {
		t.Errorf("uninstalling left the entry %s in Apps & features", uninstKey)
	}
	if got, err := os.ReadFile(history); err != nil || !bytes.Equal(got, historyBytes) {
		t.Errorf("uninstalling did not keep %s\\QwenDesk\\history.db: %q %v", appData, got, err)
	}

	// 4. README says the app cannot run under this wine: Go 1.24+ programs load
	// bcryptprimitives.dll for ProcessPrng at start-up, and wine 8.0 has no such DLL. When a
	// newer wine runs it, this fails so that README (and this test) can say more.
	out, code, err := w.run(time.Minute, exe, "--version")
	if err != nil {
		t.Fatal(err)
	}
	const wantErr = "fatal error: bcryptprimitives.dll not found"
	if code == 0 || !strings.Contains(out, wantErr) {
		t.Errorf("QwenDesk.exe --version under wine exited %d with %q; README says it stops with %q", code, out, wantErr)
	}
	t.Logf("the whole wine run took %s", time.Since(start).Round(100*time.Millisecond))
}

// assertShortcut checks that a .lnk file is a shell link to target. The target's path is
// stored in the link's LinkInfo as plain text.
func assertShortcut(t *testing.T, path, target string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("the installer made no shortcut %s: %v", path, err)
		return
	}
	// A header of 0x4C bytes, then the shell link CLSID 00021401-0000-0000-C000-000000000046.
	header := []byte{0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46}
	if !bytes.HasPrefix(data, header) {
		t.Errorf("%s is not a shell link", path)
	}
	if !bytes.Contains(data, []byte(target)) {
		t.Errorf("the shortcut %s does not point at %s", path, target)
	}
}

// winePrefix is a private Windows installation made for one test, in the test's temporary
// folder: nothing is shared with another wine user of this machine, and its wineserver (the
// only one the test stops) goes with it.
type winePrefix struct {
	t   *testing.T
	dir string
	env []string
}

func newWinePrefix(t *testing.T) *winePrefix {
	t.Helper()
	if _, err := exec.LookPath("wine"); err != nil {
		t.Fatal("wine is not installed (scripts/setup.sh installs wine, wine64 and wine32)")
	}
	w := &winePrefix{t: t, dir: t.TempDir()}
	for _, kv := range os.Environ() {
		// No display: a silent install needs none, and without one a program that wants to
		// show a window (a prompt, an error box) fails instead of waiting for a click.
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") && !strings.HasPrefix(kv, "WINE") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env,
		"WINEPREFIX="+w.dir, "WINEARCH=win64", "WINEDEBUG=-all",
		// No Mono or Gecko download prompts on the first boot (nothing here uses .NET or
		// MSHTML), and no menu entries written for the shortcuts into this HOME.
		"WINEDLLOVERRIDES=mscoree,mshtml=;winemenubuilder.exe=d")
	// Registered after t.TempDir, so it runs before the folder is removed.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "wineserver", "-k")
		cmd.Env = w.env
		_ = cmd.Run()
	})
	// The first boot of a prefix writes its registry and system folders (the slow part).
	w.mustRun(3*time.Minute, "wineboot", "--init")
	w.waitIdle()
	// The installer refuses anything older than Windows 10 (wails.checkArchitecture).
	w.mustRun(time.Minute, "winecfg", "/v", "win10")
	if v, _ := w.regQuery(`HKLM\Software\Microsoft\Windows NT\CurrentVersion`); v["CurrentVersion"] != "10.0" {
		t.Fatalf("winecfg /v win10 did not set Windows 10: CurrentVersion = %q", v["CurrentVersion"])
	}
	return w
}

// run runs a Windows program (or wineboot, winecfg, reg …) in the prefix, and returns its
// output and exit status; err is for a program that could not run or did not end in time.
func (w *winePrefix) run(timeout time.Duration, args ...string) (string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	name := "wine"
	if args[0] == "wineboot" || args[0] == "winecfg" {
		name, args = args[0], args[1:]
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = w.env
	cmd.Dir = w.dir
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), -1, fmt.Errorf("%s %s did not end within %s", name, strings.Join(args, " "), timeout)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode(), nil
	}
	if err != nil {
		return string(out), -1, err
	}
	return string(out), 0, nil
}

func (w *winePrefix) mustRun(timeout time.Duration, args ...string) string {
	w.t.Helper()
	out, code, err := w.run(timeout, args...)
	if err != nil || code != 0 {
		w.t.Fatalf("wine %s: exit %d %v\n%s", strings.Join(args, " "), code, err, out)
	}
	return out
}

// waitIdle waits until every process of the prefix has ended (wineserver -w).
func (w *winePrefix) waitIdle() {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wineserver", "-w")
	cmd.Env = w.env
	if out, err := cmd.CombinedOutput(); err != nil {
		w.t.Fatalf("wineserver -w: %v %s (a Windows process did not end)", err, out)
	}
}

// expand returns an environment variable as Windows programs in the prefix see it.
func (w *winePrefix) expand(variable string) string {
	w.t.Helper()
	v := strings.TrimSpace(w.mustRun(time.Minute, "cmd", "/c", "echo", variable))
	if v == "" || v == variable {
		w.t.Fatalf("%s is not set in the wine prefix", variable)
	}
	return v
}

// unixPath maps a path on the prefix's C: drive to this machine's file system.
func (w *winePrefix) unixPath(windowsPath string) string {
	w.t.Helper()
	rest, ok := strings.CutPrefix(windowsPath, `C:\`)
	if !ok {
		w.t.Fatalf("%s is not on C:", windowsPath)
	}
	return filepath.Join(w.dir, "drive_c", filepath.FromSlash(strings.ReplaceAll(rest, `\`, "/")))
}

// regQuery reads a registry key's values in the 64-bit view (Debian's wine command is the
// 32-bit loader, whose reg.exe would otherwise see the 32-bit view). ok is false when the key
// does not exist.
func (w *winePrefix) regQuery(key string) (values map[string]string, ok bool) {
	w.t.Helper()
	out, code, err := w.run(time.Minute, "reg", "query", key, "/reg:64")
	if err != nil {
		w.t.Fatal(err)
	}
	if code != 0 {
		return nil, false
	}
	values = map[string]string{}
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r", ""), "\n") {
		// "    Name    REG_SZ    Value": four spaces around the type.
		name, rest, found := strings.Cut(strings.TrimPrefix(line, "    "), "    REG_")
		if !found {
			continue
		}
		if _, value, found := strings.Cut(rest, "    "); found {
			values[name] = value
		}
	}
	return values, true
}
