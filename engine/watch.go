package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// EventStale tells the window a node's result no longer matches its linked file.
const EventStale = "stale"

// fileWatcher watches the linked files of open workflows with fsnotify. It watches each
// file's folder, so editors that save by writing a new file and renaming it are seen too.
type fileWatcher struct {
	mu      sync.Mutex
	w       *fsnotify.Watcher
	byPath  map[string]map[watchKey]bool // cleaned path → nodes linking it
	byFlow  map[string][]string          // workflow id → paths it watches
	dirRefs map[string]int
	emit    func(Event)
}

type watchKey struct{ workflow, node string }

func newFileWatcher(emit func(Event)) *fileWatcher {
	return &fileWatcher{byPath: map[string]map[watchKey]bool{}, byFlow: map[string][]string{}, dirRefs: map[string]int{}, emit: emit}
}

func (fw *fileWatcher) ensure() error {
	if fw.w != nil {
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("starting file watcher: %w", err)
	}
	fw.w = w
	go fw.loop(w)
	return nil
}

func (fw *fileWatcher) loop(w *fsnotify.Watcher) {
	for {
		select {
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			fw.handle(ev)
		case _, ok := <-w.Errors:
			if !ok {
				return
			}
		}
	}
}

func (fw *fileWatcher) handle(ev fsnotify.Event) {
	path := filepath.Clean(ev.Name)
	fw.mu.Lock()
	keys := make([]watchKey, 0, len(fw.byPath[path]))
	for k := range fw.byPath[path] {
		keys = append(keys, k)
	}
	fw.mu.Unlock()
	if len(keys) == 0 || ev.Op == fsnotify.Chmod {
		return
	}
	text := "the linked file changed on disk"
	if ev.Op.Has(fsnotify.Remove) || ev.Op.Has(fsnotify.Rename) {
		if _, err := os.Stat(path); err != nil {
			text = "the linked file was deleted or renamed"
		}
	}
	for _, k := range keys {
		fw.emit(Event{Type: EventStale, WorkflowID: k.workflow, NodeID: k.node, Status: "stale", Text: text + ": " + path,
			Reasons: []string{ReasonFileChanged}})
	}
}

// watch replaces the set of files watched for a workflow.
func (fw *fileWatcher) watch(workflowID string, links map[string]string) error {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	fw.unwatchLocked(workflowID)
	if len(links) == 0 {
		return nil
	}
	if err := fw.ensure(); err != nil {
		return err
	}
	for nodeID, p := range links {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		abs = filepath.Clean(abs)
		dir := filepath.Dir(abs)
		if fw.dirRefs[dir] == 0 {
			if err := fw.w.Add(dir); err != nil {
				continue // a missing folder is reported when the node runs
			}
		}
		fw.dirRefs[dir]++
		if fw.byPath[abs] == nil {
			fw.byPath[abs] = map[watchKey]bool{}
		}
		fw.byPath[abs][watchKey{workflowID, nodeID}] = true
		fw.byFlow[workflowID] = append(fw.byFlow[workflowID], abs)
	}
	return nil
}

func (fw *fileWatcher) unwatchLocked(workflowID string) {
	for _, abs := range fw.byFlow[workflowID] {
		for k := range fw.byPath[abs] {
			if k.workflow == workflowID {
				delete(fw.byPath[abs], k)
			}
		}
		if len(fw.byPath[abs]) == 0 {
			delete(fw.byPath, abs)
		}
		dir := filepath.Dir(abs)
		fw.dirRefs[dir]--
		if fw.dirRefs[dir] <= 0 {
			delete(fw.dirRefs, dir)
			if fw.w != nil {
				_ = fw.w.Remove(dir)
			}
		}
	}
	delete(fw.byFlow, workflowID)
}

// count is how many files are watched (tests check watches are released).
func (fw *fileWatcher) count() int {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	return len(fw.byPath)
}

func (fw *fileWatcher) close() {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	if fw.w != nil {
		fw.w.Close()
		fw.w = nil
	}
}

// WatchWorkflow watches the linked files of a graph's load nodes (the editor's open graph);
// when one changes, a stale event names the node. It replaces earlier watches of the workflow.
func (s *Service) WatchWorkflow(ctx context.Context, workflowID string, g Graph) error {
	links := map[string]string{}
	for _, n := range g.Nodes {
		t, ok := s.reg.Get(n.Type)
		if !ok {
			continue
		}
		if p := LinkedPath(t, n.Params); p != "" {
			links[n.ID] = p
		}
	}
	return s.watcher.watch(workflowID, links)
}

// WatchEditor follows a workflow open in the editor: the linked files of its graph g
// (WatchWorkflow) and its generations as other processes change them (FollowGenerations).
func (s *Service) WatchEditor(ctx context.Context, workflowID string, g Graph) error {
	if err := s.FollowGenerations(ctx, workflowID); err != nil {
		return err
	}
	return s.WatchWorkflow(ctx, workflowID, g)
}

// UnwatchEditor stops following a workflow the editor closed.
func (s *Service) UnwatchEditor(workflowID string) {
	s.UnwatchWorkflow(workflowID)
	s.UnfollowGenerations(workflowID)
}

// UnwatchWorkflow releases a workflow's watches (the editor closed it).
func (s *Service) UnwatchWorkflow(workflowID string) {
	s.watcher.mu.Lock()
	defer s.watcher.mu.Unlock()
	s.watcher.unwatchLocked(workflowID)
}

// WatchedFiles is how many linked files are watched now.
func (s *Service) WatchedFiles() int { return s.watcher.count() }
