// Command benchempty is the floor of the memory benchmark (cmd/benchapp): a Wails v2 window
// with a near-empty page, the same size, background and Linux WebKit options as QwenDesk's
// (main.go), no bindings and no Go services. What it costs at idle is what any Wails app
// costs before its own code runs. Build it with the tags of QwenDesk's production build
// (wails build -tags webkit2_41 runs go build -tags desktop,webkit2_41,production
// -ldflags "-w -s"); scripts/bench-app.sh does:
//
//	go build -tags desktop,production,webkit2_41 -ldflags "-w -s" -o benchempty ./cmd/benchempty
package main

import (
	"embed"
	"fmt"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

// index.html is the whole frontend: one line of text, so the benchmark can see the first paint
// (a screenshot with some distinct colours), and nothing else. Embedded like QwenDesk's
// frontend/dist.
//
//go:embed index.html
var assets embed.FS

func main() {
	err := wails.Run(&options.App{
		Title:            "benchempty",
		Width:            1100,
		Height:           760,
		MinWidth:         640,
		MinHeight:        480,
		BackgroundColour: &options.RGBA{R: 250, G: 250, B: 250, A: 255},
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		// As main.go: no GPU compositing in the webview. QwenDesk's window icon is left out
		// (a 256 px pixbuf).
		Linux: &linux.Options{ProgramName: "benchempty", WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchempty:", err)
		os.Exit(1)
	}
}
