package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// A large version edited from another is stored as a delta (migration 0019): its text is the
// text of its keyframe — the full version it was edited from, or the one that version's own
// delta names — with one span in the middle replaced. An edit of one node of a 10,000-node
// graph then writes a row of a few hundred bytes instead of its 1.7 MB text, which the WAL
// would also carry and a checkpoint copy again; the versions of a workflow edited and run many
// times no longer grow the database by their whole text each. A delta always names a full
// version (one step to read back), and one whose changed span is more than a quarter of the
// text is stored whole, becoming the keyframe of the versions edited from it. Versions are
// deleted only with their workflow, so a keyframe outlives every delta that names it. A delta
// is resolved wherever the graph column is read (versionText), so every reader sees the text
// the version would have had stored whole.

// deltaMinText is the size of graph text from which a version may be stored as a delta.
const deltaMinText = binMinText

// deltaBlock is how many bytes versionDelta compares at once.
const deltaBlock = 256

// deltaMagic starts a stored delta: "fbdelta1:" PREFIX ":" SUFFIX ":" then the text between
// (PREFIX and SUFFIX: how many bytes of the keyframe's text come before and after it).
const deltaMagic = "fbdelta1:"

// versionDelta returns text stored as a delta against key, the keyframe's text: the lengths
// of their common prefix and suffix (never splitting a UTF-8 sequence) and what lies between
// in text. ok is false when that span is more than a quarter of text.
func versionDelta(key, text string) (delta string, ok bool) {
	n := min(len(key), len(text))
	pre := 0
	// a block at a time first (string comparison is a memory compare), then byte by byte
	for pre+deltaBlock <= n && key[pre:pre+deltaBlock] == text[pre:pre+deltaBlock] {
		pre += deltaBlock
	}
	for pre < n && key[pre] == text[pre] {
		pre++
	}
	for pre > 0 && pre < len(text) && !utf8.RuneStart(text[pre]) {
		pre--
	}
	suf := 0
	for suf+deltaBlock <= n-pre && key[len(key)-suf-deltaBlock:len(key)-suf] == text[len(text)-suf-deltaBlock:len(text)-suf] {
		suf += deltaBlock
	}
	for suf < n-pre && key[len(key)-1-suf] == text[len(text)-1-suf] {
		suf++
	}
	for suf > 0 && !utf8.RuneStart(text[len(text)-suf]) {
		suf--
	}
	mid := text[pre : len(text)-suf]
	if 4*len(mid) > len(text) {
		return "", false
	}
	return deltaMagic + strconv.Itoa(pre) + ":" + strconv.Itoa(suf) + ":" + mid, true
}

// applyDelta is the text delta (versionDelta) stands for against key, the keyframe's text.
func applyDelta(key, delta string) (string, error) {
	rest, ok := strings.CutPrefix(delta, deltaMagic)
	var preText, sufText string
	if ok {
		preText, rest, ok = strings.Cut(rest, ":")
	}
	if ok {
		sufText, rest, ok = strings.Cut(rest, ":")
	}
	if !ok {
		return "", errors.New("not a version delta")
	}
	pre, err1 := strconv.Atoi(preText)
	suf, err2 := strconv.Atoi(sufText)
	if err1 != nil || err2 != nil || pre < 0 || suf < 0 || pre+suf > len(key) {
		return "", fmt.Errorf("a version delta of %s+%s bytes against a keyframe of %d", preText, sufText, len(key))
	}
	var b strings.Builder
	b.Grow(pre + len(rest) + suf)
	b.WriteString(key[:pre])
	b.WriteString(rest)
	b.WriteString(key[len(key)-suf:])
	return b.String(), nil
}

// keyframes keeps the texts of the last few versions read or written whole, each with its
// workflow, so storing and reading the versions and drafts edited from one does not read its
// megabytes again each time.
type keyframes struct {
	mu    sync.Mutex
	ids   []string // oldest first
	texts map[string]heldText
}

// heldText is a version's whole text and its workflow.
type heldText struct{ workflow, text string }

const keptKeyframes = 4

func (k *keyframes) get(id string) (heldText, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.texts[id]
	return t, ok
}

func (k *keyframes) put(id, workflow, text string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.texts[id]; ok {
		return
	}
	if k.texts == nil {
		k.texts = map[string]heldText{}
	}
	if len(k.ids) == keptKeyframes {
		delete(k.texts, k.ids[0])
		k.ids = k.ids[1:]
	}
	k.ids = append(k.ids, id)
	k.texts[id] = heldText{workflow, text}
}

// readVersionText reads version id's stored text, workflow and the keyframe its delta names
// ("" when it is stored whole).
func (s *Store) readVersionText(ctx context.Context, id string) (text []byte, workflow, deltaOf string, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT workflow_id, graph, delta_of FROM versions WHERE id = ?`, id).Scan(&workflow, &text, &deltaOf)
	if errors.Is(err, sql.ErrNoRows) {
		err = fmt.Errorf("version %s is missing", id)
	}
	return text, workflow, deltaOf, err
}

// keyframeText is the stored text of keyframe id, a full version.
func (s *Store) keyframeText(ctx context.Context, id string) (string, error) {
	if t, ok := s.keys.get(id); ok {
		return t.text, nil
	}
	text, workflow, deltaOf, err := s.readVersionText(ctx, id)
	if err != nil {
		return "", fmt.Errorf("the keyframe of a version delta: %w", err)
	}
	if deltaOf != "" {
		return "", fmt.Errorf("the keyframe %s of a version delta is a delta itself", id)
	}
	s.keys.put(id, workflow, string(text))
	return string(text), nil
}

// versionText is the text a version stored as graph (a delta against keyframe deltaOf when
// that is set) stands for.
func (s *Store) versionText(ctx context.Context, graph []byte, deltaOf string) ([]byte, error) {
	if deltaOf == "" {
		return graph, nil
	}
	key, err := s.keyframeText(ctx, deltaOf)
	if err != nil {
		return nil, err
	}
	text, err := applyDelta(key, string(graph))
	if err != nil {
		return nil, fmt.Errorf("reading the version delta against %s: %w", deltaOf, err)
	}
	return []byte(text), nil
}

// wholeVersionText is the whole text of version id (resolved when it is stored as a delta)
// and its workflow. A keyframe held is taken as it is; the last few others read are kept
// (Store.bases): the draft edited from one is saved again and again.
func (s *Store) wholeVersionText(ctx context.Context, id string) (heldText, error) {
	if t, ok := s.keys.get(id); ok {
		return t, nil
	}
	if t, ok := s.bases.get(id); ok {
		return t, nil
	}
	graph, workflow, deltaOf, err := s.readVersionText(ctx, id)
	if err != nil {
		return heldText{}, err
	}
	if deltaOf == "" {
		s.keys.put(id, workflow, string(graph))
		return heldText{workflow, string(graph)}, nil
	}
	text, err := s.versionText(ctx, graph, deltaOf)
	if err != nil {
		return heldText{}, err
	}
	s.bases.put(id, workflow, string(text))
	return heldText{workflow, string(text)}, nil
}

// draftAsDelta returns how a draft of workflowID edited from version base with text graph is
// stored: as a delta against that version's whole text when it is large and close enough to
// it (autosave writes it after every edit), else whole (deltaOf ""). Any failure to read the
// version, or a version of another workflow, stores it whole.
func (s *Store) draftAsDelta(ctx context.Context, workflowID, base, graph string) (stored, deltaOf string) {
	if len(graph) < deltaMinText || base == "" {
		return graph, ""
	}
	t, err := s.wholeVersionText(ctx, base)
	if err != nil || t.workflow != workflowID {
		return graph, ""
	}
	if d, ok := versionDelta(t.text, graph); ok {
		return d, base
	}
	return graph, ""
}

// asDelta returns how a new version of workflowID edited from parent with text graph is
// stored: as a delta against the parent's keyframe when it is large and close enough to it,
// else whole (deltaOf ""). Any failure to read the keyframe stores it whole.
func (s *Store) asDelta(ctx context.Context, workflowID, parent, graph string) (stored, deltaOf string) {
	if len(graph) < deltaMinText || parent == "" {
		return graph, ""
	}
	// The parent is the keyframe when it is one held (the common case: its delta_of, after
	// its text in the row, is not read through its megabytes), else the one its row names.
	key := parent
	if t, ok := s.keys.get(parent); !ok || t.workflow != workflowID {
		var owner, parentDelta string
		if err := s.r.QueryRowContext(ctx, `SELECT workflow_id, delta_of FROM versions WHERE id = ?`, parent).Scan(&owner, &parentDelta); err != nil || owner != workflowID {
			return graph, ""
		}
		if parentDelta != "" {
			key = parentDelta
		}
	}
	keyText, err := s.keyframeText(ctx, key)
	if err != nil {
		return graph, ""
	}
	if d, ok := versionDelta(keyText, graph); ok {
		return d, key
	}
	return graph, ""
}
