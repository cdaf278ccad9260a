// Package memstore is an in-memory engine.Store for tests. It keeps every JSON-like value
// in its encoded form, so what it returns has the same shape as after a round trip through
// the SQLite store (numbers as int64 or float64, fresh maps) and callers may mutate it freely.
package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

var (
	_ engine.Store           = (*Store)(nil)
	_ engine.WorkflowStore   = (*Store)(nil)
	_ engine.RunStore        = (*Store)(nil)
	_ engine.GenerationStore = (*Store)(nil)
	_ engine.SettingsStore   = (*Store)(nil)
	_ engine.AssetStore      = (*Store)(nil)
)

// Store is an in-memory engine.Store guarded by one mutex.
type Store struct {
	mu  sync.Mutex
	seq int64
	// genSeq numbers generations (their Seq) and deletions counts deleted ones: GenerationClock.
	genSeq, deletions int64
	workflows         map[string]*workflowRec
	versions          map[string]*versionRec
	drafts            map[string]*draftRec
	runs              map[string]*runRec
	gens              map[string]*genRec
	selections        map[selKey]string
	assets            map[string]*assetRec
	// pending holds assets put but not yet referenced, so a concurrent delete does not
	// collect an asset a running node is about to link.
	pending  map[string]struct{}
	settings map[string]string
	// slots are the runs ready to start (false) or holding a slot of the run cap (true),
	// with their owner (QueueStore).
	slots map[string]slotRec
	// providers starts with the default provider, as a fresh data home does.
	providers map[string]engine.Provider
	// dir holds asset files written on demand by AssetPath.
	dir string
}

type selKey struct{ workflowID, nodeID string }

type workflowRec struct {
	w engine.Workflow
	// epoch is the workflow's generation epoch (engine.GenerationStore).
	epoch int64
	// record is the workflow's state record (engine.GenerationStore.SaveStateRecord).
	record *stateRec
}

type versionRec struct {
	v     engine.Version // Graph left empty; graph holds it encoded
	graph []byte
	refs  []string
}

type draftRec struct {
	graph []byte
	base  string
	refs  []string
}

type runRec struct {
	seq int64
	// rank orders queued runs (QueueStore): creation order unless moved.
	rank     int64
	r        engine.Run // Inputs, Outputs, Snapshot left empty; encoded below
	inputs   []byte
	outputs  []byte
	snapshot []byte
	refs     []string
}

type genRec struct {
	seq     int64
	g       engine.Generation // Outputs, Cost left empty; encoded below
	outputs []byte
	cost    []byte
	refs    []string
}

type assetRec struct {
	data []byte
	mime string
}

// New returns an empty store.
func New() *Store {
	return &Store{
		workflows:  map[string]*workflowRec{},
		versions:   map[string]*versionRec{},
		drafts:     map[string]*draftRec{},
		runs:       map[string]*runRec{},
		gens:       map[string]*genRec{},
		selections: map[selKey]string{},
		assets:     map[string]*assetRec{},
		pending:    map[string]struct{}{},
		settings:   map[string]string{},
		slots:      map[string]slotRec{},
		providers:  map[string]engine.Provider{engine.DefaultProviderName: cloneProvider(engine.DefaultProvider)},
	}
}

// Close removes the files AssetPath wrote.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir != "" {
		err := os.RemoveAll(s.dir)
		s.dir = ""
		return err
	}
	return nil
}

func (s *Store) nextSeq() int64 {
	s.seq++
	return s.seq
}

// ms truncates t to the millisecond precision the SQLite store keeps, in UTC.
func ms(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

func msOr(t time.Time, now time.Time) time.Time {
	if t.IsZero() {
		return ms(now)
	}
	return ms(t)
}

func msPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := ms(*t)
	return &c
}

func encode(what string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %v: %w", what, err, engine.ErrInvalid)
	}
	return b, nil
}

func decode[T any](b []byte) T {
	var v T
	if len(b) > 0 {
		_ = engine.UnmarshalJSON(b, &v) // bytes came from json.Marshal
	}
	return v
}

func cloneTags(tags []string) []string {
	out := make([]string, len(tags))
	copy(out, tags)
	return out
}

// ---- workflows and versions ----

// CreateWorkflow stores w with its first version v1, which becomes current.
func (s *Store) CreateWorkflow(ctx context.Context, w engine.Workflow, first engine.Version) (engine.Workflow, engine.Version, error) {
	if strings.TrimSpace(w.Name) == "" {
		return engine.Workflow{}, engine.Version{}, fmt.Errorf("creating workflow: name is empty: %w", engine.ErrInvalid)
	}
	graph, err := encode("graph", first.Graph)
	if err != nil {
		return engine.Workflow{}, engine.Version{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if w.ID == "" {
		w.ID = uuid.NewString()
	}
	if first.ID == "" {
		first.ID = uuid.NewString()
	}
	if s.workflows[w.ID] != nil {
		return engine.Workflow{}, engine.Version{}, fmt.Errorf("creating workflow %s: %w", w.ID, engine.ErrConflict)
	}
	if s.versions[first.ID] != nil {
		return engine.Workflow{}, engine.Version{}, fmt.Errorf("creating version %s: %w", first.ID, engine.ErrConflict)
	}
	w.CreatedAt = msOr(w.CreatedAt, now)
	w.UpdatedAt = msOr(w.UpdatedAt, w.CreatedAt)
	w.Tags = cloneTags(w.Tags)
	w.CurrentVersionID = first.ID
	first.WorkflowID, first.Seq, first.Label = w.ID, 1, "v1"
	first.CreatedAt = msOr(first.CreatedAt, now)
	s.workflows[w.ID] = &workflowRec{w: w}
	s.putVersion(first, graph)
	return s.workflowLocked(w.ID), s.versionLocked(first.ID), nil
}

func (s *Store) putVersion(v engine.Version, graph []byte) {
	rec := &versionRec{v: v, graph: graph, refs: engine.GraphAssetRefs(decode[engine.Graph](graph))}
	rec.v.Graph = engine.Graph{}
	s.versions[v.ID] = rec
	s.linked(rec.refs)
}

func (s *Store) workflowLocked(id string) engine.Workflow {
	w := s.workflows[id].w
	w.Tags = cloneTags(w.Tags)
	return w
}

func (s *Store) versionLocked(id string) engine.Version {
	rec := s.versions[id]
	v := rec.v
	v.Graph = decode[engine.Graph](rec.graph)
	return v
}

// GetWorkflow returns one workflow.
func (s *Store) GetWorkflow(ctx context.Context, id string) (engine.Workflow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.workflows[id] == nil {
		return engine.Workflow{}, fmt.Errorf("getting workflow %s: %w", id, engine.ErrNotFound)
	}
	return s.workflowLocked(id), nil
}

// FindWorkflows returns the workflows named exactly name, oldest first.
func (s *Store) FindWorkflows(ctx context.Context, name string) ([]engine.Workflow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []engine.Workflow{}
	for id, rec := range s.workflows {
		if rec.w.Name == name {
			out = append(out, s.workflowLocked(id))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// ListWorkflows returns every workflow by name with its version count and last run.
func (s *Store) ListWorkflows(ctx context.Context) ([]engine.WorkflowSummary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]engine.WorkflowSummary, 0, len(s.workflows))
	for id := range s.workflows {
		sum := engine.WorkflowSummary{Workflow: s.workflowLocked(id)}
		for _, v := range s.versions {
			if v.v.WorkflowID == id {
				sum.Versions++
			}
		}
		var last *runRec
		for _, r := range s.runs {
			if r.r.WorkflowID == id && (last == nil || newerRun(r, last)) {
				last = r
			}
		}
		if last != nil {
			at := last.r.CreatedAt
			sum.LastRunStatus, sum.LastRunAt = last.r.Status, &at
		}
		out = append(out, sum)
	}
	sort.Slice(out, func(i, j int) bool {
		// ASCII case folding, as SQLite's NOCASE collation does.
		a, b := asciiLower(out[i].Name), asciiLower(out[j].Name)
		if a != b {
			return a < b
		}
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// UpdateWorkflow changes the name, description and tags of a workflow.
func (s *Store) UpdateWorkflow(ctx context.Context, w engine.Workflow) error {
	if strings.TrimSpace(w.Name) == "" {
		return fmt.Errorf("updating workflow %s: name is empty: %w", w.ID, engine.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.workflows[w.ID]
	if rec == nil {
		return fmt.Errorf("updating workflow %s: %w", w.ID, engine.ErrNotFound)
	}
	rec.w.Name, rec.w.Description, rec.w.Tags = w.Name, w.Description, cloneTags(w.Tags)
	rec.w.UpdatedAt = msOr(w.UpdatedAt, time.Now())
	return nil
}

// DeleteWorkflow removes a workflow and everything that belongs to it.
func (s *Store) DeleteWorkflow(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.workflows[id] == nil {
		return fmt.Errorf("deleting workflow %s: %w", id, engine.ErrNotFound)
	}
	var candidates []string
	delete(s.workflows, id)
	for vid, v := range s.versions {
		if v.v.WorkflowID == id {
			candidates = append(candidates, v.refs...)
			delete(s.versions, vid)
		}
	}
	if d := s.drafts[id]; d != nil {
		candidates = append(candidates, d.refs...)
		delete(s.drafts, id)
	}
	for rid, r := range s.runs {
		if r.r.WorkflowID == id {
			candidates = append(candidates, r.refs...)
			delete(s.runs, rid)
		}
	}
	for gid, g := range s.gens {
		if g.g.WorkflowID == id {
			candidates = append(candidates, g.refs...)
			delete(s.gens, gid)
			s.deletions++
		}
	}
	for k := range s.selections {
		if k.workflowID == id {
			delete(s.selections, k)
		}
	}
	s.collect(candidates)
	return nil
}

// AddVersion stores v as the next version of its workflow, optionally making it current.
func (s *Store) AddVersion(ctx context.Context, v engine.Version, makeCurrent bool) (engine.Version, error) {
	graph, err := encode("graph", v.Graph)
	if err != nil {
		return engine.Version{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflows[v.WorkflowID]
	if wf == nil {
		return engine.Version{}, fmt.Errorf("adding version to workflow %s: %w", v.WorkflowID, engine.ErrNotFound)
	}
	if v.ID == "" {
		v.ID = uuid.NewString()
	}
	if s.versions[v.ID] != nil {
		return engine.Version{}, fmt.Errorf("adding version %s: %w", v.ID, engine.ErrConflict)
	}
	seq := 0
	for _, o := range s.versions {
		if o.v.WorkflowID == v.WorkflowID && o.v.Seq > seq {
			seq = o.v.Seq
		}
	}
	v.Seq = seq + 1
	v.Label = "v" + strconv.Itoa(v.Seq)
	v.CreatedAt = msOr(v.CreatedAt, time.Now())
	s.putVersion(v, graph)
	if makeCurrent {
		wf.w.CurrentVersionID = v.ID
		wf.w.UpdatedAt = v.CreatedAt
	}
	return s.versionLocked(v.ID), nil
}

// GetVersion returns one version.
func (s *Store) GetVersion(ctx context.Context, id string) (engine.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.versions[id] == nil {
		return engine.Version{}, fmt.Errorf("getting version %s: %w", id, engine.ErrNotFound)
	}
	return s.versionLocked(id), nil
}

// ListVersions returns a workflow's versions newest first.
func (s *Store) ListVersions(ctx context.Context, workflowID string) ([]engine.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.workflows[workflowID] == nil {
		return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	out := []engine.Version{}
	for id, v := range s.versions {
		if v.v.WorkflowID == workflowID {
			out = append(out, s.versionLocked(id))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq > out[j].Seq })
	return out, nil
}

var _ engine.VersionFinder = (*Store)(nil)

// VersionWithContent returns the id of the newest version of workflowID whose content hash
// is hash, "" when none has it (engine.VersionFinder).
func (s *Store) VersionWithContent(ctx context.Context, workflowID, hash string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, seq := "", 0
	for vid, v := range s.versions {
		if v.v.WorkflowID == workflowID && v.v.ContentHash == hash && (id == "" || v.v.Seq > seq) {
			id, seq = vid, v.v.Seq
		}
	}
	return id, nil
}

// SetCurrentVersion makes versionID, a version of workflowID, current.
func (s *Store) SetCurrentVersion(ctx context.Context, workflowID, versionID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	wf := s.workflows[workflowID]
	if wf == nil {
		return fmt.Errorf("setting current version of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	v := s.versions[versionID]
	if v == nil {
		return fmt.Errorf("setting current version %s: %w", versionID, engine.ErrNotFound)
	}
	if v.v.WorkflowID != workflowID {
		return fmt.Errorf("setting current version %s: it belongs to another workflow: %w", versionID, engine.ErrInvalid)
	}
	wf.w.CurrentVersionID = versionID
	wf.w.UpdatedAt = ms(time.Now())
	return nil
}

// SaveDraft stores the editor's working graph of a workflow.
func (s *Store) SaveDraft(ctx context.Context, workflowID string, g engine.Graph, baseVersionID string) error {
	graph, err := encode("draft", g)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.workflows[workflowID] == nil {
		return fmt.Errorf("saving draft of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	// Assets the draft stops referencing are kept: undo in the editor may bring them back.
	rec := &draftRec{graph: graph, base: baseVersionID, refs: engine.GraphAssetRefs(decode[engine.Graph](graph))}
	s.drafts[workflowID] = rec
	s.linked(rec.refs)
	return nil
}

// GetDraft returns the draft of a workflow and the version it was based on.
func (s *Store) GetDraft(ctx context.Context, workflowID string) (engine.Graph, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.drafts[workflowID]
	if d == nil {
		return engine.Graph{}, "", fmt.Errorf("getting draft of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	return decode[engine.Graph](d.graph), d.base, nil
}

// DeleteDraft removes the draft of a workflow, if any.
func (s *Store) DeleteDraft(ctx context.Context, workflowID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.drafts, workflowID)
	return nil
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
