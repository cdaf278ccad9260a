// Converters at the boundary between engine graphs (what the backend stores) and the React
// Flow nodes and edges the canvas edits. A round trip keeps the graph as it was: node order,
// params, labels, parents and explicit edge ids.
import type { Graph, GraphEdge, GraphNode } from "../api/types";
import { FB_NODE, type FbEdge, type FbNode, type FlowGraph } from "./flowtypes";
import { bodyToCanvas, canvasToBody } from "./groups";

/** edgeKey is the id the canvas gives an edge the file did not name. */
export function edgeKey(e: { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }): string {
  return `${e.source}:${e.sourceHandle ?? ""}->${e.target}:${e.targetHandle ?? ""}`;
}

export function toFlowNode(n: GraphNode): FbNode {
  const at = { x: n.position?.x ?? 0, y: n.position?.y ?? 0 };
  const node: FbNode = {
    id: n.id,
    type: FB_NODE,
    // a loop group's child: stored relative to the group's body, drawn relative to its box
    position: n.parentId ? bodyToCanvas(at) : at,
    data: { type: n.type, params: { ...(n.params ?? {}) } },
  };
  if (n.label) node.data.label = n.label;
  if (n.parentId) node.parentId = n.parentId;
  return node;
}

export function fromFlowNode(n: FbNode): GraphNode {
  const out: GraphNode = { id: n.id, type: n.data.type };
  if (n.data.label) out.label = n.data.label;
  if (n.data.params && Object.keys(n.data.params).length > 0) out.params = { ...n.data.params };
  const at = n.parentId ? canvasToBody(n.position) : n.position;
  out.position = { x: Math.round(at.x), y: Math.round(at.y) };
  if (n.parentId) out.parentId = n.parentId;
  return out;
}

export function toFlowEdge(e: GraphEdge): FbEdge {
  const keepId = Boolean(e.id);
  return {
    id: e.id || edgeKey(e),
    source: e.source,
    sourceHandle: e.sourceHandle,
    target: e.target,
    targetHandle: e.targetHandle,
    data: keepId ? { keepId } : {},
  };
}

export function fromFlowEdge(e: FbEdge): GraphEdge {
  const out: GraphEdge = {
    source: e.source,
    sourceHandle: e.sourceHandle ?? "",
    target: e.target,
    targetHandle: e.targetHandle ?? "",
  };
  return e.data?.keepId ? { id: e.id, ...out } : out;
}

/** parentsFirst orders nodes so a group comes before its children (React Flow needs it),
 * keeping the original order otherwise. */
function parentsFirst(nodes: GraphNode[]): GraphNode[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const misplaced = nodes.some((n, i) => n.parentId && (index.get(n.parentId) ?? -1) > i);
  if (!misplaced) return nodes;
  const out: GraphNode[] = [];
  const placed = new Set<string>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const place = (n: GraphNode, depth: number) => {
    if (placed.has(n.id)) return;
    const parent = n.parentId ? byId.get(n.parentId) : undefined;
    if (parent && depth < nodes.length) place(parent, depth + 1);
    placed.add(n.id);
    out.push(n);
  };
  nodes.forEach((n) => place(n, 0));
  return out;
}

export function graphToFlow(g: Graph): FlowGraph {
  return {
    inputs: (g.inputs ?? []).map((i) => ({ ...i })),
    nodes: parentsFirst(g.nodes ?? []).map(toFlowNode),
    edges: (g.edges ?? []).map(toFlowEdge),
  };
}

export function flowToGraph(f: FlowGraph): Graph {
  return {
    inputs: f.inputs.map((i) => ({ ...i })),
    nodes: f.nodes.map(fromFlowNode),
    edges: f.edges.map(fromFlowEdge),
  };
}

/** missingPositions lists nodes that came without a position (they get a layout). */
export function missingPositions(g: Graph): string[] {
  return (g.nodes ?? []).filter((n) => !n.position).map((n) => n.id);
}
