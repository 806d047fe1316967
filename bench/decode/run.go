package main

import (
	"runtime"
	"testing"
)

// runBench decodes the whole recorded stream once per iteration and reports per-chunk
// figures. It is shared by the go test benchmarks and by main's side-by-side run.
func runBench(b *testing.B, st Stream, decode func(sink) error) {
	b.ReportAllocs()
	b.SetBytes(int64(len(st.Bytes)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		var k countSink
		if err := decode(&k); err != nil {
			b.Fatal(err)
		}
		if k.text != st.Text {
			b.Fatalf("decoded %d bytes of text, want %d", k.text, st.Text)
		}
		n++
	}
	runtime.ReadMemStats(&after)
	chunks := float64(n) * float64(st.Chunks)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/chunks, "ns/chunk")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/chunks, "allocs/chunk")
}
