package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// VersionJSONReader is a store that can give a version with its graph as the JSON text it
// stored (Version.Graph left empty). A diff of two large versions then decodes only what it
// compares: node ids, types and parents, and the params of the nodes whose params' text
// differs. Decoding two 10,000-node graphs in full was most of `flowbench diff`.
type VersionJSONReader interface {
	GetVersionJSON(ctx context.Context, id string) (Version, []byte, error)
}

// runGraphIDs is what a run diff needs of the runs' two versions.
type runGraphIDs struct {
	idsA, idsB []string // node ids in graph order
	diff       GraphDiff
}

// diffNodeJSON is a node as a graph diff reads it: its params stay JSON until they differ.
type diffNodeJSON struct {
	ID       string          `json:"id"`
	Type     string          `json:"type"`
	ParentID string          `json:"parentId"`
	Params   json.RawMessage `json:"params"`
}

type diffGraphJSON struct {
	Nodes []diffNodeJSON `json:"nodes"`
	Edges []Edge         `json:"edges"`
}

func nodeIDs(g Graph) []string {
	ids := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[i] = n.ID
	}
	return ids
}

// runGraphs reads the versions a and b (the same id for runs of one version) and diffs
// their graphs. Versions this process holds are used as they are; others are read as JSON
// when the store can (see VersionJSONReader), both at once.
func (s *Service) runGraphs(ctx context.Context, a, b string) (runGraphIDs, error) {
	out := runGraphIDs{diff: emptyGraphDiff()}
	raw, ok := s.store.(VersionJSONReader)
	_, cachedA := s.versions.get(a)
	_, cachedB := s.versions.get(b)
	if a == b || !ok || cachedA || cachedB {
		va, err := s.version(ctx, a)
		if err != nil {
			return out, err
		}
		vb := va
		if b != a {
			if vb, err = s.version(ctx, b); err != nil {
				return out, err
			}
		}
		out.idsA, out.idsB = nodeIDs(va.Graph), nodeIDs(vb.Graph)
		if a != b && va.ContentHash != vb.ContentHash {
			out.diff = DiffGraphs(va.Graph, vb.Graph)
		}
		return out, nil
	}
	read := func(id string) (Version, diffGraphJSON, error) {
		var g diffGraphJSON
		v, text, err := raw.GetVersionJSON(ctx, id)
		if err != nil {
			return v, g, err
		}
		if err := json.Unmarshal(text, &g); err != nil {
			return v, g, fmt.Errorf("decoding the graph of version %s: %w", id, err)
		}
		return v, g, nil
	}
	var vb Version
	var gb diffGraphJSON
	var errB error
	done := make(chan struct{})
	go func() {
		defer close(done)
		vb, gb, errB = read(b)
	}()
	va, ga, err := read(a)
	<-done
	if err != nil {
		return out, err
	}
	if errB != nil {
		return out, errB
	}
	out.idsA, out.idsB = make([]string, len(ga.Nodes)), make([]string, len(gb.Nodes))
	for i, n := range ga.Nodes {
		out.idsA[i] = n.ID
	}
	for i, n := range gb.Nodes {
		out.idsB[i] = n.ID
	}
	if va.ContentHash == vb.ContentHash {
		return out, nil
	}
	var bad error
	changes := func(o, n *diffNodeJSON) map[string]Pair {
		if o.Type == n.Type && o.ParentID == n.ParentID && bytes.Equal(o.Params, n.Params) {
			return nil
		}
		full := func(x *diffNodeJSON) *Node {
			nd := &Node{ID: x.ID, Type: x.Type, ParentID: x.ParentID}
			if len(x.Params) > 0 && string(x.Params) != "null" {
				if err := UnmarshalJSON(x.Params, &nd.Params); err != nil && bad == nil {
					bad = fmt.Errorf("decoding the params of node %s: %w", x.ID, err)
				}
			}
			return nd
		}
		return diffNode(full(o), full(n))
	}
	d := &out.diff
	diffByKey(ga.Nodes, gb.Nodes, func(n *diffNodeJSON) string { return n.ID }, changes, &d.NodesAdded, &d.NodesRemoved, d.NodesChanged)
	diffEdges(ga.Edges, gb.Edges, d)
	return out, bad
}

func nodeSet(g Graph) map[string]bool { return idSet(nodeIDs(g)) }
