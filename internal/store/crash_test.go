package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

const crashHelperEnv = "QWENDESK_STORE_CRASH_HELPER_DIR"

// crashContent is the reply text after checkpoint n: each checkpoint appends one line, so
// the text on disk tells exactly which checkpoint it came from.
func crashContent(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "checkpoint %05d: 今天天气很好, the quick brown fox jumps over the lazy dog.\n", i)
	}
	return b.String()
}

// TestHelperProcess is not a test: TestKillMidStream re-runs the test binary with
// crashHelperEnv set to act as an app that streams a reply until it is killed.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(crashHelperEnv)
	if dir == "" {
		t.Skip("helper process for TestKillMidStream")
	}
	s, _, err := Open(dir, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	must := func(err error) {
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
	}
	must(s.CreateConversation(ctx, Conversation{ID: "conv", Title: "crash"}))
	must(s.AddMessage(ctx, Message{ID: "user", ConversationID: "conv", Role: RoleUser, Content: "tell me a long story"}))
	reply := Message{ID: "reply", ConversationID: "conv", ParentID: "user", Role: RoleAssistant, Status: StatusStreaming}
	must(s.AddMessage(ctx, reply))
	fmt.Println("0")
	var b strings.Builder
	for n := 1; ; n++ {
		fmt.Fprintf(&b, "checkpoint %05d: 今天天气很好, the quick brown fox jumps over the lazy dog.\n", n)
		reply.Content = b.String()
		reply.Reasoning = strconv.Itoa(n)
		must(s.UpdateMessage(ctx, reply))
		fmt.Println(n) // only after the checkpoint returned
	}
}

func TestKillMidStream(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	// Kill after the parent has seen this many completed checkpoints.
	for _, killAfter := range []int{0, 1, 9, 40, 120} {
		t.Run(fmt.Sprint(killAfter), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashHelperEnv+"="+dir)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			seen := -1
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				n, err := strconv.Atoi(sc.Text())
				if err != nil {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("helper said %q", sc.Text())
				}
				seen = n
				if n >= killAfter {
					break
				}
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if seen < killAfter {
				t.Fatalf("helper stopped after %d checkpoints", seen)
			}

			s, rep := openTest(t, dir)
			if rep.Interrupted != 1 || rep.MovedAside != "" {
				t.Fatalf("report = %+v", rep)
			}
			if u, err := s.Message(ctx, "user"); err != nil || u.Content != "tell me a long story" {
				t.Fatalf("user message lost: %+v %v", u, err)
			}
			r, err := s.Message(ctx, "reply")
			if err != nil {
				t.Fatalf("reply lost: %v", err)
			}
			// The text is that of one whole checkpoint, at least the last one reported.
			got := 0
			if r.Reasoning != "" {
				got, _ = strconv.Atoi(r.Reasoning)
			}
			if r.Status != StatusIncomplete || got < seen || r.Content != crashContent(got) {
				t.Fatalf("reply: status %q, checkpoint %d (reported %d), content consistent: %v",
					r.Status, got, seen, r.Content == crashContent(got))
			}
			s.Close()
			integrityOK(t, rep.Path)
		})
	}
}
