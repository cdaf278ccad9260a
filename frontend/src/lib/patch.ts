// The edited graph as its edit of the version it started from (engine/graphpatch.go): what
// autosave, checks, plans and runs of a draft send instead of the whole graph, which at 10,000
// nodes is megabytes converted, stringified and decoded on every edit. The canvas's edits
// replace only the node and edge objects they change, so a node that is still the object
// loaded from the base is unchanged without converting it; only the others are converted and
// compared with the base's.
import type { EdgeSpan, Graph, GraphEdge, GraphNode, GraphPatch, InputDecl } from "../api/types";

export type { EdgeSpan, GraphPatch };
import { fromFlowEdge, fromFlowNode } from "./convert";
import { canvasToBody } from "./groups";
import type { FbEdge, FbNode, FlowGraph } from "./flowtypes";

/** PatchBase is a version's graph as the backend holds it, indexed to diff the canvas with. */
export interface PatchBase {
  versionId: string;
  graph: Graph;
  nodeAt: Map<string, number>;
  /** canvas nodes known to write exactly the base's node of their id */
  sameNode: Map<string, FbNode>;
  /** canvas edges known to write exactly the base's edge at an index */
  sameEdge: Map<FbEdge, number>;
  /** base edge indexes by what the edge writes, for edges the canvas replaced */
  edgeAt: Map<string, number[]>;
  /** the canvas's inputs list when it is known to write the base's */
  sameInputs: InputDecl[] | null;
}

/** sameJSON compares two JSON values as the backend would read them (key order and keys
 * holding undefined do not matter). */
export function sameJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJSON(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    if (!sameJSON(ao[k], bo[k])) return false;
    n++;
  }
  for (const k in bo) if (bo[k] !== undefined) n--;
  return n === 0;
}

/** writesNode reports whether fromFlowNode(n) is exactly b, without making it (opening a
 * 10,000-node workflow checks every node once). */
export function writesNode(n: FbNode, b: GraphNode): boolean {
  if (n.id !== b.id || n.data.type !== b.type || (n.data.label ? n.data.label : undefined) !== b.label) return false;
  if ((n.parentId ? n.parentId : undefined) !== b.parentId) return false;
  const params = n.data.params;
  if (params && Object.keys(params).length > 0 ? !sameJSON(params, b.params) : b.params !== undefined) return false;
  const at = n.parentId ? canvasToBody(n.position) : n.position;
  return b.position !== undefined && b.position.x === Math.round(at.x) && b.position.y === Math.round(at.y);
}

const edgeText = (e: GraphEdge) => `${e.id ?? ""}\u0000${e.source}\u0000${e.sourceHandle}\u0000${e.target}\u0000${e.targetHandle}`;

/**
 * makeBase indexes graph, version versionId's graph as the backend holds it, for patches of
 * the canvas flow. written: flow is what graph was written from (a version just saved from the
 * canvas), so its nodes and edges are the base's as they are; otherwise each is converted once
 * and only those that write exactly the base's are taken as unchanged (a node laid out on
 * opening, or a draft's edit, is not).
 */
export function makeBase(versionId: string, graph: Graph, flow: FlowGraph, written = false): PatchBase {
  const nodes = graph.nodes ?? [];
  const edges = graph.edges ?? [];
  const base: PatchBase = {
    versionId,
    graph,
    nodeAt: new Map(nodes.map((n, i) => [n.id, i])),
    sameNode: new Map(),
    sameEdge: new Map(),
    edgeAt: new Map(),
    sameInputs: written || sameJSON(flow.inputs, graph.inputs ?? []) ? flow.inputs : null,
  };
  edges.forEach((e, i) => {
    const k = edgeText(e);
    const at = base.edgeAt.get(k);
    if (at) at.push(i);
    else base.edgeAt.set(k, [i]);
  });
  if (written) {
    flow.nodes.forEach((n) => base.sameNode.set(n.id, n));
    flow.edges.forEach((e, i) => base.sameEdge.set(e, i));
    return base;
  }
  for (const n of flow.nodes) {
    const i = base.nodeAt.get(n.id);
    if (i !== undefined && writesNode(n, nodes[i])) base.sameNode.set(n.id, n);
  }
  const used = new Uint8Array(edges.length);
  for (const e of flow.edges) {
    const i = (base.edgeAt.get(edgeText(fromFlowEdge(e))) ?? []).find((k) => !used[k]);
    if (i === undefined) continue;
    used[i] = 1;
    base.sameEdge.set(e, i);
  }
  return base;
}

/**
 * graphPatch is the canvas flow as its edit of base; null when it writes exactly the base's
 * graph (back to the base: no draft). What is exactly the graph flowToGraph(flow) writes once
 * applied to the base (engine.ApplyGraphPatch), node and edge order included.
 */
export function graphPatch(base: PatchBase, flow: FlowGraph): GraphPatch | null {
  const p: GraphPatch = { base_version_id: base.versionId };
  let empty = true;
  if (flow.inputs !== base.sameInputs && !sameJSON(flow.inputs, base.graph.inputs ?? [])) {
    p.inputs = flow.inputs.map((i) => ({ ...i }));
    empty = false;
  }
  const bnodes = base.graph.nodes ?? [];
  const added: GraphNode[] = [];
  const changed: GraphNode[] = [];
  let inBase = 0;
  let last = -1; // the base index of the last base node met, to notice a node moved
  let ordered = true;
  for (const n of flow.nodes) {
    const i = base.nodeAt.get(n.id);
    if (i === undefined) {
      added.push(fromFlowNode(n));
      continue;
    }
    inBase++;
    if (added.length || i < last) ordered = false;
    last = i;
    if (base.sameNode.get(n.id) === n) continue;
    const g = fromFlowNode(n);
    if (!sameJSON(g, bnodes[i])) changed.push(g);
  }
  if (added.length) p.added = added;
  if (changed.length) p.changed = changed;
  if (inBase < bnodes.length) {
    const ids = new Set(flow.nodes.map((n) => n.id));
    p.removed = bnodes.filter((n) => !ids.has(n.id)).map((n) => n.id);
  }
  if (!ordered) p.order = flow.nodes.map((n) => n.id);
  if (added.length || changed.length || p.removed || p.order) empty = false;
  const spans = edgeSpans(base, flow.edges);
  if (spans) {
    p.edges = spans;
    empty = false;
  }
  return empty ? null : p;
}

/** edgeSpans is the canvas's edge list as spans of the base's, or null when it is the base's. */
function edgeSpans(base: PatchBase, edges: FbEdge[]): EdgeSpan[] | null {
  const bedges = base.graph.edges ?? [];
  const used = new Uint8Array(bedges.length);
  const spans: EdgeSpan[] = [{ from: 0, to: 0, edges: [] }];
  for (const e of edges) {
    let at = base.sameEdge.get(e);
    let own: GraphEdge | undefined;
    if (at === undefined || used[at]) {
      own = fromFlowEdge(e);
      const next = spans[spans.length - 1].to;
      const candidates = base.edgeAt.get(edgeText(own)) ?? [];
      at = candidates.includes(next) && !used[next] ? next : candidates.find((k) => !used[k]);
    }
    const cur = spans[spans.length - 1];
    if (at === undefined) {
      cur.edges.push(own!);
      continue;
    }
    used[at] = 1;
    if (at === cur.to && cur.edges.length === 0) cur.to++;
    else spans.push({ from: at, to: at + 1, edges: [] });
  }
  const only = spans.length === 1 && spans[0];
  return only && only.from === 0 && only.to === bedges.length && only.edges.length === 0 ? null : spans;
}

/** applyPatch is engine.ApplyGraphPatch, for tests: the graph p describes from base. */
export function applyPatch(base: Graph, p: GraphPatch): Graph {
  const changed = new Map((p.changed ?? []).map((n) => [n.id, n]));
  const removed = new Set(p.removed ?? []);
  let nodes = (base.nodes ?? []).filter((n) => !removed.has(n.id)).map((n) => changed.get(n.id) ?? n);
  nodes = nodes.concat(p.added ?? []);
  if (p.order) {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    nodes = p.order.map((id) => byId.get(id)!);
  }
  const bedges = base.edges ?? [];
  const edges = p.edges ? p.edges.flatMap((sp) => [...bedges.slice(sp.from, sp.to), ...sp.edges]) : bedges;
  return { inputs: p.inputs ?? base.inputs ?? [], nodes, edges };
}
