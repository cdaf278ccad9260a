package engine

import "unsafe"

// stateBase is a state record as decoded (decodeStateBase): the next record of the same state
// copies the entries of the generations that are still current from it byte for byte
// (encodeStateOn) instead of encoding them again. An entry names its run and version by their
// place in the record's table, so the new record's table starts with this one's.
type stateBase struct {
	body  string // the record after its magic, up to its checksum
	table []string
	// gens are the decoded generations in record order; a state holds them by address.
	gens []Generation
	// starts[k] is where entry k starts in body, starts[len(gens)] where the entries end.
	starts []int32
	// refs[2k] and refs[2k+1] are entry k's run and version, as places in table.
	refs []uint32
}

// baseCopy is what a new record of a state takes from its base.
type baseCopy struct {
	keep []bool // per entry of the base: its generation is still current, copied
	n    int    // entries kept
	size int    // their bytes
	// rest are the state's other generations, encoded anew.
	rest []*Generation
	// used marks the ids of the base's table an entry of the new record names.
	used []bool
}

// copyOf finds the generations of st decoded from b (by address: a state's map holds the very
// generations decodeStateBase made, never copies of them) and the rest. false when st holds
// one in a way the copy cannot account for (then the caller encodes every entry).
func (b *stateBase) copyOf(st CurrentState) (baseCopy, bool) {
	c := baseCopy{keep: make([]bool, len(b.gens)), used: make([]bool, len(b.table)), rest: make([]*Generation, 0, len(st.Current))}
	if len(b.gens) == 0 {
		for _, g := range st.Current {
			c.rest = append(c.rest, g)
		}
		return c, true
	}
	size := unsafe.Sizeof(b.gens[0])
	lo := uintptr(unsafe.Pointer(&b.gens[0]))
	hi := lo + uintptr(len(b.gens))*size
	for id, g := range st.Current {
		a := uintptr(unsafe.Pointer(g))
		if a < lo || a >= hi {
			c.rest = append(c.rest, g)
			continue
		}
		k := (a - lo) / size
		if (a-lo)%size != 0 || c.keep[k] || g.NodeID != id {
			return baseCopy{}, false
		}
		c.keep[k] = true
		c.n++
	}
	for k, kept := range c.keep {
		if kept {
			c.size += int(b.starts[k+1] - b.starts[k])
			c.used[b.refs[2*k]], c.used[b.refs[2*k+1]] = true, true
		}
	}
	return c, true
}

// stale reports whether the base's table holds many ids no entry of the new record names (runs
// whose generations were all replaced since): the record then gets a table of its own, so
// tables do not grow with every run a long-lived process records.
func (c *baseCopy) stale() bool {
	dead := 0
	for _, u := range c.used {
		if !u {
			dead++
		}
	}
	return dead > 16 && dead > len(c.used)/2
}

// appendTo appends the kept entries' bytes, in the base's order, runs of them in one copy.
func (c *baseCopy) appendTo(out []byte, b *stateBase) []byte {
	for k := 0; k < len(c.keep); {
		if !c.keep[k] {
			k++
			continue
		}
		j := k
		for j < len(c.keep) && c.keep[j] {
			j++
		}
		out = append(out, b.body[b.starts[k]:b.starts[j]]...)
		k = j
	}
	return out
}
