package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config wires a Service.
type Config struct {
	Store    Store
	Registry *Registry
	Logger   *slog.Logger
	Now      Clock
	// Owner identifies this process in run rows; OwnerAlive tells whether another owner's
	// process still runs (a lock the OS releases when a process dies).
	Owner      string
	OwnerAlive func(owner string) bool
	// RequestCancel asks the live process owning a run to cancel it (Cancel of a run queued
	// or running in another process); CancelRequests returns the runs others asked this
	// process to cancel, polled every CancelEvery (0: 250 ms).
	RequestCancel  func(owner, runID string) error
	CancelRequests func() []string
	CancelEvery    time.Duration
	// RunCap overrides the stored run cap setting when > 0.
	RunCap int
	// MaxImagePixels overrides the stored decoded image size limit (setting
	// max_image_pixels, default DefaultMaxImagePixels) when > 0.
	MaxImagePixels int64
	// FollowEvery is how often followed workflows are checked for other processes' changes
	// (FollowGenerations); 0 means once a second.
	FollowEvery time.Duration
	// Getenv reads the environment variables holding providers' API keys (nil: os.Getenv).
	Getenv func(string) string
	// Keychain keeps providers' API keys in the OS keychain (nil: none).
	Keychain Keychain
	// MaxNesting bounds how deep subworkflows nest (0: DefaultMaxNesting).
	MaxNesting int
}

// Service is the application's domain API, used by the CLI and the window alike.
type Service struct {
	store     Store
	reg       *Registry
	log       *slog.Logger
	now       Clock
	owner     string
	alive     func(string) bool
	reqCancel func(owner, runID string) error
	limits    Limits
	providers *Providers
	Bus       *Bus
	committer *GroupCommitter
	runs      *RunQueue
	live      *liveSet
	watcher   *fileWatcher
	versions  *versionCache
	current   *currentCache
	// cacheIdx is the process's memory of the cache across workflows (cache.go).
	cacheIdx cacheIndex
	// warming counts warmCache's reads under way (Close waits for them); warmShut, under
	// warmMu, says Close began: no read starts after it.
	warming  sync.WaitGroup
	warmMu   sync.Mutex
	warmShut bool
	// recording counts the state records runs' ends write (executeRun); Close waits for them.
	recording sync.WaitGroup
	follow    *follower
	// children cancels the running child runs of subworkflow nodes by run id; nesting is
	// Config.MaxNesting.
	children sync.Map
	nesting  int
	// checkedPins maps a version id → the workflows its subworkflows reach, once it passed
	// checkSubflows.
	checkedPins sync.Map
	// shared lets concurrent runs execute the same deterministic work once (SPEC §14).
	shared *SharedWork
	// claims shares work with other processes on the data home (nil: the store keeps no claims).
	claims *workClaims
	ctx    context.Context
	stop   context.CancelFunc
	// capOverride replaces the stored run cap when > 0 (Config.RunCap, until SetRunCap).
	capOverride atomic.Int64
	// followQueue: the queue's state is read on every tick even with no run waiting here
	// (FollowQueue: the window shows it).
	followQueue atomic.Bool
	// pausedSeen is the queue's pause as this process last applied and announced it.
	pausedMu   sync.Mutex
	pausedSeen bool
	// together, when set (tests), checks the plans' madeTogether answers (planner.go).
	together *togetherCheck
	// factsKeyOnce makes factsKeyText, factsKey of the registry (versionfacts.go), once: the
	// registry does not change while the service lives.
	factsKeyOnce sync.Once
	factsKeyText string
}

// SettingRunCap is the settings key of the global run cap.
const SettingRunCap = "run_cap"

// NewService builds the service and starts its background writer.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Registry == nil {
		return nil, errors.New("service needs a store and a registry")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Owner == "" {
		cfg.Owner = NewID()
	}
	ctx, stop := context.WithCancel(context.Background())
	s := &Service{store: cfg.Store, reg: cfg.Registry, log: cfg.Logger, now: cfg.Now, owner: cfg.Owner,
		alive: cfg.OwnerAlive, reqCancel: cfg.RequestCancel, Bus: NewBus(), ctx: ctx, stop: stop, live: newLiveSet(), nesting: cfg.MaxNesting, shared: NewSharedWork()}
	s.Bus.Subscribe(s.live.observe)
	s.watcher = newFileWatcher(s.Bus.Emit)
	s.versions = newVersionCache(16)
	s.current = newCurrentCache(8)
	s.follow = newFollower(cfg.Store, s.Bus.Emit, cfg.FollowEvery)
	s.committer = NewGroupCommitter(ctx, cfg.Store, s.Bus.Emit, cfg.Logger)
	s.committer.saved = func(gens []Generation, epochs map[string]int64) {
		s.current.committed(gens, epochs)
		s.follow.committed(gens, epochs)
		s.cacheIdx.saved(gens)
	}
	// The cache's known set takes a changed run's generations while the next batch is
	// written: a key added a moment later only costs a lookup meanwhile a miss.
	s.committer.applied = s.cacheIdx.committed
	s.committer.exclusive = &s.follow.own
	s.claims = newWorkClaims(ctx, cfg.Store, cfg.Owner, cfg.OwnerAlive, func(ctx context.Context) error { return s.committer.Sync(ctx, "") }, cfg.Logger)
	s.capOverride.Store(int64(max(cfg.RunCap, 0)))
	s.limits.MaxImagePixels = cfg.MaxImagePixels
	if s.limits.MaxImagePixels <= 0 {
		s.limits.MaxImagePixels = storedImageLimit(ctx, cfg.Store)
	}
	s.providers = NewProviders(cfg.Store, cfg.Now, cfg.Getenv)
	s.providers.keychain = cfg.Keychain
	s.runs = newRunQueue(runHooks{
		announce:  func(r Run) { s.Bus.Emit(runEvent(r, 0)) },
		slots:     s.takeSlots,
		begin:     s.beginRun,
		started:   s.startRecord,
		execute:   s.executeRun,
		ended:     s.endedRun,
		failed:    s.failRun,
		release:   s.releaseSlot,
		cancelled: s.cancelledQueued,
		order:     s.emitQueue,
	})
	s.pausedSeen = s.storedPaused(ctx)
	s.runs.SetPaused(s.pausedSeen)
	go s.serveOtherProcesses(ctx, cfg.CancelRequests, cfg.CancelEvery)
	return s, nil
}

// SettingQueuePaused is the settings key of the queue's pause (SPEC §14), "1" when paused.
const SettingQueuePaused = "queue_paused"

func (s *Service) storedPaused(ctx context.Context) bool {
	v, ok, err := s.store.GetSetting(ctx, SettingQueuePaused)
	return err == nil && ok && v == "1"
}

// serveOtherProcesses follows what other processes on the data home ask of this one: runs
// to cancel (take, when set), and the queue's state (watchQueue) while runs wait here or the
// window follows it.
func (s *Service) serveOtherProcesses(ctx context.Context, take func() []string, every time.Duration) {
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var lastDrain time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if take != nil {
				for _, id := range take() {
					if s.cancelChild(id) { // a subworkflow's child run, running here
						continue
					}
					if _, err := s.runs.Cancel(id); err != nil {
						s.log.Error("cancelling run for another process", "run_id", id, "err", err)
					}
				}
			}
			s.watchQueue(ctx, &lastDrain)
		}
	}
}

// QueuePaused reports whether the data home's queue is paused.
func (s *Service) QueuePaused() bool { return s.storedPaused(s.ctx) }

// PauseQueue pauses the queue of every process on the data home (kept across restarts):
// running runs finish, queued ones wait until ResumeQueue.
func (s *Service) PauseQueue(ctx context.Context) error { return s.setPaused(ctx, true) }

// ResumeQueue lifts the pause; queued runs start as slots free.
func (s *Service) ResumeQueue(ctx context.Context) error { return s.setPaused(ctx, false) }

func (s *Service) setPaused(ctx context.Context, p bool) error {
	v := "0"
	if p {
		v = "1"
	}
	if err := s.store.SetSetting(ctx, SettingQueuePaused, v); err != nil {
		return err
	}
	s.applyPaused(p)
	return nil
}

// Close cancels running runs and waits for them to record their end; queued runs stay queued
// for the next start. Then it stops the writer.
func (s *Service) Close() {
	s.runs.Shutdown()
	s.recording.Wait() // every run has ended: no record starts after this
	s.warmMu.Lock()
	s.warmShut = true
	s.warmMu.Unlock()
	s.warming.Wait() // no read of the store after Close
	s.watcher.close()
	s.follow.close()
	s.stop()
}

// Limits returns the limits nodes run under (SPEC §17).
func (s *Service) Limits() Limits { return s.limits }

// Registry returns the node registry.
func (s *Service) Registry() *Registry { return s.reg }

// Store returns the store (the window serves assets from it).
func (s *Service) Store() Store { return s.store }

func (s *Service) storedCap(ctx context.Context) int {
	v, ok, err := s.store.GetSetting(ctx, SettingRunCap)
	if err != nil || !ok {
		return DefaultRunCap
	}
	var n int
	if _, err := fmt.Sscanf(v, "%d", &n); err != nil || n < 1 {
		return DefaultRunCap
	}
	return n
}

// RunCap returns the data home's cap on running runs.
func (s *Service) RunCap() int {
	if n := s.capOverride.Load(); n > 0 {
		return int(n)
	}
	return s.storedCap(s.ctx)
}

// SetRunCap stores and applies the global cap.
func (s *Service) SetRunCap(ctx context.Context, n int) error {
	if n < 1 || n > 64 {
		return invalidf(fmt.Sprintf("run cap must be between 1 and 64, got %d", n))
	}
	if err := s.store.SetSetting(ctx, SettingRunCap, fmt.Sprint(n)); err != nil {
		return err
	}
	s.capOverride.Store(0)
	s.runs.drain() // a raised cap starts queued runs at once
	return nil
}

// ResolveWorkflow finds a workflow by id or unique name.
func (s *Service) ResolveWorkflow(ctx context.Context, ref string) (Workflow, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Workflow{}, invalidf("no workflow given")
	}
	if w, err := s.store.GetWorkflow(ctx, ref); err == nil {
		return w, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Workflow{}, err
	}
	ws, err := s.store.FindWorkflows(ctx, ref)
	if err != nil {
		return Workflow{}, err
	}
	switch len(ws) {
	case 0:
		return Workflow{}, fmt.Errorf("workflow %q: %w", ref, ErrNotFound)
	case 1:
		return ws[0], nil
	}
	return Workflow{}, fmt.Errorf("workflow name %q matches %d workflows, use an id: %w", ref, len(ws), ErrAmbiguous)
}

// resolveWorkflowVersion finds a workflow (id or unique name) and a version of it (id or
// label; "" is the current version).
func (s *Service) resolveWorkflowVersion(ctx context.Context, wfRef, versionRef string) (Workflow, Version, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Workflow{}, Version{}, err
	}
	v, err := s.ResolveVersion(ctx, w, versionRef)
	return w, v, err
}

// ResolveVersion finds a version of w by id or label; "" is the current version.
func (s *Service) ResolveVersion(ctx context.Context, w Workflow, ref string) (Version, error) {
	if ref == "" {
		ref = w.CurrentVersionID
	}
	if v, err := s.version(ctx, ref); err == nil {
		if v.WorkflowID != w.ID {
			return Version{}, fmt.Errorf("version %q is not a version of %q: %w", ref, w.Name, ErrNotFound)
		}
		return v, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Version{}, err
	}
	vs, err := s.versionHeads(ctx, w.ID)
	if err != nil {
		return Version{}, err
	}
	for _, v := range vs {
		if v.Label == ref {
			return s.version(ctx, v.ID)
		}
	}
	return Version{}, fmt.Errorf("workflow %q has no version %q: %w", w.Name, ref, ErrNotFound)
}

// ImportResult says what an import created.
type ImportResult struct {
	WorkflowID   string `json:"workflow_id"`
	VersionID    string `json:"version_id"`
	VersionLabel string `json:"version_label"`
	Created      bool   `json:"created"`
}

// Import reads any accepted file shape. Without into it creates a workflow (a bundle keeps
// every version); with into it adds the file's graph as a new current version of that
// workflow, or nothing when it equals the current one. Invalid graphs write nothing.
func (s *Service) Import(ctx context.Context, data []byte, into string) (ImportResult, error) {
	pf, err := ParseFile(data)
	if err != nil {
		return ImportResult{}, err
	}
	if pf.Bundle != nil {
		if into != "" {
			return ImportResult{}, invalidf(fmt.Sprintf("a bundle imports as a new workflow, not into workflow %q (a single workflow file does)", into))
		}
		return s.importBundle(ctx, *pf.Bundle)
	}
	f := *pf.Workflow
	g := s.pinByName(ctx, NormalizeGraph(f.Graph()))
	selfID := ""
	if into != "" {
		if w, err := s.ResolveWorkflow(ctx, into); err == nil {
			selfID = w.ID
		}
	}
	if err := s.validateGraph(ctx, selfID, g); err != nil {
		return ImportResult{}, err
	}
	notes := "imported"
	if pf.Legacy {
		notes = "imported (migrated from the legacy format)"
	}
	if into != "" {
		w, err := s.ResolveWorkflow(ctx, into)
		if err != nil {
			return ImportResult{}, err
		}
		cur, err := s.version(ctx, w.CurrentVersionID)
		if err != nil {
			return ImportResult{}, err
		}
		hash := ContentHash(g)
		if cur.ContentHash == hash {
			return ImportResult{WorkflowID: w.ID, VersionID: cur.ID, VersionLabel: cur.Label, Created: false}, nil
		}
		v, err := s.store.AddVersion(ctx, Version{ID: NewID(), WorkflowID: w.ID, Notes: notes, ParentID: cur.ID,
			Graph: g, ContentHash: hash, CreatedAt: s.now().UTC()}, true)
		if err != nil {
			return ImportResult{}, err
		}
		s.saveFactsAtSave(v)
		return ImportResult{WorkflowID: w.ID, VersionID: v.ID, VersionLabel: v.Label, Created: true}, nil
	}
	now := s.now().UTC()
	w, v, err := s.store.CreateWorkflow(ctx, Workflow{ID: NewID(), Name: f.Name, Description: f.Description, Tags: f.Tags, CreatedAt: now, UpdatedAt: now},
		Version{ID: NewID(), Notes: notes, Graph: g, ContentHash: ContentHash(g), CreatedAt: now})
	if err != nil {
		return ImportResult{}, err
	}
	s.saveFactsAtSave(v)
	return ImportResult{WorkflowID: w.ID, VersionID: v.ID, VersionLabel: v.Label, Created: true}, nil
}

func (s *Service) importBundle(ctx context.Context, b BundleFile) (res ImportResult, err error) {
	pins, created, err := s.importChildren(ctx, b.Children)
	defer func() {
		if err != nil { // children made for a bundle that did not import go with it
			for _, id := range created {
				_ = s.store.DeleteWorkflow(ctx, id)
			}
		}
	}()
	if err != nil {
		return ImportResult{}, err
	}
	var probs []Problem
	graphs := make([]Graph, len(b.Versions))
	for i, bv := range b.Versions {
		graphs[i] = NormalizeGraph(pins.repin(Graph{Inputs: bv.Inputs, Nodes: bv.Nodes, Edges: bv.Edges}))
		if err := s.validateGraph(ctx, "", graphs[i]); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				for _, p := range ve.Problems {
					p.Message = fmt.Sprintf("version %s: %s", bv.Label, p.Message)
					probs = append(probs, p)
				}
			}
		}
	}
	if len(probs) > 0 {
		return ImportResult{}, &ValidationError{Problems: probs}
	}
	now := s.now().UTC()
	first := b.Versions[0]
	w, v, err := s.store.CreateWorkflow(ctx, Workflow{ID: NewID(), Name: b.Name, Description: b.Description, Tags: b.Tags, CreatedAt: now, UpdatedAt: now},
		Version{ID: NewID(), Notes: first.Notes, Graph: graphs[0], ContentHash: ContentHash(graphs[0]), CreatedAt: orNow(first.CreatedAt, now)})
	if err != nil {
		return ImportResult{}, err
	}
	byLabel := map[string]string{first.Label: v.ID}
	current := v
	for i := 1; i < len(b.Versions); i++ {
		bv := b.Versions[i]
		parent := byLabel[bv.Parent]
		nv, err := s.store.AddVersion(ctx, Version{ID: NewID(), WorkflowID: w.ID, Notes: bv.Notes, ParentID: parent,
			Graph: graphs[i], ContentHash: ContentHash(graphs[i]), CreatedAt: orNow(bv.CreatedAt, now)}, false)
		if err != nil {
			_ = s.store.DeleteWorkflow(ctx, w.ID)
			return ImportResult{}, err
		}
		byLabel[bv.Label] = nv.ID
		if bv.Current {
			current = nv
		}
	}
	if first.Current {
		current = v
	}
	if current.ID != w.CurrentVersionID {
		if err := s.store.SetCurrentVersion(ctx, w.ID, current.ID); err != nil {
			return ImportResult{}, err
		}
	}
	return ImportResult{WorkflowID: w.ID, VersionID: current.ID, VersionLabel: current.Label, Created: true}, nil
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.UTC()
}

// Export renders a version (default current) as a workflow file, or the whole workflow as a bundle.
func (s *Service) Export(ctx context.Context, wfRef, versionRef string, bundle bool) ([]byte, error) {
	data, _, err := s.ExportWithWarnings(ctx, wfRef, versionRef, bundle)
	return data, err
}

// ExportWithWarnings is Export that also says what the file leaves out: a workflow file does
// not carry the workflows its subworkflow nodes run; a bundle does (Children).
func (s *Service) ExportWithWarnings(ctx context.Context, wfRef, versionRef string, bundle bool) ([]byte, []string, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return nil, nil, err
	}
	if bundle {
		vs, err := s.store.ListVersions(ctx, w.ID)
		if err != nil {
			return nil, nil, err
		}
		graphs := make([]Graph, len(vs))
		for i := range vs {
			graphs[len(vs)-1-i] = vs[i].Graph // oldest first
		}
		children, err := s.bundleChildren(ctx, graphs)
		if err != nil {
			return nil, nil, err
		}
		data, err := exportBundle(w, vs, children)
		return data, nil, err
	}
	v, err := s.ResolveVersion(ctx, w, versionRef)
	if err != nil {
		return nil, nil, err
	}
	data, err := ExportWorkflow(w, v)
	return data, ExportWarnings(v), err
}

// ListWorkflows returns every workflow with its dashboard summary.
func (s *Service) ListWorkflows(ctx context.Context) ([]WorkflowSummary, error) {
	return s.store.ListWorkflows(ctx)
}

// CreateVersion clones a version (default current) with notes; current does not change.
func (s *Service) CreateVersion(ctx context.Context, wfRef, fromRef, notes string) (Version, error) {
	w, from, err := s.resolveWorkflowVersion(ctx, wfRef, fromRef)
	if err != nil {
		return Version{}, err
	}
	// A version stored by a build that checked less may not pass today's validation (SPEC §4:
	// a version never is invalid): its copy is refused, naming what to fix.
	if err := s.validateGraph(ctx, w.ID, from.Graph); err != nil {
		return Version{}, err
	}
	if notes == "" {
		notes = "copy of " + from.Label
	}
	return s.store.AddVersion(ctx, Version{ID: NewID(), WorkflowID: w.ID, Notes: notes, ParentID: from.ID,
		Graph: from.Graph, ContentHash: from.ContentHash, CreatedAt: s.now().UTC()}, false)
}

// SaveVersion validates a graph and stores it as a new version; a graph equal to the current
// version returns that version instead. With makeCurrent it becomes
// the current version. An invalid graph is refused and nothing is written.
func (s *Service) SaveVersion(ctx context.Context, wfRef string, g Graph, notes, parentID string, makeCurrent bool) (Version, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Version{}, err
	}
	if parentID == "" {
		parentID = w.CurrentVersionID
	}
	// validated and hashed from the version it was edited from, when its pieces are held
	raw := g
	g, d, owned := normalizeFrom(raw, s.versions.draftBase(w.ID, w.CurrentVersionID, parentID), true)
	pieces, hash := hashFrom(raw, g, d)
	if !owned {
		pieces = nil // not to be kept: it shares values with the caller's graph
	}
	cur, err := s.version(ctx, w.CurrentVersionID)
	same := err == nil && cur.ContentHash == hash // nothing changed: no second version of the same content
	var ahead *versionAhead
	if !same {
		// stored once valid: prepared while it is validated (versionahead.go)
		ahead = s.saveAhead(Version{ID: NewID(), WorkflowID: w.ID, Notes: notes, ParentID: parentID,
			Graph: g, ContentHash: hash, CreatedAt: s.now().UTC()})
		defer ahead.drop()
	}
	c := s.validateGraphFrom(ctx, w.ID, g, d)
	if c.err != nil {
		return Version{}, c.err
	}
	if same {
		s.keepDraftBase(pieces, cur, &c)
		return cur, nil
	}
	v, err := ahead.add(ctx, s.store, makeCurrent)
	if err == nil {
		s.saveFactsAtSave(v)
		s.keepDraftBase(pieces, v, &c)
	}
	return v, err
}

// UseVersion makes a version of the workflow current.
func (s *Service) UseVersion(ctx context.Context, wfRef, versionRef string) (Version, error) {
	w, v, err := s.resolveWorkflowVersion(ctx, wfRef, versionRef)
	if err != nil {
		return Version{}, err
	}
	return v, s.store.SetCurrentVersion(ctx, w.ID, v.ID)
}

// SetRunCapLocal bounds the runs of this process only (flowbench run --max-concurrent),
// within the data home's cap.
func (s *Service) SetRunCapLocal(n int) { s.runs.SetCap(n) }
