package main

import "testing"

func TestAllDecodersAgree(t *testing.T) {
	st := recorded()
	if len(st.Bytes) < 4<<20 || st.Chunks < 30000 {
		t.Fatalf("stream is %d bytes / %d chunks; want several MB and 30,000+ chunks", len(st.Bytes), st.Chunks)
	}
	if err := check(st); err != nil {
		t.Fatal(err)
	}
	if a, b := generate(genSeed), generate(genSeed); string(a.Bytes) != string(b.Bytes) {
		t.Fatal("generator is not deterministic")
	}
}

func benchDecoder(b *testing.B, name string) {
	st := recorded()
	var dec func() (int, error)
	for _, p := range peers(st) {
		if p.Name == name {
			dec = p.decode
		}
	}
	runBench(b, st, dec)
}

func BenchmarkDecodeQwenDesk(b *testing.B) { benchDecoder(b, "QwenDesk") }
func BenchmarkDecodeOpenAIGo(b *testing.B) { benchDecoder(b, "openai-go v3") }
func BenchmarkDecodeGoOpenAI(b *testing.B) { benchDecoder(b, "go-openai") }
