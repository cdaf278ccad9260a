package engine

import (
	"context"
	"errors"
	"fmt"
)

// The editor's workflow and its draft (SPEC §4): the graph being edited, autosaved, possibly
// invalid, and turned into a version when it is saved, run, or left for another version.

// Editing is what the editor opens: the workflow, its versions newest first (without their
// graphs and content hashes: VersionHeadLister), the current version, the autosaved draft
// (nil when none) with the version it was based on, and Base: that version whole (the current
// version when there is no draft, or when the draft's base is gone).
type Editing struct {
	Workflow    Workflow
	Versions    []Version
	Current     Version
	Draft       *Graph
	DraftBaseID string
	Base        Version
}

// OpenForEditing gathers what the editor shows of a workflow. Only the current version and
// the draft's base come whole: each version of a large workflow is megabytes, and every Run
// of an edited draft opens it again to list the version it saved.
func (s *Service) OpenForEditing(ctx context.Context, wfRef string) (Editing, error) {
	w, vs, err := s.Versions(ctx, wfRef)
	if err != nil {
		return Editing{}, err
	}
	e := Editing{Workflow: w, Versions: vs}
	if e.Current, err = s.version(ctx, w.CurrentVersionID); err != nil {
		return Editing{}, err
	}
	e.Base = e.Current
	g, base, ok, err := s.Draft(ctx, w.ID)
	if err != nil {
		return Editing{}, err
	}
	if ok {
		e.Draft, e.DraftBaseID = &g, base
		if base != "" && base != e.Current.ID {
			switch v, err := s.version(ctx, base); {
			case err == nil && v.WorkflowID == w.ID:
				e.Base = v
			case err != nil && !errors.Is(err, ErrNotFound):
				return Editing{}, err
			}
		}
	}
	s.warmDraftBase(e.Base)
	s.warmForRuns(w.ID, e.Current)
	return e, nil
}

// warmForRuns readies in the background what the first run of a large workflow opened for
// editing reads, so the window's first Run (changed, from here) after opening it does not
// pay for them after the click: the workflow's state (its state record decoded), the facts
// of the version (a draft's are made from them) and the cache's index of fingerprints.
func (s *Service) warmForRuns(workflowID string, v Version) {
	if len(v.Graph.Nodes) < draftBaseWarmMin {
		return
	}
	s.warmMu.Lock()
	if s.warmShut {
		s.warmMu.Unlock()
		return
	}
	s.current.prefetch(s.ctx, s.store, workflowID)
	s.warming.Go(func() {
		s.current.waitPrefetch(workflowID) // Close waits for the read
		s.graphFacts(v)
	})
	s.warmMu.Unlock()
	if s.cacheOn(s.ctx) {
		s.warmCache()
	}
}

// SaveDraft autosaves the editor's graph; drafts may be invalid while edited.
func (s *Service) SaveDraft(ctx context.Context, workflowID string, g Graph, baseVersionID string) error {
	if _, err := s.store.GetWorkflow(ctx, workflowID); err != nil {
		return err
	}
	return s.store.SaveDraft(ctx, workflowID, g, baseVersionID)
}

// Draft returns the autosaved draft, if any.
func (s *Service) Draft(ctx context.Context, workflowID string) (Graph, string, bool, error) {
	g, base, err := s.store.GetDraft(ctx, workflowID)
	if errors.Is(err, ErrNotFound) {
		return Graph{}, "", false, nil
	}
	return g, base, err == nil, err
}

// DiscardDraft drops the autosaved draft.
func (s *Service) DiscardDraft(ctx context.Context, workflowID string) error {
	return s.store.DeleteDraft(ctx, workflowID)
}

// CommitDraft validates the editor's graph and saves it as the new current version (none
// when it equals the current one); the draft, now that version, is dropped.
func (s *Service) CommitDraft(ctx context.Context, wfRef string, g Graph, notes string) (Version, error) {
	v, err := s.SaveVersion(ctx, wfRef, g, notes, "", true)
	if err != nil {
		return Version{}, err
	}
	return v, s.dropDraft(ctx, v)
}

// SwitchVersion makes a version of the workflow current without losing the editor's draft:
// a valid draft that differs from every version is saved as a version first (its notes say
// so) and dropped; an invalid one stays the draft, since it cannot become a version. A
// version that is not the workflow's is refused before anything is written.
func (s *Service) SwitchVersion(ctx context.Context, wfRef, versionRef string) (Version, error) {
	w, target, err := s.resolveWorkflowVersion(ctx, wfRef, versionRef)
	if err != nil {
		return Version{}, err
	}
	if err := s.keepDraft(ctx, w, "draft saved before switching version"); err != nil {
		return Version{}, err
	}
	return target, s.store.SetCurrentVersion(ctx, w.ID, target.ID)
}

// KeepDraft saves the workflow's draft as a version, as SwitchVersion does, before something
// else changes the current version under it (the window restoring a run).
func (s *Service) KeepDraft(ctx context.Context, wfRef string) error {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return err
	}
	return s.keepDraft(ctx, w, "draft saved before restoring a run")
}

// keepDraft saves a valid draft of w that differs from every version as a version and drops
// it; an invalid draft stays the draft.
func (s *Service) keepDraft(ctx context.Context, w Workflow, notes string) error {
	draft, _, ok, err := s.Draft(ctx, w.ID)
	if err != nil || !ok {
		return err
	}
	// a draft equal to a version is that version: found by its hash, it is not validated
	g, d, owned := normalizeFrom(draft, s.versions.draftBase(w.ID, w.CurrentVersionID), true)
	pieces, hash := hashFrom(draft, g, d)
	if !owned {
		pieces = nil // not to be kept: it shares values with the draft
	}
	v, found, err := s.versionWithHash(ctx, w, hash)
	if err != nil {
		return err
	}
	if !found {
		ahead := s.saveAhead(s.newVersion(w, g, hash, notes)) // prepared while it is validated
		defer ahead.drop()
		c := checkFrom(s.reg, g, nil, nil, d)
		if c.err != nil {
			return nil
		}
		if v, err = ahead.add(ctx, s.store, true); err != nil {
			return err
		}
		s.keepDraftBase(pieces, v, &c)
	}
	return s.dropDraft(ctx, v)
}

// versionWithHash returns the newest version of w whose content hash is hash; found false
// when none has it.
func (s *Service) versionWithHash(ctx context.Context, w Workflow, hash string) (v Version, found bool, err error) {
	if vf, ok := s.store.(VersionFinder); ok {
		id, err := vf.VersionWithContent(ctx, w.ID, hash)
		if err != nil || id == "" {
			return Version{}, false, err
		}
		if v, err = s.version(ctx, id); err == nil {
			return v, true, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Version{}, false, err
		}
		return Version{}, false, nil // deleted since it was found: g becomes a version again
	}
	vs, err := s.store.ListVersions(ctx, w.ID)
	if err != nil {
		return Version{}, false, err
	}
	for _, v := range vs {
		if v.ContentHash == hash {
			return v, true, nil
		}
	}
	return Version{}, false, nil
}

// newVersion is the version g (normalized and valid, its content hash hash) becomes when it
// is saved as the next version of w: not stored, its label unset.
func (s *Service) newVersion(w Workflow, g Graph, hash, notes string) Version {
	return Version{ID: NewID(), WorkflowID: w.ID, Notes: notes, ParentID: w.CurrentVersionID, Graph: g, ContentHash: hash,
		CreatedAt: s.now().UTC()}
}

// VersionFinder is implemented by a store that finds a workflow's version by its content
// hash without reading the others: ListVersions decodes every version's graph, a tenth of a
// second and more on a large graph with a few versions, before each run of an edited draft.
type VersionFinder interface {
	// VersionWithContent returns the id of the newest version of workflowID whose content
	// hash is hash, "" when none has it.
	VersionWithContent(ctx context.Context, workflowID, hash string) (string, error)
}

// dropDraft drops a workflow's draft once it is saved as v; failing to is reported, naming v.
func (s *Service) dropDraft(ctx context.Context, v Version) error {
	if err := s.store.DeleteDraft(ctx, v.WorkflowID); err != nil {
		return fmt.Errorf("dropping the draft saved as %s: %w", v.Label, err)
	}
	return nil
}

// VersionPreparer is implemented by a store that can do the work of storing a version that
// writes nothing (encoding its graph: ~15 ms of CPU for 10,000 nodes) ahead of the write: the
// engine prepares a draft's version on another core while it validates the draft (and plans
// its run), and writes it once they pass (versionahead.go).
type VersionPreparer interface {
	// PrepareVersion readies v for AddVersion, writing nothing; v is not changed after.
	PrepareVersion(v Version) (PreparedVersion, error)
}

// PreparedVersion is a version ready to be stored.
type PreparedVersion interface {
	// Add stores it as AddVersion does; called at most once.
	Add(ctx context.Context, makeCurrent bool) (Version, error)
}
