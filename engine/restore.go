package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// RestoreResult says what a restore (or its undo) made current (SPEC §13): the version and,
// per node, the generation now selected ("" when the selection was cleared). Missing lists
// the nodes that could not be restored because their generation was deleted.
type RestoreResult struct {
	WorkflowID string            `json:"workflow_id"`
	VersionID  string            `json:"version_id"`
	Selected   map[string]string `json:"selected"`
	Missing    []string          `json:"missing"`
	// RunID is the restored run (empty for an undo).
	RunID string `json:"-"`
}

// restoreUndo is what a restore replaced, kept so UndoRestore puts it back.
type restoreUndo struct {
	RunID     string            `json:"run_id"`
	VersionID string            `json:"version_id"`
	Picks     map[string]string `json:"picks"`
	At        time.Time         `json:"at"`
}

// settingRestoreUndo is the settings key of a workflow's last restore.
func settingRestoreUndo(workflowID string) string { return "restore_undo:" + workflowID }

// RestoreRun makes a finished run what the workflow shows: its version becomes current and
// every node it executed or reused gets the generation that run used selected. What was
// current before is kept so UndoRestore puts it back. Generations deleted since are skipped
// and listed in Missing.
func (s *Service) RestoreRun(ctx context.Context, runID string) (RestoreResult, error) {
	runID = strings.TrimSpace(runID)
	if runID == "" {
		return RestoreResult{}, invalidf("no run given")
	}
	r, err := s.store.GetRun(ctx, runID)
	if err != nil {
		return RestoreResult{}, runErr(runID, err)
	}
	if r.Status == RunQueued || r.Status == RunRunning {
		return RestoreResult{}, fmt.Errorf("run %q is %s: restore it once it has finished: %w", runID, r.Status, ErrConflict)
	}
	w, err := s.store.GetWorkflow(ctx, r.WorkflowID)
	if err != nil {
		return RestoreResult{}, err
	}
	v, err := s.version(ctx, r.VersionID)
	if err != nil {
		return RestoreResult{}, err
	}
	want := map[string]string{}
	inVersion := nodeSet(v.Graph)
	for id, rec := range r.Snapshot.Records() {
		if inVersion[id] && rec.GenerationID != "" && (rec.Status == NodeExecuted || rec.Status == NodeReused) {
			want[id] = rec.GenerationID
		}
	}
	ids := make([]string, 0, len(want))
	for _, g := range want {
		ids = append(ids, g)
	}
	gens, err := s.getGenerations(ctx, ids)
	if err != nil {
		return RestoreResult{}, err
	}
	res := RestoreResult{WorkflowID: w.ID, VersionID: v.ID, RunID: r.ID, Selected: map[string]string{}, Missing: []string{}}
	for node, gid := range want {
		if g, ok := gens[gid]; ok && g.Status == GenCompleted && g.WorkflowID == w.ID && g.NodeID == node {
			res.Selected[node] = gid
		} else {
			res.Missing = append(res.Missing, node)
		}
	}
	slices.Sort(res.Missing)
	cur, err := s.store.CurrentGenerations(ctx, w.ID)
	if err != nil {
		return RestoreResult{}, err
	}
	undo := restoreUndo{RunID: r.ID, VersionID: w.CurrentVersionID, Picks: map[string]string{}, At: s.now().UTC()}
	picks := map[string]string{}
	for node, gid := range res.Selected {
		prev := ""
		if g := cur.Current[node]; g != nil && g.Selected {
			prev = g.ID
		}
		undo.Picks[node] = prev
		if prev != gid {
			picks[node] = gid
		}
	}
	data, err := json.Marshal(undo)
	if err != nil {
		return RestoreResult{}, err
	}
	// The undo record is written first: a restore stopped half way can still be undone.
	if err := s.store.SetSetting(ctx, settingRestoreUndo(w.ID), string(data)); err != nil {
		return RestoreResult{}, err
	}
	if w.CurrentVersionID != v.ID {
		if err := s.store.SetCurrentVersion(ctx, w.ID, v.ID); err != nil {
			return RestoreResult{}, err
		}
	}
	if err := s.applyPicks(ctx, w.ID, picks); err != nil {
		return RestoreResult{}, err
	}
	return res, nil
}

// CanUndoRestore returns the run whose restore UndoRestore would take back, "" when none.
func (s *Service) CanUndoRestore(ctx context.Context, wfRef string) (string, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return "", err
	}
	u, ok, err := s.restoreUndo(ctx, w.ID)
	if err != nil || !ok {
		return "", err
	}
	return u.RunID, nil
}

func (s *Service) restoreUndo(ctx context.Context, workflowID string) (restoreUndo, bool, error) {
	text, ok, err := s.store.GetSetting(ctx, settingRestoreUndo(workflowID))
	if err != nil || !ok || text == "" {
		return restoreUndo{}, false, err
	}
	var u restoreUndo
	if err := json.Unmarshal([]byte(text), &u); err != nil {
		return restoreUndo{}, false, fmt.Errorf("reading the last restore of workflow %s: %w", workflowID, err)
	}
	return u, true, nil
}

// UndoRestore puts back what the workflow's last restore replaced: the version that was
// current and the picks of the nodes it selected (a pick deleted since is cleared and the
// node listed in Missing). Only the last restore can be undone, once.
func (s *Service) UndoRestore(ctx context.Context, wfRef string) (RestoreResult, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return RestoreResult{}, err
	}
	u, ok, err := s.restoreUndo(ctx, w.ID)
	if err != nil {
		return RestoreResult{}, err
	}
	if !ok {
		return RestoreResult{}, fmt.Errorf("workflow %q has no restore to undo: %w", w.Name, ErrConflict)
	}
	res := RestoreResult{WorkflowID: w.ID, VersionID: u.VersionID, Selected: map[string]string{}, Missing: []string{}}
	ids := []string{}
	for _, gid := range u.Picks {
		if gid != "" {
			ids = append(ids, gid)
		}
	}
	gens, err := s.getGenerations(ctx, ids)
	if err != nil {
		return RestoreResult{}, err
	}
	for node, gid := range u.Picks {
		if gid != "" {
			if _, ok := gens[gid]; !ok {
				res.Missing = append(res.Missing, node)
				gid = ""
			}
		}
		res.Selected[node] = gid
	}
	slices.Sort(res.Missing)
	if _, err := s.version(ctx, u.VersionID); err != nil {
		if !errors.Is(err, ErrNotFound) {
			return RestoreResult{}, err
		}
		res.VersionID = w.CurrentVersionID
	} else if w.CurrentVersionID != u.VersionID {
		if err := s.store.SetCurrentVersion(ctx, w.ID, u.VersionID); err != nil {
			return RestoreResult{}, err
		}
	}
	if err := s.applyPicks(ctx, w.ID, res.Selected); err != nil {
		return RestoreResult{}, err
	}
	if err := s.store.SetSetting(ctx, settingRestoreUndo(w.ID), ""); err != nil {
		return RestoreResult{}, err
	}
	return res, nil
}

// applyPicks selects (or, for "", clears) the generation of each node.
func (s *Service) applyPicks(ctx context.Context, workflowID string, picks map[string]string) error {
	if len(picks) == 0 {
		return nil
	}
	if b, ok := s.store.(GenerationBatch); ok {
		return s.follow.change(ctx, workflowID, func() error { return b.SelectGenerations(ctx, workflowID, picks) })
	}
	nodes := make([]string, 0, len(picks))
	for n := range picks {
		nodes = append(nodes, n)
	}
	slices.Sort(nodes)
	for _, n := range nodes {
		if err := s.follow.change(ctx, workflowID, func() error { return s.store.SelectGeneration(ctx, workflowID, n, picks[n]) }); err != nil {
			return err
		}
	}
	return nil
}
