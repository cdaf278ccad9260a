package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/flowbench/flowbench/engine"
)

type scanner interface{ Scan(dest ...any) error }

const workflowCols = `w.id, w.name, w.description, w.tags, w.current_version_id, w.created_at, w.updated_at`

func scanWorkflow(sc scanner, extra ...any) (engine.Workflow, error) {
	var w engine.Workflow
	var tags string
	var created, updated int64
	dest := append([]any{&w.ID, &w.Name, &w.Description, &tags, &w.CurrentVersionID, &created, &updated}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return w, err
	}
	w.CreatedAt, w.UpdatedAt = fromMS(created), fromMS(updated)
	if err := decodeInto("workflow tags", tags, &w.Tags); err != nil {
		return w, err
	}
	if w.Tags == nil {
		w.Tags = []string{}
	}
	return w, nil
}

const versionCols = `id, workflow_id, seq, label, notes, parent_id, graph, content_hash, created_at`

// versionReadCols are versionCols with the keyframe a delta is stored against (versiondelta.go).
const versionReadCols = versionCols + `, delta_of`

// versionRow is a row of versionReadCols as read: the graph not yet resolved nor decoded.
type versionRow struct {
	v       engine.Version
	graph   []byte
	deltaOf string
}

func scanVersionRow(sc scanner) (versionRow, error) {
	var r versionRow
	var created int64
	if err := sc.Scan(&r.v.ID, &r.v.WorkflowID, &r.v.Seq, &r.v.Label, &r.v.Notes, &r.v.ParentID, &r.graph, &r.v.ContentHash, &created, &r.deltaOf); err != nil {
		return r, err
	}
	r.v.CreatedAt = fromMS(created)
	return r, nil
}

// decodeVersion is the version of row r with its graph text resolved (versionText) and
// decoded; size is how long that text is. It may read a keyframe: never call it while a
// query's rows are open, which would hold one reader connection while asking for another.
func (s *Store) decodeVersion(ctx context.Context, r versionRow) (v engine.Version, size int, err error) {
	v = r.v
	graph, err := s.versionText(ctx, r.graph, r.deltaOf)
	if err != nil {
		return v, 0, fmt.Errorf("version %s: %w", v.ID, err)
	}
	if len(graph) == 0 {
		return v, 0, nil
	}
	if err := engine.DecodeGraph(graph, &v.Graph); err != nil {
		return v, len(graph), fmt.Errorf("decoding version graph: %w", err)
	}
	return v, len(graph), nil
}

func tagsJSON(tags []string) (string, error) {
	if tags == nil {
		tags = []string{}
	}
	return encode("tags", tags)
}

// CreateWorkflow stores w with its first version v1, which becomes current.
func (s *Store) CreateWorkflow(ctx context.Context, w engine.Workflow, first engine.Version) (engine.Workflow, engine.Version, error) {
	if strings.TrimSpace(w.Name) == "" {
		return engine.Workflow{}, engine.Version{}, fmt.Errorf("creating workflow: name is empty: %w", engine.ErrInvalid)
	}
	tags, err := tagsJSON(w.Tags)
	if err != nil {
		return engine.Workflow{}, engine.Version{}, err
	}
	graph, err := encode("graph", first.Graph)
	if err != nil {
		return engine.Workflow{}, engine.Version{}, err
	}
	now := time.Now()
	if w.ID == "" {
		w.ID = uuid.NewString()
	}
	if first.ID == "" {
		first.ID = uuid.NewString()
	}
	created := msOr(w.CreatedAt, now)
	updated := created
	if !w.UpdatedAt.IsZero() {
		updated = toMS(w.UpdatedAt)
	}
	first.WorkflowID = w.ID
	first.CreatedAt = fromMS(msOr(first.CreatedAt, now))

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return engine.Workflow{}, engine.Version{}, fmt.Errorf("creating workflow: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO workflows (id, name, description, tags, current_version_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, w.ID, w.Name, w.Description, tags, first.ID, created, updated)
	if isUnique(err) {
		return engine.Workflow{}, engine.Version{}, fmt.Errorf("creating workflow %s: %w", w.ID, engine.ErrConflict)
	}
	if err != nil {
		return engine.Workflow{}, engine.Version{}, fmt.Errorf("creating workflow %s: %w", w.ID, err)
	}
	refs, err := insertVersion(ctx, tx, &first, graph)
	if err != nil {
		return engine.Workflow{}, engine.Version{}, err
	}
	if err := tx.Commit(); err != nil {
		return engine.Workflow{}, engine.Version{}, fmt.Errorf("creating workflow %s: %w", w.ID, err)
	}
	s.linked(refs)
	s.savedVersion(first, len(graph))
	if len(graph) >= deltaMinText {
		s.keys.put(first.ID, first.WorkflowID, graph) // the keyframe of the versions edited from it
	}
	w.CurrentVersionID = first.ID
	w.CreatedAt, w.UpdatedAt = fromMS(created), fromMS(updated)
	w.Tags = append([]string{}, w.Tags...)
	return w, first, nil
}

// insertVersion stores v as the next version of its workflow, assigning Seq and Label,
// and links the assets its graph refers to, which it returns; graph is v.Graph encoded.
// v.Graph becomes the graph a reader decodes from graph (a copy sharing nothing with the
// caller's).
func insertVersion(ctx context.Context, tx *sql.Tx, v *engine.Version, graph string) ([]string, error) {
	g, refs, err := storedVersionGraph(v.Graph, graph)
	if err != nil {
		return nil, err
	}
	v.Graph = g
	return refs, insertVersionRow(ctx, tx, v, graph, "", refs)
}

// storedVersionGraph is the graph a reader decodes from graph, the stored text of g, with
// the assets it refers to: made from g when it reads back as itself (engine.StoredGraph, a
// copy), else decoded from the text.
func storedVersionGraph(g engine.Graph, graph string) (engine.Graph, []string, error) {
	stored, ok := engine.StoredGraph(g)
	return readBackGraph(stored, ok, graph)
}

// readBackGraph is storedVersionGraph with engine.StoredGraph's answer (stored, ok) given.
func readBackGraph(stored engine.Graph, ok bool, graph string) (engine.Graph, []string, error) {
	if !ok {
		stored = engine.Graph{}
		if err := engine.DecodeGraph([]byte(graph), &stored); err != nil {
			return engine.Graph{}, nil, fmt.Errorf("decoding version graph: %w", err)
		}
	}
	return stored, engine.GraphAssetRefs(stored), nil
}

// insertVersionRow writes v's row as the next version of its workflow, assigning Seq and
// Label, and links refs, the assets its graph refers to. graph is its text as stored: a delta
// against keyframe deltaOf when that is set (versiondelta.go).
func insertVersionRow(ctx context.Context, tx *sql.Tx, v *engine.Version, graph, deltaOf string, refs []string) error {
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE workflow_id = ?`, v.WorkflowID).Scan(&v.Seq); err != nil {
		return fmt.Errorf("numbering version of workflow %s: %w", v.WorkflowID, err)
	}
	v.Label = "v" + strconv.Itoa(v.Seq)
	_, err := tx.ExecContext(ctx, `INSERT INTO versions (`+versionReadCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.WorkflowID, v.Seq, v.Label, v.Notes, v.ParentID, graph, v.ContentHash, toMS(v.CreatedAt), deltaOf)
	switch {
	case isUnique(err):
		return fmt.Errorf("adding version %s: %w", v.ID, engine.ErrConflict)
	case isForeignKey(err):
		return fmt.Errorf("adding version to workflow %s: %w", v.WorkflowID, engine.ErrNotFound)
	case err != nil:
		return fmt.Errorf("adding version %s: %w", v.ID, err)
	}
	return linkAssets(ctx, tx, linkVersion, v.ID, refs)
}

// GetWorkflow returns one workflow.
func (s *Store) GetWorkflow(ctx context.Context, id string) (engine.Workflow, error) {
	w, err := scanWorkflow(s.r.QueryRowContext(ctx, `SELECT `+workflowCols+` FROM workflows w WHERE w.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return w, fmt.Errorf("getting workflow %s: %w", id, engine.ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("getting workflow %s: %w", id, err)
	}
	return w, nil
}

// FindWorkflows returns the workflows named exactly name, oldest first.
func (s *Store) FindWorkflows(ctx context.Context, name string) ([]engine.Workflow, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+workflowCols+` FROM workflows w WHERE w.name = ? ORDER BY w.created_at, w.id`, name)
	if err != nil {
		return nil, fmt.Errorf("finding workflow %q: %w", name, err)
	}
	defer rows.Close()
	out := []engine.Workflow{}
	for rows.Next() {
		w, err := scanWorkflow(rows)
		if err != nil {
			return nil, fmt.Errorf("finding workflow %q: %w", name, err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// ListWorkflows returns every workflow by name with its version count and last run.
func (s *Store) ListWorkflows(ctx context.Context) ([]engine.WorkflowSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+workflowCols+`,
			(SELECT COUNT(*) FROM versions v WHERE v.workflow_id = w.id),
			lr.status, lr.created_at
		FROM workflows w
		LEFT JOIN runs lr ON lr.seq = (SELECT r.seq FROM runs r WHERE r.workflow_id = w.id
			ORDER BY r.created_at DESC, r.seq DESC LIMIT 1)
		ORDER BY w.name COLLATE NOCASE, w.created_at, w.id`)
	if err != nil {
		return nil, fmt.Errorf("listing workflows: %w", err)
	}
	defer rows.Close()
	out := []engine.WorkflowSummary{}
	for rows.Next() {
		var sum engine.WorkflowSummary
		var status sql.NullString
		var last sql.NullInt64
		sum.Workflow, err = scanWorkflow(rows, &sum.Versions, &status, &last)
		if err != nil {
			return nil, fmt.Errorf("listing workflows: %w", err)
		}
		sum.LastRunStatus = engine.RunStatus(status.String)
		sum.LastRunAt = fromNullMS(last)
		out = append(out, sum)
	}
	return out, rows.Err()
}

// UpdateWorkflow changes the name, description and tags of a workflow.
func (s *Store) UpdateWorkflow(ctx context.Context, w engine.Workflow) error {
	if strings.TrimSpace(w.Name) == "" {
		return fmt.Errorf("updating workflow %s: name is empty: %w", w.ID, engine.ErrInvalid)
	}
	tags, err := tagsJSON(w.Tags)
	if err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE workflows SET name = ?, description = ?, tags = ?, updated_at = ? WHERE id = ?`,
		w.Name, w.Description, tags, msOr(w.UpdatedAt, time.Now()), w.ID)
	if err != nil {
		return fmt.Errorf("updating workflow %s: %w", w.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("updating workflow %s: %w", w.ID, engine.ErrNotFound)
	}
	return nil
}

// DeleteWorkflow removes a workflow with its versions, draft, runs, generations and
// selections, then the asset files nothing refers to any more.
func (s *Store) DeleteWorkflow(ctx context.Context, id string) error {
	s.assetMu.Lock()
	defer s.assetMu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("deleting workflow %s: %w", id, err)
	}
	defer tx.Rollback()
	candidates, err := queryStrings(ctx, tx, `
		SELECT sha256 FROM generation_assets WHERE generation_id IN (SELECT id FROM generations WHERE workflow_id = ?1)
		UNION SELECT sha256 FROM version_assets WHERE version_id IN (SELECT id FROM versions WHERE workflow_id = ?1)
		UNION SELECT sha256 FROM run_assets WHERE run_id IN (SELECT id FROM runs WHERE workflow_id = ?1)
		UNION SELECT sha256 FROM draft_assets WHERE workflow_id = ?1`, id)
	if err != nil {
		return fmt.Errorf("deleting workflow %s: %w", id, err)
	}
	versions, err := queryStrings(ctx, tx, `SELECT id FROM versions WHERE workflow_id = ?`, id)
	if err != nil {
		return fmt.Errorf("deleting workflow %s: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM workflows WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("deleting workflow %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("deleting workflow %s: %w", id, engine.ErrNotFound)
	}
	garbage, err := s.unreferenced(ctx, tx, candidates)
	if err != nil {
		return fmt.Errorf("deleting workflow %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("deleting workflow %s: %w", id, err)
	}
	s.removeAssetFiles(garbage)
	s.removeVersionBins(versions)
	s.removeStateFiles(id)
	return nil
}

// AddVersion stores v as the next version of its workflow, optionally making it current.
func (s *Store) AddVersion(ctx context.Context, v engine.Version, makeCurrent bool) (engine.Version, error) {
	p, err := s.prepareVersion(v)
	if err != nil {
		return engine.Version{}, err
	}
	return p.Add(ctx, makeCurrent)
}

// GetVersion returns one version.
func (s *Store) GetVersion(ctx context.Context, id string) (engine.Version, error) {
	v, err := s.getVersion(ctx, id) // versionbins.go
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("getting version %s: %w", id, engine.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("getting version %s: %w", id, err)
	}
	return v, nil
}

// GetVersionJSON returns a version with its graph as stored JSON text, not decoded
// (engine.VersionJSONReader: a diff of two large versions decodes only what differs).
func (s *Store) GetVersionJSON(ctx context.Context, id string) (engine.Version, []byte, error) {
	var v engine.Version
	var graph []byte
	var created int64
	var deltaOf string
	err := s.r.QueryRowContext(ctx, `SELECT `+versionReadCols+` FROM versions WHERE id = ?`, id).
		Scan(&v.ID, &v.WorkflowID, &v.Seq, &v.Label, &v.Notes, &v.ParentID, &graph, &v.ContentHash, &created, &deltaOf)
	if errors.Is(err, sql.ErrNoRows) {
		return v, nil, fmt.Errorf("getting version %s: %w", id, engine.ErrNotFound)
	}
	if err == nil {
		graph, err = s.versionText(ctx, graph, deltaOf)
	}
	if err != nil {
		return v, nil, fmt.Errorf("getting version %s: %w", id, err)
	}
	v.CreatedAt = fromMS(created)
	return v, graph, nil
}

var _ engine.VersionJSONReader = (*Store)(nil)

// ListVersions returns a workflow's versions newest first.
func (s *Store) ListVersions(ctx context.Context, workflowID string) ([]engine.Version, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+versionReadCols+` FROM versions WHERE workflow_id = ? ORDER BY seq DESC`, workflowID)
	if err != nil {
		return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, err)
	}
	var read []versionRow
	for rows.Next() {
		r, err := scanVersionRow(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, err)
		}
		read = append(read, r)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, err)
	}
	var out []engine.Version
	for _, r := range read {
		v, _, err := s.decodeVersion(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, err)
		}
		out = append(out, v)
	}
	// Every workflow has at least v1: no versions means no workflow.
	if len(out) == 0 {
		return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	return out, nil
}

var _ engine.VersionHeadLister = (*Store)(nil)

// ListVersionHeads returns a workflow's versions newest first without their graphs or
// content hashes, from the index of migration 0020 alone (no row's graph text is read).
func (s *Store) ListVersionHeads(ctx context.Context, workflowID string) ([]engine.Version, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, workflow_id, seq, label, notes, parent_id, created_at
		FROM versions INDEXED BY versions_heads WHERE workflow_id = ? ORDER BY seq DESC`, workflowID)
	if err != nil {
		return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, err)
	}
	defer rows.Close()
	var out []engine.Version
	for rows.Next() {
		var v engine.Version
		var created int64
		if err := rows.Scan(&v.ID, &v.WorkflowID, &v.Seq, &v.Label, &v.Notes, &v.ParentID, &created); err != nil {
			return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, err)
		}
		v.CreatedAt = fromMS(created)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, err)
	}
	if len(out) == 0 { // every workflow has at least v1
		return nil, fmt.Errorf("listing versions of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	return out, nil
}

var _ engine.VersionFinder = (*Store)(nil)

// VersionWithContent returns the id of the newest version of workflowID whose content hash
// is hash ("" when none has it), through the index of migration 0018: no graph is read.
func (s *Store) VersionWithContent(ctx context.Context, workflowID, hash string) (string, error) {
	var id string
	err := s.r.QueryRowContext(ctx, `SELECT id FROM versions WHERE workflow_id = ? AND content_hash = ?
		ORDER BY seq DESC LIMIT 1`, workflowID, hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("finding the version of workflow %s with content %s: %w", workflowID, hash, err)
	}
	return id, nil
}

// SetCurrentVersion makes versionID, a version of workflowID, current.
func (s *Store) SetCurrentVersion(ctx context.Context, workflowID, versionID string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("setting current version of workflow %s: %w", workflowID, err)
	}
	defer tx.Rollback()
	if ok, err := exists(ctx, tx, `SELECT 1 FROM workflows WHERE id = ?`, workflowID); err != nil || !ok {
		return fmt.Errorf("setting current version of workflow %s: %w", workflowID, errOr(err, engine.ErrNotFound))
	}
	var owner string
	err = tx.QueryRowContext(ctx, `SELECT workflow_id FROM versions WHERE id = ?`, versionID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("setting current version %s: %w", versionID, engine.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("setting current version %s: %w", versionID, err)
	}
	if owner != workflowID {
		return fmt.Errorf("setting current version %s: it belongs to another workflow: %w", versionID, engine.ErrInvalid)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE workflows SET current_version_id = ?, updated_at = ? WHERE id = ?`,
		versionID, time.Now().UnixMilli(), workflowID); err != nil {
		return fmt.Errorf("setting current version %s: %w", versionID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("setting current version %s: %w", versionID, err)
	}
	return nil
}

// SaveDraft stores the editor's working graph of a workflow.
func (s *Store) SaveDraft(ctx context.Context, workflowID string, g engine.Graph, baseVersionID string) error {
	graph, err := encode("draft", g)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("saving draft of workflow %s: %w", workflowID, err)
	}
	defer tx.Rollback()
	stored, deltaOf := s.draftAsDelta(ctx, workflowID, baseVersionID, graph)
	_, err = tx.ExecContext(ctx, `INSERT INTO drafts (workflow_id, graph, base_version_id, updated_at, delta_of) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (workflow_id) DO UPDATE SET graph = excluded.graph, base_version_id = excluded.base_version_id,
			updated_at = excluded.updated_at, delta_of = excluded.delta_of`, workflowID, stored, baseVersionID, time.Now().UnixMilli(), deltaOf)
	if isForeignKey(err) {
		return fmt.Errorf("saving draft of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("saving draft of workflow %s: %w", workflowID, err)
	}
	// Assets the draft stops referencing are not collected: undo in the editor may bring
	// them back. They go when their workflow or last generation does.
	if _, err := tx.ExecContext(ctx, `DELETE FROM draft_assets WHERE workflow_id = ?`, workflowID); err != nil {
		return fmt.Errorf("saving draft of workflow %s: %w", workflowID, err)
	}
	// the refs of the draft as a reader decodes it (as insertVersion's): g's own when it
	// reads back as itself
	decoded := g
	if !engine.ReadsBack(g) {
		decoded = engine.Graph{}
		if err := engine.DecodeGraph([]byte(graph), &decoded); err != nil {
			return fmt.Errorf("decoding draft: %w", err)
		}
	}
	refs := engine.GraphAssetRefs(decoded)
	if err := linkAssets(ctx, tx, linkDraft, workflowID, refs); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("saving draft of workflow %s: %w", workflowID, err)
	}
	s.linked(refs)
	return nil
}

// GetDraft returns the draft of a workflow and the version it was based on.
func (s *Store) GetDraft(ctx context.Context, workflowID string) (engine.Graph, string, error) {
	var graph, baseID, deltaOf string
	err := s.r.QueryRowContext(ctx, `SELECT graph, base_version_id, delta_of FROM drafts WHERE workflow_id = ?`, workflowID).Scan(&graph, &baseID, &deltaOf)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Graph{}, "", fmt.Errorf("getting draft of workflow %s: %w", workflowID, engine.ErrNotFound)
	}
	if err == nil && deltaOf != "" {
		var base heldText
		if base, err = s.wholeVersionText(ctx, deltaOf); err == nil {
			graph, err = applyDelta(base.text, graph)
		}
	}
	if err != nil {
		return engine.Graph{}, "", fmt.Errorf("getting draft of workflow %s: %w", workflowID, err)
	}
	var g engine.Graph
	return g, baseID, decodeInto("draft", graph, &g)
}

// DeleteDraft removes the draft of a workflow, if any.
func (s *Store) DeleteDraft(ctx context.Context, workflowID string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM drafts WHERE workflow_id = ?`, workflowID); err != nil {
		return fmt.Errorf("deleting draft of workflow %s: %w", workflowID, err)
	}
	return nil
}

// errOr returns err when set, else fallback.
func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
