package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

const toolCrashHelperEnv = "QWENDESK_STORE_TOOL_CRASH_HELPER_DIR"

// TestToolHelperProcess is not a test: TestKillDuringToolCall re-runs the test binary with
// toolCrashHelperEnv set to act as an app whose reply calls a tool. It prints each stage
// once it is on disk: "requested" and "running" (the call is in flight: the helper then
// sleeps, as a slow tool would), then "done" and checkpoint numbers of the text after it.
func TestToolHelperProcess(t *testing.T) {
	dir := os.Getenv(toolCrashHelperEnv)
	if dir == "" {
		t.Skip("helper process for TestKillDuringToolCall")
	}
	finish := os.Getenv(toolCrashHelperEnv+"_FINISH") != ""
	s, _, err := Open(dir, Options{})
	must := func(err error) {
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
	}
	must(err)
	must(s.CreateConversation(ctx, Conversation{ID: "conv", Title: "crash"}))
	must(s.AddMessage(ctx, Message{ID: "user", ConversationID: "conv", Role: RoleUser, Content: "read the file"}))
	reply := Message{ID: "reply", ConversationID: "conv", ParentID: "user", Role: RoleAssistant, Status: StatusStreaming, Content: "Reading it."}
	must(s.AddMessage(ctx, reply))
	call := ToolCall{MessageID: "reply", CallID: "call_1", TextOffset: len(reply.Content), APIName: "fs_read", Server: "fs", Tool: "read", Arguments: `{"path":"/a"}`}
	must(s.AddToolCall(ctx, call))
	fmt.Println("requested")
	call.State = ToolStateRunning
	must(s.UpdateToolCall(ctx, call))
	fmt.Println("running")
	if !finish {
		time.Sleep(time.Minute)
		os.Exit(3)
	}
	call.State, call.Outcome, call.Result, call.DurationMs = ToolStateDone, ToolOutcomeOK, "the file's text: crocodile", 5
	must(s.UpdateToolCall(ctx, call))
	fmt.Println("done")
	for n := 1; ; n++ {
		reply.Content = "Reading it." + strings.Repeat("The file is about a crocodile. ", n)
		reply.Reasoning = strconv.Itoa(n)
		must(s.UpdateMessage(ctx, reply))
		fmt.Println(n)
	}
}

func TestKillDuringToolCall(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, tt := range []struct {
		killAt      string // the stage the parent waits for, then kills
		finish      bool
		wantOutcome string
		wantResult  string
	}{
		{"requested", false, ToolOutcomeInterrupted, InterruptedResult},
		{"running", false, ToolOutcomeInterrupted, InterruptedResult},
		{"done", true, ToolOutcomeOK, "the file's text: crocodile"},
		{"20", true, ToolOutcomeOK, "the file's text: crocodile"},
	} {
		t.Run(tt.killAt, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestToolHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), toolCrashHelperEnv+"="+dir)
			if tt.finish {
				cmd.Env = append(cmd.Env, toolCrashHelperEnv+"_FINISH=1")
			}
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			reached := false
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				line := sc.Text()
				if strings.HasPrefix(line, "error") {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("helper said %q", line)
				}
				if line == tt.killAt {
					reached = true
					break
				}
			}
			cmd.Process.Kill()
			cmd.Wait()
			if !reached {
				t.Fatalf("helper never reached %q", tt.killAt)
			}

			s, rep := openTest(t, dir)
			if rep.Interrupted != 1 {
				t.Fatalf("report %+v: the reply was not marked incomplete", rep)
			}
			r, err := s.Message(ctx, "reply")
			if err != nil || !strings.HasPrefix(r.Content, "Reading it.") || r.Status != StatusIncomplete {
				t.Fatalf("reply lost or not incomplete: %+v %v", r, err)
			}
			if n, _ := strconv.Atoi(r.Reasoning); tt.killAt == "20" && n < 20 {
				t.Fatalf("text after the call went back to checkpoint %d", n)
			}
			if len(r.ToolCalls) != 1 {
				t.Fatalf("call lost: %+v", r.ToolCalls)
			}
			tc := r.ToolCalls[0]
			if tc.State != ToolStateDone || tc.Outcome != tt.wantOutcome || tc.Result != tt.wantResult ||
				tc.Arguments != `{"path":"/a"}` || tc.TextOffset != len("Reading it.") {
				t.Fatalf("call after the crash: %+v", tc)
			}
			s.Close()
			integrityOK(t, rep.Path)
			s, _ = openTest(t, dir)
			toolIndexOK(t, s)
		})
	}
}
