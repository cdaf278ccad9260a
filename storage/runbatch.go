package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/flowbench/flowbench/engine"
)

var _ engine.RunBatchStore = (*Store)(nil)

// SaveBatch writes, in one transaction, the runs of created (numbered as CreateRun numbers
// them), the generations (as SaveGenerations) and the run records of updated, in order (as
// UpdateRun; one without a label keeps the one it was created with in the batch): the group
// committer's batch holding subworkflows' child runs. A run that
// cannot be created or updated is rolled back alone and reported in runErrs; the batch fails
// only as a whole.
func (s *Store) SaveBatch(ctx context.Context, created []engine.Run, gens []engine.Generation, updated []engine.Run) ([]engine.Run, map[string]int64, map[string]error, error) {
	runErrs := map[string]error{}
	encC := make([]runJSON, len(created))
	for i, r := range created {
		j, err := s.encodeRun(ctx, r)
		if err != nil {
			runErrs[r.ID] = err
		}
		encC[i] = j
	}
	encU := make([]runJSON, len(updated))
	for i, r := range updated {
		j, err := s.encodeRun(ctx, engine.Run{Outputs: r.Outputs, Snapshot: r.Snapshot})
		if err != nil {
			runErrs[r.ID] = err
		}
		encU[i] = j
	}
	stored := make([]engine.Run, len(created))
	copy(stored, created)
	var inTx map[string]error
	epochs, err := s.saveGenerations(ctx, gens, func(tx *sql.Tx) error {
		inTx = map[string]error{}
		// A run's write fails alone: a statement that fails leaves nothing behind, and a
		// run with asset links (written after its row) gets a savepoint.
		one := func(id string, links bool, write func() error) error {
			if !links {
				if werr := write(); werr != nil {
					inTx[id] = werr
				}
				return nil
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT run_write`); err != nil {
				return err
			}
			if werr := write(); werr != nil {
				inTx[id] = werr
				_, err := tx.ExecContext(ctx, `ROLLBACK TO run_write`)
				if err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `RELEASE run_write`)
			return err
		}
		for i, r := range created {
			if runErrs[r.ID] != nil {
				continue
			}
			if err := one(r.ID, len(encC[i].refs) > 0, func() error {
				var err error
				stored[i], err = s.createRunTx(ctx, tx, r, encC[i])
				return err
			}); err != nil {
				return fmt.Errorf("creating run %s: %w", r.ID, err)
			}
		}
		engine.SameBatchLabels(stored, updated)
		for i, r := range updated {
			if runErrs[r.ID] != nil || inTx[r.ID] != nil {
				continue
			}
			if err := one(r.ID, len(encU[i].refs) > 0, func() error { return s.updateRunTx(ctx, tx, r, encU[i]) }); err != nil {
				return fmt.Errorf("updating run %s: %w", r.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	for id, e := range inTx {
		runErrs[id] = e
	}
	for i, r := range created {
		if runErrs[r.ID] == nil {
			s.linked(encC[i].refs)
			stored[i] = s.storedRun(stored[i], encC[i])
		}
	}
	for i, r := range updated {
		if runErrs[r.ID] == nil {
			s.linked(encU[i].refs)
		}
	}
	return stored, epochs, runErrs, nil
}
