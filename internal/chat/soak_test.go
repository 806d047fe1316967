package chat

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// A bounded soak: hundreds of turns, several conversations streaming at once. Afterwards no
// goroutine is left behind and the heap has not grown beyond what the stored history
// explains.
func TestSoakManyTurnsInParallel(t *testing.T) {
	if testing.Short() {
		t.Skip("soak skipped in -short mode")
	}
	const conversations, turnsEach = 4, 60
	h := newHarness(t, 0)
	convs := make([]Conversation, conversations)
	for i := range convs {
		convs[i] = h.conv(t)
	}
	settle := func() (goroutines int, heap uint64) {
		h.svc.Wait(10 * time.Second)
		// Kept-alive connections (two goroutines each) are a pool, not a leak.
		h.svc.cfg.Streamer.(ClientStreamer).Client.CloseIdleConnections()
		for i := 0; i < 50 && runtime.NumGoroutine() > goroutines; i++ {
			goroutines = runtime.NumGoroutine()
			time.Sleep(20 * time.Millisecond)
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return runtime.NumGoroutine(), m.HeapAlloc
	}
	// One warm-up turn per conversation so pools and connections exist before measuring.
	for _, c := range convs {
		h.rec.waitEnd(t, h.send(t, context.Background(), c.ID, "warm up").RequestID)
	}
	g0, heap0 := settle()

	var wg sync.WaitGroup
	errs := make(chan error, conversations)
	for _, c := range convs {
		wg.Add(1)
		go func(c Conversation) {
			defer wg.Done()
			for i := 0; i < turnsEach; i++ {
				turn, err := h.svc.Send(context.Background(), SendInput{ConversationID: c.ID, Text: fmt.Sprintf("turn %d", i), Model: "qwen-plus", RequestID: NewID("req")}, nil)
				if err != nil {
					errs <- err
					return
				}
				if evs := h.rec.waitEnd(t, turn.RequestID); evs[len(evs)-1].name != EventDone {
					errs <- fmt.Errorf("turn %d ended with %s", i, evs[len(evs)-1].name)
					return
				}
			}
		}(c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	g1, heap1 := settle()
	t.Logf("soak: %d turns; goroutines %d → %d; heap %.1f MB → %.1f MB", conversations*turnsEach, g0, g1, float64(heap0)/1e6, float64(heap1)/1e6)
	if g1 > g0+2 {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
	// The recorder keeps every event (~45 per turn) and the store's cache grows a little;
	// 30 MB is far above that and far below a leak of the streams themselves.
	if heap1 > heap0+30<<20 {
		t.Errorf("heap grew from %d to %d bytes over %d turns", heap0, heap1, conversations*turnsEach)
	}
}
