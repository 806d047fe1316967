package inflight

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestCancelStopsARunningRequest(t *testing.T) {
	r := New()
	ctx, cancel := context.WithCancel(context.Background())
	r.Add("req_1", cancel)
	if !r.Cancel("req_1") {
		t.Fatal("Cancel of a running request should report true")
	}
	if ctx.Err() == nil {
		t.Fatal("context not cancelled")
	}
}

func TestCancelBeforeAddIsHonoured(t *testing.T) {
	r := New()
	if r.Cancel("req_early") {
		t.Fatal("nothing was running yet")
	}
	ctx, cancel := context.WithCancel(context.Background())
	if r.Add("req_early", cancel) {
		t.Fatal("Add should report the early cancel")
	}
	if ctx.Err() == nil {
		t.Fatal("an early Stop must cancel the request when it registers")
	}
	if r.Len() != 0 {
		t.Fatal("a request cancelled at registration must not stay registered")
	}
}

func TestDoneRemovesOnlyItsOwnEntry(t *testing.T) {
	r := New()
	ctxA, cancelA := context.WithCancel(context.Background())
	_, cancelB := context.WithCancel(context.Background())
	defer cancelB()
	r.Add("req_a", cancelA)
	r.Add("req_b", cancelB)
	r.Done("req_b")
	if !r.Cancel("req_a") || ctxA.Err() == nil {
		t.Fatal("finishing one request must not free another's slot")
	}
}

func TestEarlyCancelsAreBounded(t *testing.T) {
	r := New()
	for i := 0; i < maxEarly*3; i++ {
		r.Cancel(fmt.Sprintf("req_%d", i))
	}
	if len(r.early) != maxEarly || len(r.order) != maxEarly {
		t.Fatalf("early set grew to %d", len(r.early))
	}
}

func TestConcurrentUse(t *testing.T) {
	r := New()
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := fmt.Sprintf("req_%d", i)
			_, cancel := context.WithCancel(context.Background())
			r.Add(id, cancel)
			r.Cancel(id)
			r.Done(id)
		}(i)
	}
	wg.Wait()
	if r.Len() != 0 {
		t.Fatalf("%d requests left registered", r.Len())
	}
}
