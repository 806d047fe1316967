package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// seedV3 writes a history at schema v3 (before the bigram index) holding n messages in one
// conversation, the shape a user of QwenDesk 0.1 upgrades from. Every tenth message is
// Chinese, and the last one is still streaming, as a crash mid-reply leaves it.
func seedV3(t testing.TB, dir string, n int) {
	t.Helper()
	s, _, err := open(dir, Options{Now: newClock().Now}, migrations[:3])
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.db.Exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('conv', 'old', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	// One statement: tens of thousands of rows in well under a second.
	if _, err := s.db.Exec(`
		WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?1)
		INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at)
		SELECT 'm' || n, 'conv', 'user',
			CASE WHEN n % 10 = 0 THEN '第' || n || '条：今天天气很好' ELSE 'message ' || n || ' about the weather' END,
			CASE WHEN n = ?1 THEN 'streaming' ELSE 'complete' END, n, n
		FROM i`, n); err != nil {
		t.Fatal(err)
	}
}

// recorder keeps every Progress report; Open calls it from its own goroutine.
type recorder struct {
	mu      sync.Mutex
	reports []Progress
	onEach  func(Progress)
}

func (r *recorder) record(p Progress) {
	r.mu.Lock()
	r.reports = append(r.reports, p)
	r.mu.Unlock()
	if r.onEach != nil {
		r.onEach(p)
	}
}

func (r *recorder) phase(phase Phase, version int) []Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Progress
	for _, p := range r.reports {
		if p.Phase == phase && (version == 0 || p.Version == version) {
			out = append(out, p)
		}
	}
	return out
}

// bigramCount is how many messages the bigram index finds for 天气 (Search stops at 50).
func bigramCount(t *testing.T, s *Store) int {
	t.Helper()
	return queryInt(t, s.db, `SELECT count(*) FROM messages_bigram WHERE messages_bigram MATCH '"天气"'`)
}

func smallBatches(t *testing.T, n int64) {
	old := fillBatch
	fillBatch = n
	t.Cleanup(func() { fillBatch = old })
}

// The window can only show a percentage if the store says how far the long steps are: the
// byte copy and the v4 backfill each report growing Done up to their Total, in order.
func TestUpgradeReportsProgress(t *testing.T) {
	smallBatches(t, 500)
	dir := t.TempDir()
	const n = 6000
	seedV3(t, dir, n)
	var rec recorder
	s, rep, err := Open(dir, Options{Now: newClock().Now, Progress: rec.record})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if rep.FromVersion != 3 || rep.ToVersion != len(migrations) {
		t.Fatalf("report %+v", rep)
	}

	if len(rec.reports) == 0 || rec.reports[0].Phase != PhaseChecking {
		t.Fatalf("first report should be the check, got %+v", rec.reports)
	}
	order := map[Phase]int{PhaseChecking: 0, PhaseBackup: 1, PhaseMigrating: 2}
	for i := 1; i < len(rec.reports); i++ {
		if order[rec.reports[i].Phase] < order[rec.reports[i-1].Phase] {
			t.Fatalf("phases went back: %+v then %+v", rec.reports[i-1], rec.reports[i])
		}
	}

	backup := rec.phase(PhaseBackup, 0)
	info, err := os.Stat(rep.Backup)
	if err != nil {
		t.Fatal(err)
	}
	if len(backup) < 2 || backup[len(backup)-1].Done != info.Size() || backup[len(backup)-1].Total != info.Size() {
		t.Fatalf("backup progress %+v, backup is %d bytes", backup, info.Size())
	}

	fill := rec.phase(PhaseMigrating, 4)
	var measured []Progress
	for _, p := range fill {
		if p.Step != "cjk bigram index" || p.FromVersion != 3 || p.ToVersion != len(migrations) {
			t.Fatalf("report names the wrong step: %+v", p)
		}
		if p.Total > 0 {
			measured = append(measured, p)
		}
	}
	// 6000 rowids in batches of 500: a report before the first batch and one after each.
	if len(measured) != n/500+1 {
		t.Fatalf("want %d measured reports for v4, got %d: %+v", n/500+1, len(measured), measured)
	}
	for i, p := range measured {
		if p.Total != n || (i > 0 && p.Done <= measured[i-1].Done) {
			t.Fatalf("v4 progress not growing towards %d: %+v", n, measured)
		}
	}
	if last := measured[len(measured)-1]; last.Done != last.Total {
		t.Fatalf("v4 ended at %d of %d", last.Done, last.Total)
	}
	// A step without a backfill still says it is running (the window names it), unmeasured.
	if v5 := rec.phase(PhaseMigrating, 5); len(v5) != 1 || v5[0].Total != 0 {
		t.Fatalf("v5 reports %+v", v5)
	}

	// Every batch was run: a gap between ranges would leave messages unfindable.
	if got := bigramCount(t, s); got != n/10 {
		t.Fatalf("天气 in %d messages after the upgrade, want %d", got, n/10)
	}
	bigramIntegrity(t, s)
}

// Quitting during the upgrade: the migration stops between batches, nothing of it is kept,
// and the next start runs it again and finishes with every message.
func TestCancelledUpgradeRunsAgainNextStart(t *testing.T) {
	smallBatches(t, 200)
	dir := t.TempDir()
	const n = 4000
	seedV3(t, dir, n)
	cctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := recorder{onEach: func(p Progress) {
		if p.Phase == PhaseMigrating && p.Total > 0 && p.Done >= p.Total/2 {
			cancel()
		}
	}}
	if _, _, err := OpenContext(cctx, dir, Options{Now: newClock().Now, Progress: rec.record}); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	fill := rec.phase(PhaseMigrating, 4)
	if last := fill[len(fill)-1]; last.Done >= last.Total {
		t.Fatalf("the migration ran to the end despite the cancel: %+v", last)
	}

	db := rawDB(t, filepath.Join(dir, FileName))
	if v := queryInt(t, db, `PRAGMA user_version`); v != 3 {
		t.Fatalf("cancelled migration left the file at v%d, want v3", v)
	}
	if c := queryInt(t, db, `SELECT count(*) FROM sqlite_schema WHERE name = 'messages_bigram'`); c != 0 {
		t.Fatal("half of the v4 step was kept")
	}
	db.Close()

	s, rep := openTest(t, dir)
	if rep.FromVersion != 3 || rep.ToVersion != len(migrations) || rep.MovedAside != "" {
		t.Fatalf("next start: %+v", rep)
	}
	if got := queryInt(t, s.db, `SELECT count(*) FROM messages`); got != n {
		t.Fatalf("%d messages after the restarted upgrade, want %d", got, n)
	}
	if got := bigramCount(t, s); got != n/10 {
		t.Fatalf("天气 found in %d messages, want %d", got, n/10)
	}
	bigramIntegrity(t, s)
	s.Close()
	integrityOK(t, rep.Path)
}

const migrateHelperEnv = "QWENDESK_STORE_MIGRATE_HELPER_DIR"

// TestMigrateHelperProcess is not a test: TestKillMidUpgrade re-runs the test binary with
// migrateHelperEnv set to act as an app that upgrades a history until it is killed.
func TestMigrateHelperProcess(t *testing.T) {
	dir := os.Getenv(migrateHelperEnv)
	if dir == "" {
		t.Skip("helper process for TestKillMidUpgrade")
	}
	fillBatch = 100
	_, _, err := Open(dir, Options{Progress: func(p Progress) {
		if p.Phase == PhaseMigrating && p.Total > 0 {
			fmt.Println(p.Done, p.Total)
		}
	}})
	fmt.Println("open:", err)
	os.Exit(2) // the parent kills this process before the upgrade can finish
}

// kill -9 in the middle of the v4 backfill (uncommitted pages already spilled into the
// WAL): the next start finds the file at v3, upgrades it, and every message is there.
func TestKillMidUpgrade(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	const n = 20000
	seedV3(t, dir, n)
	cmd := exec.Command(os.Args[0], "-test.run=^TestMigrateHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), migrateHelperEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		done, err1 := strconv.Atoi(f[0])
		total, err2 := strconv.Atoi(f[len(f)-1])
		if err1 != nil || err2 != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("helper said %q", sc.Text())
		}
		if done >= total/3 {
			cmd.Process.Kill()
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the helper finished the upgrade before it could be killed")
	}

	s, rep := openTest(t, dir)
	if rep.FromVersion != 3 || rep.ToVersion != len(migrations) || rep.MovedAside != "" {
		t.Fatalf("start after the kill: %+v", rep)
	}
	if got := queryInt(t, s.db, `SELECT count(*) FROM messages`); got != n {
		t.Fatalf("%d messages after the kill and upgrade, want %d", got, n)
	}
	if got := bigramCount(t, s); got != n/10 {
		t.Fatalf("天气 found in %d messages, want %d", got, n/10)
	}
	s.Close()
	integrityOK(t, rep.Path)
}
