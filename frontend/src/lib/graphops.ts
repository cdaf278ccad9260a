// Pure edits of the canvas graph (React Flow nodes and edges plus declared inputs). The graph
// store applies them with undo history; tests call them directly.
import { edgeKey } from "./convert";
import type { FbEdge, FbNode, FlowGraph } from "./flowtypes";

export interface NewConnection {
  source: string;
  sourceHandle: string | null;
  target: string;
  targetHandle: string | null;
}

/** connect adds an edge; an input handle takes one edge, so one already there is replaced. */
export function connect(f: FlowGraph, c: NewConnection): FlowGraph {
  const edges = f.edges.filter((e) => !(e.target === c.target && e.targetHandle === c.targetHandle));
  const edge: FbEdge = {
    id: edgeKey(c),
    source: c.source,
    sourceHandle: c.sourceHandle,
    target: c.target,
    targetHandle: c.targetHandle,
    data: {},
  };
  return { ...f, edges: [...edges, edge] };
}

/** withDescendants adds the children (recursively) of loop groups in ids. */
export function withDescendants(nodes: FbNode[], ids: Set<string>): Set<string> {
  const out = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of nodes) {
      if (n.parentId && out.has(n.parentId) && !out.has(n.id)) {
        out.add(n.id);
        grew = true;
      }
    }
  }
  return out;
}

/** removeNodes deletes nodes (with the children of groups) and every edge touching them. */
export function removeNodes(f: FlowGraph, ids: Set<string>): FlowGraph {
  const gone = withDescendants(f.nodes, ids);
  return {
    ...f,
    nodes: f.nodes.filter((n) => !gone.has(n.id)),
    edges: f.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
  };
}

/** removeSelected deletes the selected nodes and edges. */
export function removeSelected(f: FlowGraph): FlowGraph {
  const ids = new Set(f.nodes.filter((n) => n.selected).map((n) => n.id));
  const g = removeNodes(f, ids);
  return { ...g, edges: g.edges.filter((e) => !e.selected) };
}

export function hasSelection(f: FlowGraph): boolean {
  return f.nodes.some((n) => n.selected) || f.edges.some((e) => e.selected);
}

/** selectOnly selects exactly the nodes in ids (and no edge). */
export function selectOnly(f: FlowGraph, ids: Set<string>): FlowGraph {
  return {
    ...f,
    nodes: f.nodes.map((n) => (Boolean(n.selected) === ids.has(n.id) ? n : { ...n, selected: ids.has(n.id) })),
    edges: f.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
  };
}

/** patchNode changes a node's label or params (params: undefined values are removed). */
export function patchNode(
  f: FlowGraph,
  id: string,
  patch: { label?: string; params?: Record<string, unknown> },
): FlowGraph {
  return {
    ...f,
    nodes: f.nodes.map((n) => {
      if (n.id !== id) return n;
      const data = { ...n.data };
      if (patch.label !== undefined) {
        if (patch.label.trim() === "") delete data.label;
        else data.label = patch.label;
      }
      if (patch.params) {
        const params = { ...data.params };
        for (const [k, v] of Object.entries(patch.params)) {
          if (v === undefined) delete params[k];
          else params[k] = v;
        }
        data.params = params;
      }
      return { ...n, data };
    }),
  };
}

/** freeSpot nudges a position down until a new node there would not cover another. */
export function freeSpot(nodes: FbNode[], at: { x: number; y: number }, size = { width: 220, height: 110 }): { x: number; y: number } {
  const p = { x: Math.round(at.x), y: Math.round(at.y) };
  const covers = (n: FbNode) => {
    const w = n.measured?.width ?? 220;
    const h = n.measured?.height ?? 110;
    return p.x < n.position.x + w && n.position.x < p.x + size.width && p.y < n.position.y + h && n.position.y < p.y + size.height;
  };
  for (let i = 0; i < 80 && nodes.some((n) => !n.parentId && covers(n)); i++) p.y += 30;
  return p;
}
