package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// A graph's wiring: its nodes' ids and loop groups and its edges, in order — what decides which
// generations feed a node, through which handles, and so what its input fingerprint is made
// of (fingerprintIs). Two versions with the same wiring feed every node alike: a generation a
// run of one made from generations the same run made is fed the same by the other
// (madeTogether), whatever params were edited between them.

// wiringOf is the SHA-256 (hex) of g's wiring.
func wiringOf(g Graph) string {
	h := sha256.New()
	var buf []byte
	put := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
		if len(buf) > 32<<10 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(g.Nodes)))
	for i := range g.Nodes {
		put(g.Nodes[i].ID)
		put(g.Nodes[i].ParentID)
	}
	buf = binary.AppendUvarint(buf, uint64(len(g.Edges)))
	for i := range g.Edges {
		e := &g.Edges[i]
		put(e.Source)
		put(e.SourceHandle)
		put(e.Target)
		put(e.TargetHandle)
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}

// wiringHash is wiringOf(f.g), worked out once (or read from a version's facts file).
func (f *graphFacts) wiringHash() string {
	f.wiringOnce.Do(func() {
		if f.wiring == "" {
			f.wiring = wiringOf(f.g)
		}
	})
	return f.wiring
}

// wiringOfVersion is the wiring hash of version id as this process knows it: from its plan
// facts when it holds them, else from the version's facts file (its head only); "" when
// neither is at hand. Remembered per version.
func (s *Service) wiringOfVersion(id string) string {
	if id == "" {
		return ""
	}
	if f, ok := s.versions.cachedFacts(id); ok {
		return f.wiringHash()
	}
	return s.versions.wiringOnce(id, func() string {
		fs, ok := s.store.(VersionFactsStore)
		if !ok {
			return ""
		}
		return factsFileWiring(fs.VersionFacts(id), s.factsKey(), id)
	})
}

// factsFileWiring reads the wiring hash from the head of a facts file of version id written
// for key ("" for anything else). Versions never change, so the id names the graph.
func factsFileWiring(data string, key, id string) string {
	if key == "" {
		return ""
	}
	head, ok := checkedBody(data, factsMagic)
	if !ok {
		return ""
	}
	r := &recReader{s: head}
	if r.str() != key || r.str() != id {
		return ""
	}
	r.str() // content hash
	r.flag()
	w := r.str()
	if r.err != nil || len(w) != 64 {
		return ""
	}
	return w
}

// wiredAlike reports whether version id is wired as the planned version (remembered per plan:
// a plan asks once per version its nodes' generations came from).
func (pc *planContext) wiredAlike(id string) bool {
	if pc.in.wiringOf == nil || pc.f == nil {
		return false
	}
	if last := pc.lastAlike.Load(); last != nil && last.id == id {
		return last.same // nearly every node asks about the one version the last run ran
	}
	var same bool
	if v, ok := pc.alike.Load(id); ok {
		same = v.(bool)
	} else {
		w := pc.in.wiringOf(id)
		same = w != "" && w == pc.f.wiringHash()
		pc.alike.Store(id, same)
	}
	pc.lastAlike.Store(&alikeAnswer{id: id, same: same})
	return same
}

// alikeAnswer is a wiredAlike answer.
type alikeAnswer struct {
	id   string
	same bool
}

// wiringOnce returns the wiring remembered for version id, read by read the first time.
func (c *versionCache) wiringOnce(id string, read func() string) string {
	c.mu.Lock()
	w, ok := c.wirings[id]
	c.mu.Unlock()
	if ok {
		return w
	}
	w = read()
	c.mu.Lock()
	if c.wirings == nil {
		c.wirings = map[string]string{}
	}
	c.wirings[id] = w
	c.mu.Unlock()
	return w
}
