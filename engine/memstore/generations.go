package memstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

func newerGen(a, b *genRec) bool {
	if !a.g.CreatedAt.Equal(b.g.CreatedAt) {
		return a.g.CreatedAt.After(b.g.CreatedAt)
	}
	return a.seq > b.seq
}

func validGenStatus(st engine.GenStatus) bool {
	return st == engine.GenCompleted || st == engine.GenFailed || st == engine.GenRunning
}

// SaveGenerations stores a batch of generations, all or none, linking each to the
// assets its outputs refer to, and fills in each one's Seq. A generation without ID or
// CreatedAt gets one. It returns each workflow's generation epoch after the commit.
func (s *Store) SaveGenerations(ctx context.Context, gens []engine.Generation) (map[string]int64, error) {
	recs := make([]*genRec, len(gens))
	now := time.Now()
	for i, g := range gens {
		if g.NodeID == "" {
			return nil, fmt.Errorf("saving generation %s: empty node id: %w", g.ID, engine.ErrInvalid)
		}
		if !validGenStatus(g.Status) {
			return nil, fmt.Errorf("saving generation %s: status %q: %w", g.ID, g.Status, engine.ErrInvalid)
		}
		outputs, err := encode("generation outputs", g.Outputs)
		if err != nil {
			return nil, err
		}
		var cost []byte
		if g.Cost != nil {
			if cost, err = encode("generation cost", g.Cost); err != nil {
				return nil, err
			}
		}
		if g.ID == "" {
			g.ID = uuid.NewString()
		}
		g.CreatedAt = msOr(g.CreatedAt, now)
		g.Outputs, g.Cost, g.Selected, g.VersionLabel, g.RunLabel = nil, nil, false, "", ""
		recs[i] = &genRec{g: g, outputs: outputs, cost: cost, refs: engine.AssetRefs(decode[map[string]any](outputs))}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, rec := range recs {
		if s.workflows[rec.g.WorkflowID] == nil {
			return nil, fmt.Errorf("saving generation %s: workflow %s: %w", rec.g.ID, rec.g.WorkflowID, engine.ErrNotFound)
		}
		if s.gens[rec.g.ID] != nil || seen[rec.g.ID] {
			return nil, fmt.Errorf("saving generation %s: %w", rec.g.ID, engine.ErrConflict)
		}
		seen[rec.g.ID] = true
	}
	epochs := map[string]int64{}
	for i, rec := range recs {
		s.genSeq++
		rec.seq = s.genSeq
		rec.g.Seq = rec.seq
		gens[i].Seq, gens[i].CreatedAt = rec.seq, rec.g.CreatedAt
		s.gens[rec.g.ID] = rec
		s.linked(rec.refs)
		w := s.workflows[rec.g.WorkflowID]
		w.epoch++
		epochs[rec.g.WorkflowID] = w.epoch
	}
	return epochs, nil
}

func (s *Store) genLocked(rec *genRec) engine.Generation {
	g := rec.g
	g.Outputs = decode[map[string]any](rec.outputs)
	if rec.cost != nil {
		g.Cost = decode[map[string]any](rec.cost)
	}
	if v := s.versions[g.VersionID]; v != nil {
		g.VersionLabel = v.v.Label
	}
	if r := s.runs[g.RunID]; r != nil {
		g.RunLabel = r.r.Label
	}
	g.Selected = s.selections[selKey{g.WorkflowID, g.NodeID}] == g.ID
	return g
}

// GetGeneration returns one generation.
func (s *Store) GetGeneration(ctx context.Context, id string) (engine.Generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.gens[id]
	if rec == nil {
		return engine.Generation{}, fmt.Errorf("getting generation %s: %w", id, engine.ErrNotFound)
	}
	return s.genLocked(rec), nil
}

// sortedGensLocked returns the generations keep accepts, ordered by less (s.mu held).
func (s *Store) sortedGensLocked(keep func(*genRec) bool, less func(a, b *genRec) bool) []*genRec {
	var recs []*genRec
	for _, g := range s.gens {
		if keep(g) {
			recs = append(recs, g)
		}
	}
	sort.Slice(recs, func(i, j int) bool { return less(recs[i], recs[j]) })
	return recs
}

// ListGenerations returns a node's generations newest first.
func (s *Store) ListGenerations(ctx context.Context, workflowID, nodeID string) ([]engine.Generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := s.sortedGensLocked(func(g *genRec) bool { return g.g.WorkflowID == workflowID && g.g.NodeID == nodeID }, newerGen)
	out := make([]engine.Generation, len(recs))
	for i, r := range recs {
		out[i] = s.genLocked(r)
	}
	return out, nil
}

// CurrentGenerations returns per node the current generation (engine.Outranks: selected ??
// latest completed), the nodes whose every generation failed, and the generation epoch.
func (s *Store) CurrentGenerations(ctx context.Context, workflowID string) (engine.CurrentState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := engine.NewCurrentState(0)
	if w := s.workflows[workflowID]; w != nil {
		st.Epoch = w.epoch
	}
	picked := map[string]*genRec{}
	for _, rec := range s.gens {
		if rec.g.WorkflowID != workflowID {
			continue
		}
		g := rec.g // outputs are decoded for the winners only
		g.Selected = s.selections[selKey{g.WorkflowID, g.NodeID}] == g.ID
		if st.Offer(&g) {
			picked[g.NodeID] = rec
		}
	}
	for node, rec := range picked {
		g := s.genLocked(rec)
		st.Current[node] = &g
	}
	return st, nil
}

// CachedGeneration returns the latest completed generation of any workflow whose input
// fingerprint is fingerprint.
func (s *Store) CachedGeneration(ctx context.Context, fingerprint string) (engine.Generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *genRec
	if fingerprint != "" {
		for _, rec := range s.gens {
			if rec.g.InputFingerprint == fingerprint && rec.g.Status == engine.GenCompleted && (best == nil || newerGen(rec, best)) {
				best = rec
			}
		}
	}
	if best == nil {
		return engine.Generation{}, fmt.Errorf("cached generation %s: %w", fingerprint, engine.ErrNotFound)
	}
	return s.genLocked(best), nil
}

// CachedGenerations returns, for each of fingerprints a completed generation has, the latest
// such generation.
func (s *Store) CachedGenerations(ctx context.Context, fingerprints []string) (map[string]engine.Generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	best := map[string]*genRec{}
	for _, fp := range fingerprints {
		if fp != "" {
			best[fp] = nil
		}
	}
	for _, rec := range s.gens {
		if b, ok := best[rec.g.InputFingerprint]; ok && rec.g.Status == engine.GenCompleted && (b == nil || newerGen(rec, b)) {
			best[rec.g.InputFingerprint] = rec
		}
	}
	out := map[string]engine.Generation{}
	for fp, rec := range best {
		if rec != nil {
			out[fp] = s.genLocked(rec)
		}
	}
	return out, nil
}

// RunFingerprints lists the input fingerprints of the completed generations of run runID
// with a seq in (after, upTo] (engine.RunFingerprintLister).
func (s *Store) RunFingerprints(ctx context.Context, runID string, after, upTo int64) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	var fps []string
	for _, rec := range s.gens {
		fp := rec.g.InputFingerprint
		if rec.seq > after && rec.seq <= upTo && rec.g.RunID == runID && rec.g.Status == engine.GenCompleted && fp != "" && !seen[fp] {
			seen[fp] = true
			fps = append(fps, fp)
		}
	}
	return fps, nil
}

// CandidateOutputs returns, for each candidate that is the latest completed generation with
// its fingerprint (the one CachedGenerations names), its outputs (engine.CandidateChecker).
func (s *Store) CandidateOutputs(ctx context.Context, cands []engine.CacheCandidate) (map[string]map[string]any, error) {
	fps := make([]string, 0, len(cands))
	for _, c := range cands {
		fps = append(fps, c.Fingerprint)
	}
	latest, err := s.CachedGenerations(ctx, fps)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{}
	for _, c := range cands {
		if g, ok := latest[c.Fingerprint]; ok && g.ID == c.ID && g.Seq == c.Seq {
			if _, dup := out[c.Fingerprint]; !dup {
				out[c.Fingerprint] = g.Outputs
			}
		}
	}
	return out, nil
}

// GenerationEpoch returns the workflow's generation epoch (0 for an unknown workflow).
func (s *Store) GenerationEpoch(ctx context.Context, workflowID string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.workflows[workflowID]; w != nil {
		return w.epoch, nil
	}
	return 0, nil
}

// bumpEpoch records a selection or deletion in the workflow's generation epoch.
func (s *Store) bumpEpoch(workflowID string) {
	if w := s.workflows[workflowID]; w != nil {
		w.epoch++
	}
}

// SelectGeneration marks generationID as the pick of its node; "" clears the pick.
func (s *Store) SelectGeneration(ctx context.Context, workflowID, nodeID, generationID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := selKey{workflowID, nodeID}
	if generationID == "" {
		delete(s.selections, key)
		s.bumpEpoch(workflowID)
		return nil
	}
	g := s.gens[generationID]
	if g == nil {
		return fmt.Errorf("selecting generation %s: %w", generationID, engine.ErrNotFound)
	}
	if g.g.WorkflowID != workflowID || g.g.NodeID != nodeID {
		return fmt.Errorf("selecting generation %s: not a generation of node %s of workflow %s: %w", generationID, nodeID, workflowID, engine.ErrInvalid)
	}
	s.selections[key] = generationID
	s.bumpEpoch(workflowID)
	return nil
}

// DeleteGeneration removes a generation, its selection and any asset no longer referenced.
func (s *Store) DeleteGeneration(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.gens[id]
	if g == nil {
		return fmt.Errorf("deleting generation %s: %w", id, engine.ErrNotFound)
	}
	delete(s.gens, id)
	s.deletions++
	key := selKey{g.g.WorkflowID, g.g.NodeID}
	if s.selections[key] == id {
		delete(s.selections, key)
	}
	s.bumpEpoch(g.g.WorkflowID)
	s.collect(g.refs)
	return nil
}

// ListRunResults returns the generations one run wrote, oldest first, without their outputs.
func (s *Store) ListRunResults(ctx context.Context, workflowID, runID string) ([]engine.Generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := s.sortedGensLocked(func(g *genRec) bool { return g.g.WorkflowID == workflowID && g.g.RunID == runID },
		func(a, b *genRec) bool { return a.seq < b.seq })
	out := make([]engine.Generation, 0, len(recs))
	for _, rec := range recs {
		g := rec.g
		g.Outputs, g.Cost = nil, nil
		out = append(out, g)
	}
	return out, nil
}

// GenerationClock returns the largest generation Seq and the number of generations deleted.
func (s *Store) GenerationClock(ctx context.Context) (engine.GenClock, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return engine.GenClock{Writes: s.genSeq, Deletions: s.deletions}, nil
}
