package buildinfo

import (
	"runtime"
	"testing"
)

func TestReadNormalizesTheTagAndKeepsTheToolchain(t *testing.T) {
	cases := map[string]string{
		"v0.2.0":                  "0.2.0",
		"v1.4.0-3-gabc1234":       "1.4.0-3-gabc1234",
		"v1.4.0-3-gabc1234-dirty": "1.4.0-3-gabc1234-dirty",
		"0.9.1":                   "0.9.1",
		"":                        "dev",
		"  v2.0.0\n":              "2.0.0",
		"dev":                     "dev",
		"very-custom":             "very-custom", // not a tag: shown as given
	}
	for stamp, want := range cases {
		info := Read(stamp, "")
		if info.Version != want {
			t.Errorf("Read(%q).Version = %q, want %q", stamp, info.Version, want)
		}
		if info.Product != "QwenDesk" || info.GoVersion != runtime.Version() || info.Platform != runtime.GOOS+"/"+runtime.GOARCH {
			t.Errorf("Read(%q) = %+v", stamp, info)
		}
	}
}

func TestStampedCommitWins(t *testing.T) {
	// wails build turns off Go's VCS stamping, so the Makefile stamps the commit itself.
	if got := Read("v0.1.0", "0123456789abcdef0123").Commit; got != "0123456789ab" {
		t.Errorf("Commit = %q, want the stamped one, shortened to 12", got)
	}
}

func TestTitleAndStringNameTheVersion(t *testing.T) {
	info := Info{Product: "QwenDesk", Version: "0.2.0", Commit: "abc123def456", Modified: true,
		GoVersion: "go1.26.0", Wails: "v2.16.0", Platform: "linux/amd64"}
	if got := info.Title(); got != "QwenDesk 0.2.0" {
		t.Errorf("Title() = %q", got)
	}
	want := "QwenDesk 0.2.0 (commit abc123def456 (modified), go1.26.0, Wails v2.16.0, linux/amd64)"
	if got := info.String(); got != want {
		t.Errorf("String() = %q\nwant      %q", got, want)
	}
	bare := Info{Product: "QwenDesk", Version: "dev", GoVersion: "go1.26.0", Platform: "windows/amd64"}
	if got := bare.String(); got != "QwenDesk dev (go1.26.0, windows/amd64)" {
		t.Errorf("String() without VCS data = %q", got)
	}
}
