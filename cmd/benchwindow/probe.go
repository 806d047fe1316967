package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// probe talks to the DOM probe of a -tags benchprobe build: it appends commands to the
// command file the app polls and reads the JSON lines the app writes.
type probe struct {
	cmdPath string
	nextID  int

	mu      sync.Mutex
	replies map[int]chan map[string]any
	// first time (ms, the page's wall clock) each marker word was in the DOM, and the end of
	// the frame after it
	dom, painted map[string]float64
	event        map[string]float64 // when the chat:delta event carrying it reached the page
	hello        map[string]any
	lines        int
}

func newProbe(outPath string) *probe {
	p := &probe{cmdPath: outPath + ".cmd", replies: map[int]chan map[string]any{}, dom: map[string]float64{}, painted: map[string]float64{}, event: map[string]float64{}}
	go p.follow(outPath)
	return p
}

func (p *probe) follow(path string) {
	var f *os.File
	for f == nil {
		f, _ = os.Open(path)
		time.Sleep(20 * time.Millisecond)
	}
	r := bufio.NewReaderSize(f, 1<<20)
	var partial []byte
	for {
		chunk, err := r.ReadBytes('\n')
		partial = append(partial, chunk...)
		if err != nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		var line struct {
			GoRecvNs int64          `json:"goRecvNs"`
			R        map[string]any `json:"r"`
		}
		if json.Unmarshal(partial, &line) == nil && line.R != nil {
			line.R["goRecvNs"] = float64(line.GoRecvNs)
			p.handle(line.R)
		}
		partial = partial[:0]
	}
}

func (p *probe) handle(r map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines++
	switch r["k"] {
	case "batch":
		items, _ := r["items"].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			t, _ := m["t"].(float64)
			ms, _ := m["ms"].([]any)
			target := p.dom
			switch m["k"] {
			case "mp":
				target = p.painted
			case "e":
				target = p.event
			}
			for _, w := range ms {
				if s, ok := w.(string); ok {
					if _, dup := target[s]; !dup {
						target[s] = t
					}
				}
			}
		}
		return
	case "hello":
		p.hello = r
		return
	}
	if id, ok := r["id"].(float64); ok {
		if ch := p.replies[int(id)]; ch != nil {
			select {
			case ch <- r:
			default:
			}
		}
	}
}

// send appends a command and returns a channel for its reply (kind k, matched by id).
func (p *probe) send(cmd map[string]any) (chan map[string]any, error) {
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	ch := make(chan map[string]any, 4)
	p.replies[id] = ch
	p.mu.Unlock()
	cmd["id"] = id
	b, _ := json.Marshal(cmd)
	f, err := os.OpenFile(p.cmdPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	_, err = f.Write(append(b, '\n'))
	return ch, err
}

// call sends a command and waits for a reply of kind k.
func (p *probe) call(cmd map[string]any, k string, timeout time.Duration) (map[string]any, error) {
	ch, err := p.send(cmd)
	if err != nil {
		return nil, err
	}
	deadline := time.After(timeout)
	for {
		select {
		case r := <-ch:
			if r["k"] == k {
				return r, nil
			}
		case <-deadline:
			return nil, fmt.Errorf("probe: no %q reply to %v within %v", k, cmd["c"], timeout)
		}
	}
}

func (p *probe) waitHello(timeout time.Duration) (map[string]any, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		h := p.hello
		p.mu.Unlock()
		if h != nil {
			return h, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, errors.New("the probe never said hello: is this a -tags benchprobe build, and is QWENDESK_BENCH_PROBE set?")
}

// eventAt returns when the chat:delta event carrying marker reached the page.
func (p *probe) eventAt(marker string) (float64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.event[marker]
	return t, ok
}

// seen returns when marker was first in the DOM (and the frame after), if it was.
func (p *probe) seen(marker string) (dom, painted float64, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	dom, ok = p.dom[marker]
	painted = p.painted[marker]
	return
}

func num(r map[string]any, k string) float64 { v, _ := r[k].(float64); return v }
