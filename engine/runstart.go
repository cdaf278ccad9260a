package engine

import (
	"context"
	"fmt"
	"sync/atomic"
)

// Starting runs as the window and the command line ask for them: one run of a version or of
// the editor's draft (RunDraft), or a batch of runs (StartBatch). Each resolves the workflow
// and validates the graph once, checks every run before it writes anything, and queues.

// Started is what a start queued: its runs in order, and the version the editor's draft was
// saved as to run them (zero when no draft was given or it equalled a version).
type Started struct {
	Runs  []Run
	Saved Version
}

// BatchError refuses a batch because of one of its runs; Index is its place in the batch,
// from 0. Nothing of the batch was written.
type BatchError struct {
	Index int
	Err   error
}

func (e *BatchError) Error() string { return fmt.Sprintf("run %d of the batch: %v", e.Index+1, e.Err) }

func (e *BatchError) Unwrap() error { return e.Err }

// RunDraft starts one run of req. With req.Draft (the editor's graph) the version whose
// content equals it runs; a draft that differs from every version is validated, its run
// checked, then saved as the new current version (notes say so) and dropped as a draft,
// since it is that version now (SPEC §4). Without a draft it runs req.Version like StartRun.
// A refused graph or run writes nothing; a draft that cannot be dropped is reported and
// nothing is queued.
func (s *Service) RunDraft(ctx context.Context, req RunRequest) (Started, error) {
	return s.start(ctx, req, []map[string]any{req.Inputs}, false)
}

// StartBatch starts one full run of req per input set (Run ×N, a sweep, a --batch file),
// of req.Version or, with req.Draft, of the draft as RunDraft does. Every run is checked
// before any is queued (a refusal is a *BatchError naming the run); the runs are labelled
// by what differs between their inputs.
func (s *Service) StartBatch(ctx context.Context, req RunRequest, inputSets []map[string]any) (Started, error) {
	if len(inputSets) == 0 {
		return Started{}, invalidf("a batch needs at least one run")
	}
	if req.From != "" || req.Changed {
		return Started{}, Invalid(Problem{NodeID: req.From, Message: "a batch runs the whole workflow, not from a block or only what changed"})
	}
	if req.Changed {
		return Started{}, invalidf("a batch runs the whole workflow, not what changed")
	}
	return s.start(ctx, req, inputSets, true)
}

// start checks one run of req per input set, saves the draft as a version when it needs
// one, and queues the runs in order.
func (s *Service) start(ctx context.Context, req RunRequest, inputSets []map[string]any, batch bool) (Started, error) {
	w, err := s.ResolveWorkflow(ctx, req.Workflow)
	if err != nil {
		return Started{}, err
	}
	// A plan reads the state: start while the version is read, or the editor's draft hashed
	// and validated. A full run needs no plan, but holding the state lets it apply its
	// generations as they land and write the state record at its end (executeRun), so the
	// next process that plans reads one piece instead of every generation the run wrote
	// (statecache.go).
	s.current.prefetch(ctx, s.store, w.ID)
	defer s.current.waitPrefetch(w.ID) // a start refused before its plan leaves nothing running
	v, ahead, err := s.runVersion(ctx, w, req)
	if err != nil {
		return Started{}, err
	}
	defer ahead.drop() // a start refused before its draft's version is stored writes nothing
	prepared := make([]preparedRun, len(inputSets))
	for i, in := range inputSets {
		r := req
		r.Inputs = in
		if prepared[i], err = s.prepare(ctx, w, v, r); err != nil {
			if batch {
				return Started{}, &BatchError{Index: i, Err: err}
			}
			return Started{}, err
		}
	}
	if batch {
		labelBatch(prepared)
	}
	var out Started
	if ahead != nil {
		if v, err = ahead.add(ctx, s.store, true); err != nil {
			return Started{}, err
		}
		out.Saved = v
		for i := range prepared {
			prepared[i].onVersion(v)
		}
		// kept as stored (as every reader decodes it); its facts are made for that form when
		// it is next planned
		s.keepSaved(v, nil)
		// the facts the draft's plan worked out: the base its facts are made from when it
		// (or a version edited from it) is next planned, comparing its params as stored
		for _, p := range prepared {
			if p.exec.facts != nil {
				s.versions.keepLike(v.ID, p.exec.facts)
				break
			}
		}
		if err := s.dropDraft(ctx, v); err != nil {
			return out, err
		}
	}
	s.current.waitPrefetch(w.ID) // the state is held before the run's first commit lands
	if !batch && len(prepared) == 1 {
		// The executor's layout of the run (a state for each node that executes, its edges)
		// is worked out while the run is written, queued and given its slot: milliseconds
		// of writes on a large graph that it would otherwise follow.
		prepared[0].exec.layout = layOutAhead(s.reg, prepared[0].exec)
	}
	for _, p := range prepared {
		r, err := s.enqueue(ctx, p)
		if err != nil {
			return out, err
		}
		out.Runs = append(out.Runs, r)
	}
	return out, nil
}

// prepareRun checks one run of a version without writing anything (Retry); req.Draft is not
// read.
func (s *Service) prepareRun(ctx context.Context, req RunRequest) (preparedRun, error) {
	w, err := s.ResolveWorkflow(ctx, req.Workflow)
	if err != nil {
		return preparedRun{}, err
	}
	req.Draft = nil
	v, _, err := s.runVersion(ctx, w, req)
	if err != nil {
		return preparedRun{}, err
	}
	return s.prepare(ctx, w, v, req)
}

// runVersion is the version a start of req runs, checked to be runnable: req.Version, or
// with req.Draft the version equal to the draft, or the new version the draft becomes
// (validated, not stored yet: ahead stores it, prepared while the draft was validated).
func (s *Service) runVersion(ctx context.Context, w Workflow, req RunRequest) (v Version, ahead *versionAhead, err error) {
	if req.Draft == nil {
		if v, err = s.ResolveVersion(ctx, w, req.Version); err != nil {
			return Version{}, nil, err
		}
		return v, nil, s.checkTypesKnown(v)
	}
	// A draft equal to a version runs that version, as it runs by its label: found by its
	// hash, and not validated, since a version is valid; a draft that differs is validated
	// before it can become one. Both are worked out from the version it was edited from when
	// the service holds its pieces (draftbase.go): only what the edit touched. The validation
	// (~6 ms whole on a 10,000-node graph) is begun on another core while the draft is hashed
	// (~5 ms whole), and given up when a version equals it.
	g, d, owned := normalizeFrom(*req.Draft, s.versions.draftBase(w.ID, w.CurrentVersionID), true)
	var stop atomic.Bool
	valid := goAside(func() checked { return checkFrom(s.reg, g, nil, &stop, d) })
	pieces, hash := hashFrom(*req.Draft, g, d)
	if !owned {
		pieces = nil // not to be kept: it shares values with the caller's draft
	}
	if v, found, err := s.versionWithHash(ctx, w, hash); err != nil || found {
		stop.Store(true)
		valid.discard()
		if err != nil {
			return Version{}, nil, err
		}
		s.keepDraftBase(pieces, v, nil)
		return v, nil, s.checkTypesKnown(v)
	}
	v = s.newVersion(w, g, hash, "saved automatically to run the edited draft")
	ahead = s.saveAhead(v)
	c := valid.wait()
	if c.err != nil {
		ahead.drop()
		return Version{}, nil, c.err
	}
	// kept under the id the version is stored with; unused if the start is refused
	s.keepDraftBase(pieces, v, &c)
	return v, ahead, nil
}

// onVersion points a run prepared on a draft at the version the draft was saved as.
func (p *preparedRun) onVersion(v Version) {
	p.run.VersionID, p.run.VersionLabel = v.ID, v.Label
	p.exec.Version, p.exec.Run = v, p.run
	if p.exec.Plan != nil {
		p.exec.Plan.VersionID = v.ID
	}
}
