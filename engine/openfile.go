package engine

import "context"

// OpenFile imports a workflow file a person opened (`flowbench FILE.json`, a double-click in
// the file manager) unless it is already here: a workflow with the file's name whose current
// version has the file's graph is returned as is (Created false), so opening the same file
// again opens that workflow instead of making a copy. Anything else imports as Import does
// without into (a bundle always makes a new workflow).
func (s *Service) OpenFile(ctx context.Context, data []byte) (ImportResult, error) {
	pf, err := ParseFile(data)
	if err != nil {
		return ImportResult{}, err
	}
	if pf.Workflow != nil {
		g := s.pinByName(ctx, NormalizeGraph(pf.Workflow.Graph()))
		if err := s.validateGraph(ctx, "", g); err != nil {
			return ImportResult{}, err
		}
		hash := ContentHash(g)
		list, err := s.store.ListWorkflows(ctx)
		if err != nil {
			return ImportResult{}, err
		}
		for _, w := range list {
			if w.Name != pf.Workflow.Name || w.CurrentVersionID == "" {
				continue
			}
			cur, err := s.version(ctx, w.CurrentVersionID)
			if err != nil {
				return ImportResult{}, err
			}
			if cur.ContentHash == hash {
				return ImportResult{WorkflowID: w.ID, VersionID: cur.ID, VersionLabel: cur.Label, Created: false}, nil
			}
		}
	}
	return s.Import(ctx, data, "")
}
