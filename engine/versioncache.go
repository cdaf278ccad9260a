package engine

import (
	"context"
	"sync"
)

// versionCache keeps recently used versions decoded. Versions never change, so an entry is
// valid for as long as the version exists; a deleted workflow's versions are simply never
// asked for again (their ids are not reused).
type versionCache struct {
	mu        sync.Mutex
	byID      map[string]Version
	factsByID map[string]*graphFacts   // what plans read of a version's graph, once worked out
	diskByID  map[string]*versionFacts // a version's facts file, once read (nil: none usable)
	saved     map[string]bool          // versions whose facts file this process wrote
	// typesKnown are versions whose node types this build has (checked once: the registry
	// does not change while the service lives).
	typesKnown map[string]bool
	// wirings are versions' wiring hashes read from their facts files (wiring.go; "": none).
	wirings map[string]string
	// likeByID are the facts of the graph a version was saved from (the editor's draft,
	// planned before it was stored): a base newGraphFactsFrom makes the version's facts from.
	likeByID map[string]*graphFacts
	// bases are the pieces a draft edited from a recent version is checked and hashed from
	// (draftbase.go), oldest first, a few at most.
	bases []*draftBase
	order []string
	max   int
}

func newVersionCache(max int) *versionCache {
	return &versionCache{byID: map[string]Version{}, factsByID: map[string]*graphFacts{}, diskByID: map[string]*versionFacts{}, saved: map[string]bool{}, typesKnown: map[string]bool{}, max: max}
}

// cachedFacts returns the plan facts of a cached version, when worked out already.
func (c *versionCache) cachedFacts(id string) (*graphFacts, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.factsByID[id]
	return f, ok
}

// keepFacts keeps the plan facts of a cached version (an unsaved graph, without an id, gets
// them afresh each time).
func (c *versionCache) keepFacts(v Version, f *graphFacts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, cached := c.byID[v.ID]; cached && v.ID != "" {
		c.factsByID[v.ID] = f
	}
}

// markFactsSaved reports whether a cached version's facts file is to be written now: the
// first time it is asked.
func (c *versionCache) markFactsSaved(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, cached := c.byID[id]; !cached || c.saved[id] {
		return false
	}
	c.saved[id] = true
	return true
}

// disk returns the facts file of a cached version read by read, read once while the version
// stays cached.
func (c *versionCache) disk(id string, read func() *versionFacts) *versionFacts {
	c.mu.Lock()
	d, ok := c.diskByID[id]
	c.mu.Unlock()
	if ok {
		return d
	}
	d = read()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, cached := c.byID[id]; cached {
		c.diskByID[id] = d
	}
	return d
}

func (c *versionCache) get(id string) (Version, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.byID[id]
	return v, ok
}

func (c *versionCache) put(v Version) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[v.ID]; ok {
		return
	}
	if len(c.order) >= c.max {
		delete(c.byID, c.order[0])
		delete(c.factsByID, c.order[0])
		delete(c.diskByID, c.order[0])
		delete(c.saved, c.order[0])
		delete(c.typesKnown, c.order[0])
		delete(c.likeByID, c.order[0])
		c.order = c.order[1:]
	}
	c.byID[v.ID] = v
	c.order = append(c.order, v.ID)
}

// keepLike keeps f, the facts of the graph cached version id was saved from.
func (c *versionCache) keepLike(id string, f *graphFacts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, cached := c.byID[id]; cached {
		if c.likeByID == nil {
			c.likeByID = map[string]*graphFacts{}
		}
		c.likeByID[id] = f
	}
}

// baseFacts are facts to make version id's facts or its child's from: its own, else those of
// the graph it was saved from; nil when neither is held.
func (c *versionCache) baseFacts(id string) *graphFacts {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.factsByID[id]; ok {
		return f
	}
	return c.likeByID[id]
}

func (c *versionCache) knownTypes(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.typesKnown[id]
}

func (c *versionCache) setKnownTypes(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, cached := c.byID[id]; cached {
		c.typesKnown[id] = true
	}
}

// version returns a version by id through the cache. Callers must not modify the graph.
func (s *Service) version(ctx context.Context, id string) (Version, error) {
	if v, ok := s.versions.get(id); ok {
		return v, nil
	}
	v, err := s.store.GetVersion(ctx, id)
	if err != nil {
		return Version{}, err
	}
	s.versions.put(v)
	return v, nil
}
