package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/mattn/go-sqlite3"

	"github.com/flowbench/flowbench/engine"
	"github.com/flowbench/flowbench/engine/storetest"
	"github.com/flowbench/flowbench/storage"
)

func open(tb testing.TB, home string) *storage.Store {
	tb.Helper()
	s, err := storage.Open(context.Background(), home, nil)
	if err != nil {
		tb.Fatalf("Open(%s): %v", home, err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) engine.Store { return open(t, t.TempDir()) })
}

func TestOpenCreatesHome(t *testing.T) {
	home := filepath.Join(t.TempDir(), "nested dir", "flow?bench#1%20")
	s := open(t, home)
	defer s.Close()
	if s.Home() != home {
		t.Errorf("Home() = %q, want %q", s.Home(), home)
	}
	for _, p := range []string{filepath.Join(home, storage.DBName), filepath.Join(home, "assets")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	var mode string
	db := rawDB(t, home)
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
}

// rawDB opens the database of home directly, as a tool or a test would.
func rawDB(t *testing.T, home string) *sql.DB {
	t.Helper()
	u := url.URL{Path: filepath.Join(home, storage.DBName)}
	db, err := sql.Open("sqlite3", "file:"+u.EscapedPath()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// writeSome stores a workflow, a run, a generation with an asset and a setting.
func writeSome(tb testing.TB, s engine.Store) (engine.Workflow, engine.Generation) {
	tb.Helper()
	ctx := context.Background()
	w, v, err := s.CreateWorkflow(ctx, engine.Workflow{ID: "wf", Name: "Crash"},
		engine.Version{Graph: engine.Graph{Nodes: []engine.Node{{ID: "a", Type: "util.random"}}}})
	if err != nil {
		tb.Fatal(err)
	}
	r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID, Status: engine.RunRunning})
	if err != nil {
		tb.Fatal(err)
	}
	ref, err := s.PutAsset(ctx, []byte("survives"), "text/plain", "s.txt")
	if err != nil {
		tb.Fatal(err)
	}
	g := engine.Generation{ID: "g1", WorkflowID: w.ID, NodeID: "a", RunID: r.ID, VersionID: v.ID,
		Status: engine.GenCompleted, Outputs: map[string]any{"value": 7, "file": ref}}
	if _, err := s.SaveGenerations(ctx, []engine.Generation{g}); err != nil {
		tb.Fatal(err)
	}
	if err := s.SetSetting(ctx, "k", "v"); err != nil {
		tb.Fatal(err)
	}
	return w, g
}

func checkSome(t *testing.T, s engine.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.GetWorkflow(ctx, "wf"); err != nil {
		t.Errorf("workflow lost: %v", err)
	}
	runs, err := s.ListRunsByStatus(ctx, engine.RunRunning)
	if err != nil || len(runs) != 1 {
		t.Errorf("running runs = %d, %v; want 1", len(runs), err)
	}
	g, err := s.GetGeneration(ctx, "g1")
	if err != nil || g.Outputs["value"] != int64(7) {
		t.Fatalf("generation lost: %+v %v", g, err)
	}
	ref, _ := engine.AsAssetRef(g.Outputs["file"])
	rc, err := s.OpenAsset(ctx, ref.Asset)
	if err != nil {
		t.Fatalf("asset lost: %v", err)
	}
	rc.Close()
	if v, ok, _ := s.GetSetting(ctx, "k"); !ok || v != "v" {
		t.Errorf("setting lost: %q %v", v, ok)
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	home := t.TempDir()
	s := open(t, home)
	writeSome(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for range 2 {
		s = open(t, home)
		checkSome(t, s)
		s.Close()
	}
	var n int
	files, _ := filepath.Glob("migrations/*.sql")
	if err := rawDB(t, home).QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(files) {
		t.Errorf("schema_migrations rows = %d (%v), want %d", n, err, len(files))
	}
}

// TestDropWithoutClose reopens a home whose store was never closed (its connections
// still open), as after a hang or a forgotten Close.
func TestDropWithoutClose(t *testing.T) {
	home := t.TempDir()
	dropped := open(t, home)
	writeSome(t, dropped)
	s := open(t, home)
	defer s.Close()
	checkSome(t, s)
	t.Cleanup(func() { dropped.Close() })
}

// TestCrashReopen kills a process in the middle of its work, after it has committed,
// and checks that a new process finds everything and can keep writing.
func TestCrashReopen(t *testing.T) {
	if home := os.Getenv("FLOWBENCH_CRASH_HOME"); home != "" {
		s, err := storage.Open(context.Background(), home, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		writeSome(t, s)
		// Leave a half-written asset behind, as a crash during PutAsset would.
		os.MkdirAll(filepath.Join(home, "assets", "ab"), 0o755)
		leftover := filepath.Join(home, "assets", "ab", ".tmp-456")
		os.WriteFile(leftover, []byte("half"), 0o644)
		old := time.Now().Add(-2 * time.Hour)
		os.Chtimes(leftover, old, old)
		// A recent one may be another process's write in progress: it stays.
		os.WriteFile(filepath.Join(home, "assets", "ab", ".tmp-789"), []byte("writing"), 0o644)
		fmt.Println("written")
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Minute)
	}
	home := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashReopen$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FLOWBENCH_CRASH_HOME="+home)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(string(out), "written") {
		t.Fatalf("child: %v, output %q", err, out)
	}
	s := open(t, home)
	defer s.Close()
	checkSome(t, s)
	if _, err := os.Stat(filepath.Join(home, "assets", "ab", ".tmp-456")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("half-written asset file left after reopening: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, "assets", "ab", ".tmp-789")); err != nil {
		t.Errorf("recent temporary file removed: %v", err)
	}
	// The store keeps working after the crash.
	if err := s.DeleteWorkflow(context.Background(), "wf"); err != nil {
		t.Errorf("DeleteWorkflow after crash: %v", err)
	}
}

func TestAssetLayout(t *testing.T) {
	home := t.TempDir()
	s := open(t, home)
	defer s.Close()
	ref, err := s.PutAsset(context.Background(), []byte("layout"), "text/plain", "")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(home, "assets", ref.Asset[:2], ref.Asset)
	if p, err := s.AssetPath(ref.Asset); err != nil || p != want {
		t.Errorf("AssetPath = %q, %v; want %q", p, err, want)
	}
	leftovers, _ := filepath.Glob(filepath.Join(home, "assets", "*", ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	var size int
	var mime string
	if err := rawDB(t, home).QueryRow(`SELECT size, mime FROM assets WHERE sha256 = ?`, ref.Asset).Scan(&size, &mime); err != nil ||
		size != len("layout") || mime != "text/plain" {
		t.Errorf("assets row = %d %q %v", size, mime, err)
	}
}

func TestVersionsAreImmutable(t *testing.T) {
	home := t.TempDir()
	s := open(t, home)
	defer s.Close()
	_, v, err := s.CreateWorkflow(context.Background(), engine.Workflow{Name: "A"}, engine.Version{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = rawDB(t, home).Exec(`UPDATE versions SET notes = 'changed' WHERE id = ?`, v.ID)
	if err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Errorf("updating a version: %v, want refused", err)
	}
}

func TestNewerDatabaseIsRefused(t *testing.T) {
	home := t.TempDir()
	open(t, home).Close()
	if _, err := rawDB(t, home).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 0)`); err != nil {
		t.Fatal(err)
	}
	s, err := storage.Open(context.Background(), home, nil)
	if err == nil {
		s.Close()
		t.Fatal("Open of a database from a newer build succeeded")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("error %q does not say the database is newer", err)
	}
}

func BenchmarkSaveGenerations(b *testing.B) {
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, b.TempDir())
			defer s.Close()
			w, v, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "bench"}, engine.Version{})
			if err != nil {
				b.Fatal(err)
			}
			r, err := s.CreateRun(ctx, engine.Run{WorkflowID: w.ID, VersionID: v.ID})
			if err != nil {
				b.Fatal(err)
			}
			gens := make([]engine.Generation, batch)
			n := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				for i := range gens {
					n++
					gens[i] = engine.Generation{
						ID: uuid.Must(uuid.NewV7()).String(), WorkflowID: w.ID, NodeID: fmt.Sprintf("node%d", i%8), RunID: r.ID,
						VersionID: v.ID, Status: engine.GenCompleted,
						Outputs:    map[string]any{"value": float64(n), "text": "hello"},
						DurationMS: 3, ConfigHash: "0123456789abcdef", InputFingerprint: "fedcba9876543210",
					}
				}
				b.StartTimer()
				if _, err := s.SaveGenerations(ctx, gens); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/gen")
		})
	}
}
