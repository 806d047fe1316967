// QwenDesk is a native desktop chat client for Alibaba Cloud's Qwen models. main wires the
// services together and hands the window to Wails; it holds no logic of its own.
package main

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sync/atomic"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"qwendesk/internal/applog"
	"qwendesk/internal/buildinfo"
	"qwendesk/internal/csp"
	"qwendesk/internal/secrets"
	"qwendesk/internal/store"
)

//go:embed all:frontend/dist
var assets embed.FS

// appIcon is the window icon on Linux and the About icon on macOS (Windows takes it from the
// .exe's resources). scripts/icons.sh renders it from build/appicon.svg. 256 px, not 1024:
// GDK silently drops a window icon larger than the X server's maximum request.
//
//go:embed build/linux/icons/256.png
var appIcon []byte

// version (the git tag) and commit are set at build time with -ldflags "-X main.version=…
// -X main.commit=…" (Makefile).
var version, commit string

func main() {
	build := buildinfo.Read(version, commit)
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "-version") {
		fmt.Println(build.String())
		return
	}
	if err := run(build); err != nil {
		fmt.Fprintln(os.Stderr, "QwenDesk could not start:", err)
		os.Exit(1)
	}
}

func run(build buildinfo.Info) error {
	dataDir, err := dataFolder()
	if err != nil {
		return err
	}
	// Before anything touches the data folder: the first instance owns it.
	if handOver(instanceID(dataDir)) {
		return nil
	}
	baseLog, logFile, err := applog.Open(dataDir)
	if err != nil {
		return fmt.Errorf("open the log in %s: %w", dataDir, err)
	}
	defer logFile.Close()

	wd, _ := os.Getwd()
	keys := secrets.New(secrets.Options{DotEnvDirs: []string{wd, dataDir}})
	// Last line of defence: any key the store has seen is scrubbed from every log line.
	logger := slog.New(applog.NewRedactingHandler(baseLog.Handler(), keys.KnownSecrets))

	emitter := &wailsEmitter{}
	// The history (and the settings in it) open once the window is up, see startup.go.
	approver := newApprovals(emitter, logger)
	var app *App // the tool layer asks it whether a conversation has tools off
	toolServers, err := newToolsManager(dataDir, keys, func(id string) bool { return app.toolsEnabled(id) },
		approver, emitter, logger, build.Version)
	if err != nil {
		// Chat works without tools; Settings → Tools says they are unavailable.
		logger.Error("tool servers unavailable", "error", err.Error())
		toolServers = nil
	}
	app = NewApp(AppConfig{
		Tools:      toolServers,
		Approvals:  approver,
		Keys:       keys,
		Desktop:    wailsDesktop{emitter: emitter},
		Emitter:    emitter,
		Logger:     logger,
		DataDir:    dataDir,
		Build:      build,
		EnvBaseURL: os.Getenv("DASHSCOPE_BASE_URL"),
	})

	// Waits for the history to be closed, or for a migration cut short by the quit to roll back.
	defer app.closeServices()

	return wails.Run(&options.App{
		Title:            build.Title(),
		Width:            1100,
		Height:           760,
		MinWidth:         640,
		MinHeight:        480,
		BackgroundColour: &options.RGBA{R: 250, G: 250, B: 250, A: 255},
		AssetServer: &assetserver.Options{
			Assets:     assets,
			Middleware: csp.Middleware(contentSecurityPolicy()),
		},
		OnStartup: func(ctx context.Context) {
			emitter.ctx.Store(&ctx)
			app.startup(ctx)
		},
		// The history opens once the page is up, not in OnStartup: on Linux Wails runs
		// OnStartup on a goroutine while it is still checking the single-instance lock, so a
		// second launch would start opening (and migrating) the file before it exits.
		OnDomReady: func(ctx context.Context) {
			if domReadyHook != nil {
				domReadyHook(ctx)
			}
			app.openInBackground(func(ctx context.Context, progress func(store.Progress)) (services, error) {
				return openServices(ctx, dataDir, logger, progress)
			})
		},
		// Wails 2.16 quits the GTK loop itself on SIGINT/SIGTERM and then runs OnShutdown,
		// which stops and records streaming replies. A second signal handler here would call
		// into GTK from another thread at the same time and abort the process.
		OnShutdown:     app.shutdown,
		ErrorFormatter: formatError,
		// One window per data folder: a second launch focuses the first instead of racing
		// it for the same files. Tests with their own data folder run beside a user's app.
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId: instanceID(dataDir),
			OnSecondInstanceLaunch: func(options.SecondInstanceData) {
				logger.Info("second launch: showing this window")
				if ctx := emitter.context(); ctx != nil {
					runtime.WindowUnminimise(ctx)
					runtime.Show(ctx)
				}
			},
		},
		Menu: appMenu(),
		Mac: &mac.Options{About: &mac.AboutInfo{
			Title:   build.Title(),
			Message: "A native desktop client for Alibaba Cloud's Qwen models.\n" + build.String(),
			Icon:    appIcon,
		}},
		// No GPU compositing in the webview: a chat window gains nothing from it, and it
		// costs about 60 MB in the web process (measured by cmd/benchapp). Wails uses this
		// policy only when Linux options are nil, so it is set explicitly. Measured and left
		// out: the DOCUMENT_VIEWER cache model, MALLOC_ARENA_MAX, GOGC (no change), and
		// JSC_useJIT=false (−10 MB of 430, but every script — Markdown, KaTeX, highlighting
		// of a long conversation — would run in the interpreter).
		Linux: &linux.Options{ProgramName: "QwenDesk", Icon: appIcon, WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
		Bind:  []interface{}{app},
	})
}

// appMenu is the native menu. macOS needs its standard Edit menu or Cmd+C/V/Z do nothing
// in the webview; Windows and Linux handle those keys in the webview and get no menu bar.
func appMenu() *menu.Menu {
	if goruntime.GOOS != "darwin" {
		return nil
	}
	return menu.NewMenuFromItems(menu.AppMenu(), menu.EditMenu(), menu.WindowMenu())
}

// dataFolder is QWENDESK_DATA_DIR, or QwenDesk in the OS's per-user config folder.
func dataFolder() (string, error) {
	dir := os.Getenv("QWENDESK_DATA_DIR")
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the user config folder (set QWENDESK_DATA_DIR): %w", err)
		}
		dir = filepath.Join(base, "QwenDesk")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create the data folder %s: %w", dir, err)
	}
	return dir, nil
}

// instanceID names the single-instance lock of one data folder.
func instanceID(dataDir string) string { return "qwendesk-" + shortHash(dataDir) }

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// domReadyHook is nil except in the window benchmark's build (-tags benchprobe), whose
// benchprobe.go sets it to install its DOM probe; make build and make dist never have one.
var domReadyHook func(context.Context)

// wailsEmitter sends chat events to the window. Wails' EventsEmit calls log.Fatalf on a
// context it did not make, so nothing is sent before OnStartup hands over the real one.
type wailsEmitter struct {
	ctx atomic.Pointer[context.Context]
}

func (e *wailsEmitter) context() context.Context {
	if p := e.ctx.Load(); p != nil {
		return *p
	}
	return nil
}

func (e *wailsEmitter) Emit(name string, payload any) {
	if ctx := e.context(); ctx != nil {
		runtime.EventsEmit(ctx, name, payload)
	}
}
