// Command decode measures stream decoding: the same recorded DashScope stream decoded by
// QwenDesk's client and by the SSE + chunk parsing of openai-go v3 and go-openai, side by
// side in one process, after checking that all of them produce the same steps. See
// decoders.go for how each is fed and what "the same work" means.
//
//	cd bench/decode && go run . -out ../../build/bench/decode.json
//	cd bench/decode && go test -bench . -benchmem -count 5
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

type sample struct{ ns, allocs, bytes float64 } // per chunk

type row struct {
	Figure       string   `json:"figure"`
	QwenDesk     float64  `json:"qwendesk"`
	Baseline     float64  `json:"baseline"`
	BaselineName string   `json:"baseline_name"`
	Ratio        *float64 `json:"ratio"` // baseline / qwendesk; null when qwendesk is 0
	Goal         string   `json:"goal"`
	Met          *bool    `json:"met,omitempty"` // absent on the reference rows
	Unit         string   `json:"unit"`
	Note         string   `json:"note,omitempty"`
}

func main() {
	out := flag.String("out", "../../build/bench/decode.json", "where to write the JSON rows")
	rounds := flag.Int("rounds", 5, "interleaved rounds; the median is reported")
	flag.Parse()

	st := recorded()
	if err := check(st); err != nil {
		fmt.Fprintln(os.Stderr, "decode:", err)
		os.Exit(1)
	}
	fmt.Printf("stream: %.2f MB, %d chunks (%d steps, all decoders equal), %d bytes of text; %s %s/%s, GOMAXPROCS=%d, %d rounds\n",
		float64(len(st.Bytes))/1e6, st.Chunks, len(st.Want), st.Text, runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.GOMAXPROCS(0), *rounds)

	ps := peers(whole(st.Bytes))
	samples := make([][]sample, len(ps))
	for r := range *rounds {
		// Interleave, and rotate the order each round so that no decoder always runs first
		// (warm caches, GC debt) or last.
		for k := range ps {
			i := (k + r) % len(ps)
			res := testing.Benchmark(func(b *testing.B) { runBench(b, st, ps[i].decode) })
			if res.N == 0 {
				fmt.Fprintf(os.Stderr, "decode: %s failed\n", ps[i].Name)
				os.Exit(1)
			}
			c := float64(res.N) * float64(st.Chunks)
			samples[i] = append(samples[i], sample{
				ns:     float64(res.T.Nanoseconds()) / c,
				allocs: float64(res.MemAllocs) / c,
				bytes:  float64(res.MemBytes) / c,
			})
		}
	}

	med := make([]sample, len(ps))
	for i := range ps {
		med[i] = sample{
			ns:     median(samples[i], func(s sample) float64 { return s.ns }),
			allocs: median(samples[i], func(s sample) float64 { return s.allocs }),
			bytes:  median(samples[i], func(s sample) float64 { return s.bytes }),
		}
	}

	fmt.Printf("\n%-24s %12s %14s %14s %12s   %s\n", "decoder", "ns/chunk", "allocs/chunk", "B/chunk", "MB/s", "ns/chunk per round")
	for i, p := range ps {
		var per []string
		for _, s := range samples[i] {
			per = append(per, fmt.Sprintf("%.0f", s.ns))
		}
		mbps := float64(len(st.Bytes)) / (med[i].ns * float64(st.Chunks)) * 1e3
		fmt.Printf("%-24s %12.1f %14.2f %14.1f %12.1f   %v\n", p.Name, med[i].ns, med[i].allocs, med[i].bytes, mbps, per)
	}

	// ps[0] is QwenDesk, ps[1] and ps[2] the peers, ps[3] the reference decoder; the
	// baseline is the faster of the two peers.
	q := med[0]
	fast, slow := 1, 2
	if med[2].ns < med[1].ns {
		fast, slow = 2, 1
	}
	rows := []row{
		{Figure: "Stream decoding: ns per chunk", QwenDesk: q.ns, Baseline: med[fast].ns, BaselineName: ps[fast].Name,
			Ratio: ratio(med[fast].ns, q.ns), Goal: "≥ 2× faster than the faster peer", Met: ptr(med[fast].ns >= 2*q.ns), Unit: "ns",
			Note: fmt.Sprintf("before timing, every decoder's %d steps on this stream (text, reasoning, finish reason, usage, "+
				"%d interleaved tool calls) were checked equal to the generator's; `make test` checks the same on the fault corpus "+
				"(CRLF, comments, multi-line data, [DONE], split reads, split UTF-8, null content, usage with no choices; "+
				"go-openai fails multi-line data). Same work: each turns every chunk into the same step and assembles tool calls. "+
				"Not the same: QwenDesk decodes only the fields it uses, the peers their full chunk types (what their APIs return); "+
				"the reference row %q does QwenDesk's JSON work with encoding/json behind openai-go's SSE decoder (%.1f× here)",
				len(st.Want), toolCalls, ps[3].Name, med[3].ns/q.ns)},
		{Figure: "Stream decoding: allocations per chunk", QwenDesk: q.allocs, Baseline: med[fast].allocs, BaselineName: ps[fast].Name,
			Ratio: ratio(med[fast].allocs, q.allocs), Goal: "fewer than the faster peer", Met: ptr(q.allocs < med[fast].allocs), Unit: "allocs"},
	}
	// One row per peer and figure, for transparency: the faster peer's rows repeat the goal
	// rows' baselines without a goal, so each peer has a complete set.
	for _, i := range []int{fast, slow, 3} {
		rows = append(rows,
			row{Figure: "Stream decoding: ns per chunk vs " + ps[i].Name, QwenDesk: q.ns, Baseline: med[i].ns, BaselineName: ps[i].Name,
				Ratio: ratio(med[i].ns, q.ns), Goal: "reference", Unit: "ns"},
			row{Figure: "Stream decoding: allocations per chunk vs " + ps[i].Name, QwenDesk: q.allocs, Baseline: med[i].allocs, BaselineName: ps[i].Name,
				Ratio: ratio(med[i].allocs, q.allocs), Goal: "reference", Unit: "allocs"},
			row{Figure: "Stream decoding: bytes allocated per chunk vs " + ps[i].Name, QwenDesk: q.bytes, Baseline: med[i].bytes, BaselineName: ps[i].Name,
				Ratio: ratio(med[i].bytes, q.bytes), Goal: "reference", Unit: "B"},
		)
	}

	fmt.Printf("\n%-42s %10s %10s %-14s %8s  %-34s %s\n", "figure", "QwenDesk", "baseline", "(name)", "ratio", "goal", "met")
	for _, r := range rows {
		met := ""
		if r.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*r.Met]
		}
		rs := "—"
		if r.Ratio != nil {
			rs = fmt.Sprintf("%.2f×", *r.Ratio)
		}
		fmt.Printf("%-64s %10.2f %10.2f %-24s %8s  %-34s %s\n", r.Figure, r.QwenDesk, r.Baseline, r.BaselineName, rs, r.Goal, met)
	}

	data, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		panic(err)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "decode:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "decode:", err)
		os.Exit(1)
	}
	fmt.Println("\nwrote", *out)
}

func median(s []sample, f func(sample) float64) float64 {
	v := make([]float64, len(s))
	for i := range s {
		v[i] = f(s[i])
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func ratio(baseline, q float64) *float64 {
	if q == 0 || math.IsNaN(baseline/q) {
		return nil
	}
	return ptr(baseline / q)
}

func ptr[T any](v T) *T { return &v }
