package inflight

import (
	"context"
	"testing"
)

func TestBeginCancelsOnlyTheCallBefore(t *testing.T) {
	var l Latest
	first, endFirst := l.Begin(context.Background())
	second, endSecond := l.Begin(context.Background())
	if first.Err() == nil {
		t.Fatal("the first call's context should be cancelled once a second call begins")
	}
	if second.Err() != nil {
		t.Fatal("the newest call's context must stay alive")
	}
	// The first call returning late must not cancel or forget the second.
	endFirst()
	if second.Err() != nil {
		t.Fatal("ending an older call cancelled the newest one")
	}
	third, endThird := l.Begin(context.Background())
	if second.Err() == nil {
		t.Fatal("a third call should cancel the second, even after the first ended late")
	}
	endSecond()
	endThird()
	if third.Err() == nil {
		t.Fatal("a call's own end should release its context")
	}
}
