package engine

import "context"

// VersionHeadLister is implemented by a store that lists a workflow's versions without their
// graphs. A list of versions is read for its labels, notes and dates (the window's version
// menu, `flowbench versions`, a version named by its label), and the graphs of a large
// workflow's versions are megabytes each, read and decoded for nothing.
type VersionHeadLister interface {
	// ListVersionHeads returns a workflow's versions newest first, each without its graph
	// and content hash; ErrNotFound when there is no such workflow.
	ListVersionHeads(ctx context.Context, workflowID string) ([]Version, error)
}

// Versions returns a workflow and its versions, newest first, without their graphs and
// content hashes (VersionHeadLister; GetVersion has the whole version).
func (s *Service) Versions(ctx context.Context, wfRef string) (Workflow, []Version, error) {
	w, err := s.ResolveWorkflow(ctx, wfRef)
	if err != nil {
		return Workflow{}, nil, err
	}
	vs, err := s.versionHeads(ctx, w.ID)
	return w, vs, err
}

// versionHeads lists a workflow's versions newest first without their graphs, through the
// store's VersionHeadLister when it has one.
func (s *Service) versionHeads(ctx context.Context, workflowID string) ([]Version, error) {
	if l, ok := s.store.(VersionHeadLister); ok {
		return l.ListVersionHeads(ctx, workflowID)
	}
	vs, err := s.store.ListVersions(ctx, workflowID)
	for i := range vs {
		vs[i].Graph, vs[i].ContentHash = Graph{}, ""
	}
	return vs, err
}
