package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowbench/flowbench/engine"
)

// TestVersionDeltaRoundTrip: a delta of any two texts, when one is made, stands for the text
// exactly, and never splits a UTF-8 sequence at its ends.
func TestVersionDeltaRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "é", "字", "😀", "{", "}", ","}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	made := 0
	for range 5000 {
		key := word(20 + rng.IntN(2000))
		runes := []rune(key)
		for range 1 + rng.IntN(2) { // replace, insert or remove a span of characters
			i := rng.IntN(len(runes) + 1)
			j := min(len(runes), i+rng.IntN(8))
			runes = append(append(append([]rune{}, runes[:i]...), []rune(word(rng.IntN(4)))...), runes[j:]...)
		}
		text := string(runes)
		d, ok := versionDelta(key, text)
		if !ok {
			continue
		}
		made++
		got, err := applyDelta(key, d)
		if err != nil || got != text {
			t.Fatalf("delta %q of %q against %q stands for %q (%v)", d, text, key, got, err)
		}
		var pre, suf int
		mid := ""
		if _, err := fmt.Sscanf(d, deltaMagic+"%d:%d:", &pre, &suf); err != nil {
			t.Fatal(err)
		}
		mid = text[pre : len(text)-suf]
		if !strings.HasSuffix(d, mid) || (pre < len(text) && !isRuneStart(text, pre)) || (suf > 0 && !isRuneStart(text, len(text)-suf)) {
			t.Fatalf("delta %q of %q splits a character", d, text)
		}
	}
	if made < 1000 {
		t.Fatalf("only %d deltas made of 5000 small edits", made)
	}
	if _, ok := versionDelta(strings.Repeat("a", 100), strings.Repeat("b", 100)); ok {
		t.Error("a delta of two texts with nothing in common")
	}
}

func isRuneStart(s string, i int) bool { return s[i]&0xC0 != 0x80 }

// TestApplyDeltaRefusesDamage: a delta that does not parse, or asks for more of the keyframe
// than there is, is an error, never a panic or a wrong text.
func TestApplyDeltaRefusesDamage(t *testing.T) {
	for _, d := range []string{"", "{}", deltaMagic, deltaMagic + "1", deltaMagic + "1:2", deltaMagic + "-1:0:x",
		deltaMagic + "5:6:x", deltaMagic + "x:0:", deltaMagic + "99999999999999999999:0:"} {
		if got, err := applyDelta("0123456789", d); err == nil {
			t.Errorf("applyDelta(%q) = %q, want an error", d, got)
		}
	}
}

func FuzzApplyDelta(f *testing.F) {
	f.Add("0123456789", deltaMagic+"2:3:abc")
	f.Add("", deltaMagic+"0:0:")
	f.Fuzz(func(t *testing.T, key, delta string) {
		got, err := applyDelta(key, delta)
		if err == nil && len(got) > len(key)+len(delta) {
			t.Fatalf("applyDelta(%q, %q) = %d bytes", key, delta, len(got))
		}
	})
}

// openDeltaStore opens a store on home, closed when the test ends.
func openDeltaStore(tb testing.TB, home string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), home, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// chainGraph is a chain of n math.expr nodes, large enough from a few hundred nodes to be
// stored as deltas.
func chainGraph(n int) engine.Graph {
	g := engine.Graph{Inputs: []engine.InputDecl{{Name: "x", Type: "integer", Default: int64(1)}}}
	for i := range n {
		id := fmt.Sprint("n", i)
		g.Nodes = append(g.Nodes, engine.Node{ID: id, Type: "math.expr", Params: map[string]any{"expression": "a + 1"},
			Position: &engine.Position{X: float64(i * 240)}})
		if i > 0 {
			g.Edges = append(g.Edges, engine.Edge{Source: fmt.Sprint("n", i-1), SourceHandle: "result", Target: id, TargetHandle: "a"})
		}
	}
	return g
}

func cloneChain(g engine.Graph) engine.Graph {
	c := engine.Graph{Inputs: append([]engine.InputDecl{}, g.Inputs...), Nodes: append([]engine.Node{}, g.Nodes...),
		Edges: append([]engine.Edge{}, g.Edges...)}
	return c
}

// TestPropertyVersionDeltasReadAsWhole: versions of a large graph saved after random edits —
// a param, a label with characters of several bytes, a node added or removed, many nodes
// moved — each edited from a random earlier version, read back (GetVersion, GetVersionJSON,
// ListVersions; in the process that wrote them and in a fresh one without cache files) as
// the graph and text they would have had stored whole; the small edits are stored as deltas
// of a few hundred bytes.
func TestPropertyVersionDeltasReadAsWhole(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	s := openDeltaStore(t, home)
	rng := rand.New(rand.NewPCG(3, 4))
	base := chainGraph(600)
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "deltas"}, engine.Version{Graph: base})
	if err != nil {
		t.Fatal(err)
	}
	saved := []engine.Version{v1}
	texts := map[string]string{}
	text := func(g engine.Graph) string {
		t.Helper()
		s, err := encode("graph", g)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	texts[v1.ID] = text(v1.Graph)
	for i := range 60 {
		from := saved[rng.IntN(len(saved))]
		g := cloneChain(from.Graph)
		switch k := rng.IntN(len(g.Nodes)); rng.IntN(5) {
		case 0:
			g.Nodes[k].Params = map[string]any{"expression": fmt.Sprint("a + ", i)}
		case 1:
			g.Nodes[k].Label = fmt.Sprint("é字😀 ", i)
		case 2:
			g.Nodes = append(g.Nodes, engine.Node{ID: fmt.Sprint("extra", i), Type: "math.expr",
				Params: map[string]any{"expression": "a"}, Position: &engine.Position{X: 1, Y: float64(i)}})
		case 3:
			g.Nodes = append(g.Nodes[:k:k], g.Nodes[k+1:]...)
		case 4: // a move of every node: stored whole
			for j := range g.Nodes {
				p := *g.Nodes[j].Position
				p.Y += 10
				g.Nodes[j].Position = &p
			}
		}
		v, err := s.AddVersion(ctx, engine.Version{WorkflowID: w.ID, ParentID: from.ID, Graph: g, ContentHash: fmt.Sprint("h", i)}, rng.IntN(2) == 0)
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, v)
		texts[v.ID] = text(v.Graph)
	}
	var deltas, small int
	rows, err := s.r.QueryContext(ctx, `SELECT length(graph), delta_of FROM versions WHERE workflow_id = ?`, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n int
		var of string
		if err := rows.Scan(&n, &of); err != nil {
			t.Fatal(err)
		}
		if of != "" {
			deltas++
			if n < 1000 {
				small++
			}
		}
	}
	rows.Close()
	if deltas < 20 || small < 10 {
		t.Fatalf("%d of %d versions stored as deltas, %d of them under 1,000 bytes: want most small edits", deltas, len(saved), small)
	}
	check := func(s *Store, when string) {
		t.Helper()
		for _, v := range saved {
			got, err := s.GetVersion(ctx, v.ID)
			if err != nil || !reflect.DeepEqual(got.Graph, v.Graph) {
				t.Fatalf("%s: GetVersion(%s) differs from the version saved (%v)", when, v.Label, err)
			}
			_, js, err := s.GetVersionJSON(ctx, v.ID)
			if err != nil || string(js) != texts[v.ID] {
				t.Fatalf("%s: GetVersionJSON(%s) is not its text (%v)", when, v.Label, err)
			}
		}
		list, err := s.ListVersions(ctx, w.ID)
		if err != nil || len(list) != len(saved) {
			t.Fatalf("%s: ListVersions: %d versions (%v)", when, len(list), err)
		}
		for i, v := range list {
			want := saved[len(saved)-1-i]
			if v.ID != want.ID || !reflect.DeepEqual(v.Graph, want.Graph) {
				t.Fatalf("%s: ListVersions' %s differs from the version saved", when, want.Label)
			}
		}
	}
	check(s, "the process that wrote them")
	s.Close()
	bins, _ := filepath.Glob(filepath.Join(home, "cache", "versions", "*.bin"))
	for _, b := range bins {
		os.Remove(b)
	}
	s = openDeltaStore(t, home)
	check(s, "a fresh process")
}

// TestVersionDeltaNeedsItsKeyframe: a delta whose keyframe row is gone (a damaged database)
// is an error naming it, not a wrong graph.
func TestVersionDeltaNeedsItsKeyframe(t *testing.T) {
	ctx := context.Background()
	s := openDeltaStore(t, t.TempDir())
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "deltas"}, engine.Version{Graph: chainGraph(600)})
	if err != nil {
		t.Fatal(err)
	}
	g := cloneChain(v1.Graph)
	g.Nodes[300].Params = map[string]any{"expression": "a + 2"}
	v2, err := s.AddVersion(ctx, engine.Version{WorkflowID: w.ID, ParentID: v1.ID, Graph: g}, true)
	if err != nil {
		t.Fatal(err)
	}
	var of string
	if err := s.r.QueryRowContext(ctx, `SELECT delta_of FROM versions WHERE id = ?`, v2.ID).Scan(&of); err != nil || of != v1.ID {
		t.Fatalf("v2 stored against %q (%v), want v1", of, err)
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA foreign_keys = OFF; UPDATE versions SET delta_of = 'gone' WHERE id = ?`, v2.ID); err == nil {
		t.Fatal("a version row was updated: versions are immutable")
	}
	s.keys = keyframes{}
	if _, err := s.w.ExecContext(ctx, `DROP TRIGGER versions_immutable; UPDATE versions SET delta_of = 'gone' WHERE id = ?`, v2.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.GetVersionJSON(ctx, v2.ID); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("reading a delta without its keyframe: %v, want an error naming it", err)
	}
}

// TestListVersionHeads: the versions listed without graphs are ListVersions' versions, in its
// order, with no graph and no content hash, read from the versions_heads index alone.
func TestListVersionHeads(t *testing.T) {
	ctx := context.Background()
	s := openDeltaStore(t, t.TempDir())
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "heads"}, engine.Version{Graph: chainGraph(600), ContentHash: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		g := cloneChain(v1.Graph)
		g.Nodes[i].Label = fmt.Sprint("edit ", i)
		if _, err := s.AddVersion(ctx, engine.Version{WorkflowID: w.ID, ParentID: v1.ID, Graph: g, Notes: fmt.Sprint("n", i), ContentHash: fmt.Sprint("h", i+2)}, false); err != nil {
			t.Fatal(err)
		}
	}
	full, err := s.ListVersions(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	heads, err := s.ListVersionHeads(ctx, w.ID)
	if err != nil || len(heads) != len(full) {
		t.Fatalf("%d heads (%v), want %d", len(heads), err, len(full))
	}
	for i := range full {
		want := full[i]
		want.Graph, want.ContentHash = engine.Graph{}, ""
		if !reflect.DeepEqual(heads[i], want) {
			t.Errorf("head %d = %+v, want %+v", i, heads[i], want)
		}
	}
	var plan string
	if err := s.r.QueryRowContext(ctx, `EXPLAIN QUERY PLAN SELECT id, workflow_id, seq, label, notes, parent_id, created_at
		FROM versions INDEXED BY versions_heads WHERE workflow_id = ? ORDER BY seq DESC`, w.ID).Scan(new(int), new(int), new(int), &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "COVERING INDEX versions_heads") {
		t.Errorf("the heads' query plan %q: want the versions_heads index alone", plan)
	}
	if _, err := s.ListVersionHeads(ctx, "nope"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("heads of a workflow that does not exist: %v, want not found", err)
	}
}

// TestPropertyDraftDeltasReadAsWhole: drafts of a large graph autosaved after random edits
// against a random version (whole or itself a delta) read back (GetDraft, in the process that
// wrote them and in a fresh one) as the graph they would have been stored whole; most are
// stored as deltas of a few hundred bytes, and a draft with no base, or a base of another
// workflow, is stored whole.
func TestPropertyDraftDeltasReadAsWhole(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	s := openDeltaStore(t, home)
	rng := rand.New(rand.NewPCG(5, 6))
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "drafts"}, engine.Version{Graph: chainGraph(600)})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "other"}, engine.Version{Graph: chainGraph(600)})
	if err != nil {
		t.Fatal(err)
	}
	saved := []engine.Version{v1}
	for i := range 5 {
		g := cloneChain(v1.Graph)
		g.Nodes[100*i].Params = map[string]any{"expression": fmt.Sprint("a * ", i)}
		v, err := s.AddVersion(ctx, engine.Version{WorkflowID: w.ID, ParentID: saved[len(saved)-1].ID, Graph: g}, true)
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, v)
	}
	stored := func() (n int, of string) {
		t.Helper()
		if err := s.r.QueryRowContext(ctx, `SELECT length(graph), delta_of FROM drafts WHERE workflow_id = ?`, w.ID).Scan(&n, &of); err != nil {
			t.Fatal(err)
		}
		return n, of
	}
	deltas := 0
	for i := range 40 {
		base := saved[rng.IntN(len(saved))]
		g := cloneChain(base.Graph)
		k := rng.IntN(len(g.Nodes))
		switch rng.IntN(3) {
		case 0:
			g.Nodes[k].Label = fmt.Sprint("草稿 ", i)
		case 1:
			g.Nodes = append(g.Nodes[:k:k], g.Nodes[k+1:]...)
		case 2:
			g.Edges = nil // far from the base: stored whole
		}
		baseID := base.ID
		switch i % 10 {
		case 8:
			baseID = ""
		case 9:
			baseID = other.CurrentVersionID
		}
		if err := s.SaveDraft(ctx, w.ID, g, baseID); err != nil {
			t.Fatal(err)
		}
		n, of := stored()
		if of != "" {
			deltas++
			if of != baseID || n > 1000 {
				t.Fatalf("draft %d stored against %q (%d bytes), want its base %q", i, of, n, baseID)
			}
		}
		want, err := encode("draft", g)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []*Store{s, nil} {
			if st == nil { // a fresh process
				s.Close()
				s = openDeltaStore(t, home)
				st = s
			}
			got, gotBase, err := st.GetDraft(ctx, w.ID)
			if err != nil || gotBase != baseID {
				t.Fatalf("draft %d: base %q (%v), want %q", i, gotBase, err, baseID)
			}
			if text, _ := encode("draft", got); text != want {
				t.Fatalf("draft %d reads back as another graph", i)
			}
		}
	}
	if deltas < 15 {
		t.Errorf("%d of 40 drafts stored as deltas, want most of the small edits", deltas)
	}
}

// BenchmarkSaveDraft10k is one autosave of a 10,000-node chain with one node edited: stored as
// a delta against its base version, and whole (no base), with the checkpoint that copies what
// it wrote into the database (done by the checkpointer every second).
func BenchmarkSaveDraft10k(b *testing.B) {
	ctx := context.Background()
	s := openDeltaStore(b, b.TempDir())
	w, v1, err := s.CreateWorkflow(ctx, engine.Workflow{Name: "drafts"}, engine.Version{Graph: chainGraph(10000)})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, base string }{{"delta", v1.ID}, {"whole", ""}} {
		b.Run(c.name, func(b *testing.B) {
			g := cloneChain(v1.Graph)
			for i := 0; b.Loop(); i++ {
				g.Nodes[5000].Params = map[string]any{"expression": fmt.Sprint("a + ", i)}
				if err := s.SaveDraft(ctx, w.ID, g, c.base); err != nil {
					b.Fatal(err)
				}
				if _, err := s.ckpt.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
