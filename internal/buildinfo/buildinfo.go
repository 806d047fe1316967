// Package buildinfo describes the running build — product version, commit, toolchain — for
// the title bar, the About dialog, `qwendesk --version` and bug reports.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Product is the application's name as users see it.
const Product = "QwenDesk"

// Info is what a user can read in the About dialog and paste into a bug report.
type Info struct {
	Product    string `json:"product"`
	Version    string `json:"version"`    // stamped at build time (scripts/version.sh), "dev" otherwise
	Commit     string `json:"commit"`     // short revision, "" when the build had no VCS data
	CommitTime string `json:"commitTime"` // RFC 3339, as Go recorded it
	Modified   bool   `json:"modified"`   // built from a tree with uncommitted changes
	GoVersion  string `json:"goVersion"`
	Wails      string `json:"wails"`
	Platform   string `json:"platform"` // GOOS/GOARCH
	// Summary is String(), sent along so the About dialog copies exactly what --version
	// prints instead of rebuilding it.
	Summary string `json:"summary"`
}

// wailsModule is the framework's module path; its version is the one linked in.
const wailsModule = "github.com/wailsapp/wails/v2"

// Read combines the version and commit stamped in with -ldflags (see Makefile) with what the
// Go toolchain records in every binary. wails build passes -buildvcs=false, so the commit
// has to be stamped; a plain `go build` records it itself.
func Read(version, commit string) Info {
	info := Info{
		Product:   Product,
		Version:   normalizeVersion(version),
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info.fromToolchain(bi)
	}
	if c := strings.TrimSpace(commit); c != "" {
		info.Commit = shortCommit(c)
	}
	info.Summary = info.String()
	return info
}

// fromToolchain reads the Wails version and VCS data Go records in the binary.
func (info *Info) fromToolchain(bi *debug.BuildInfo) {
	for _, dep := range bi.Deps {
		if dep.Path == wailsModule {
			info.Wails = dep.Version
			if dep.Replace != nil {
				info.Wails = dep.Replace.Version
			}
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = shortCommit(s.Value)
		case "vcs.time":
			info.CommitTime = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// normalizeVersion turns a git tag ("v0.2.0", "v0.2.0-3-gabc1234") into the form users
// read ("0.2.0", "0.2.0-3-gabc1234"); an empty stamp means a build without one.
func normalizeVersion(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "dev"
	}
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		return v[1:]
	}
	return v
}

// Title is the window title: the product and its version, so a screenshot or a glance at the
// task bar says which build is running.
func (i Info) Title() string {
	return i.Product + " " + i.Version
}

// String is the one-line form `qwendesk --version` prints and the About dialog copies.
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", i.Product, i.Version)
	var parts []string
	if i.Commit != "" {
		c := "commit " + i.Commit
		if i.Modified {
			c += " (modified)"
		}
		parts = append(parts, c)
	}
	parts = append(parts, i.GoVersion)
	if i.Wails != "" {
		parts = append(parts, "Wails "+i.Wails)
	}
	parts = append(parts, i.Platform)
	fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	return b.String()
}
