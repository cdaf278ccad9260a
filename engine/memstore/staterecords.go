package memstore

import (
	"context"
	"slices"

	"github.com/flowbench/flowbench/engine"
)

// stateRec is a workflow's state record: data for epoch, saved when the largest generation
// seq was maxSeq.
type stateRec struct {
	epoch, maxSeq int64
	data          []byte
}

// SaveStateRecord keeps data as the workflow's state record for epoch when epoch is still
// the workflow's generation epoch.
func (s *Store) SaveStateRecord(ctx context.Context, workflowID string, epoch int64, data []byte) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.workflows[workflowID]
	if w == nil || w.epoch != epoch {
		return false, nil
	}
	w.record = &stateRec{epoch: epoch, maxSeq: s.genSeq, data: slices.Clone(data)}
	return true, nil
}

// StateRecord returns the workflow's state record, its epoch now and, when that is at most
// maxSince past the record's, the workflow's generations stored after the record, oldest
// first.
func (s *Store) StateRecord(ctx context.Context, workflowID string, maxSince int64) (engine.StateRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.workflows[workflowID]
	if w == nil {
		return engine.StateRecord{}, nil
	}
	rec := engine.StateRecord{Now: w.epoch}
	if w.record == nil {
		return rec, nil
	}
	rec.Data, rec.Epoch = slices.Clone(w.record.data), w.record.epoch
	if d := rec.Now - rec.Epoch; d < 0 || d > maxSince {
		return rec, nil
	}
	rec.Since, rec.SinceRead = []engine.Generation{}, true
	for _, g := range s.gens {
		if g.g.WorkflowID == workflowID && g.seq > w.record.maxSeq {
			full := s.genLocked(g)
			full.Selected, full.VersionLabel, full.RunLabel = false, "", ""
			rec.Since = append(rec.Since, full)
		}
	}
	slices.SortFunc(rec.Since, func(a, b engine.Generation) int { return int(a.Seq - b.Seq) })
	return rec, nil
}
