// Connection rules of the canvas. They mirror the engine (engine.Compatible, the cycle check
// of ValidateGraph) so a bad connection is refused while dragging; the backend's CheckGraph
// stays the judge of the saved graph.
import type { HandleSpec, InputDecl, NodeType } from "../api/types";
import { isMediaType } from "../api/types";

/** compatible mirrors engine.Compatible: may an output of type out feed an input of type inp? */
export function compatible(out: string, inp: string): boolean {
  if (out === inp || out === "any" || inp === "any" || out === "") return true;
  if ((inp === "number" && out === "integer") || (inp === "integer" && out === "number")) return true;
  if (inp === "string" && (out === "number" || out === "integer" || out === "boolean")) return true;
  if (inp === "file" && isMediaType(out)) return true;
  return false;
}

/** outputHandles are a node's outputs; flow.inputs has one per declared flow input. */
export function outputHandles(t: NodeType | undefined, inputs: InputDecl[]): HandleSpec[] {
  if (!t) return [];
  if (t.dynamic_outputs) return inputs.map((i) => ({ name: i.name, type: i.type, description: i.description }));
  return t.outputs ?? [];
}

export function inputHandles(t: NodeType | undefined): HandleSpec[] {
  return t?.inputs ?? [];
}

export interface GraphShape {
  nodes: { id: string; type: string; parentId?: string; params?: Record<string, unknown> }[];
  edges: { source: string; target: string; targetHandle?: string | null }[];
}

/** wouldCycle reports whether an edge source → target closes a cycle. Edges between a loop
 * group and its own children (item/result) do not count, as in the engine. */
export function wouldCycle(g: GraphShape, source: string, target: string, replacedTargetHandle?: string): boolean {
  if (source === target) return true;
  const parent = new Map(g.nodes.map((n) => [n.id, n.parentId ?? ""]));
  const isGroupEdge = (s: string, t: string) => parent.get(t) === s || parent.get(s) === t;
  if (isGroupEdge(source, target)) return false;
  const adj = new Map<string, string[]>();
  for (const e of g.edges) {
    if (isGroupEdge(e.source, e.target)) continue;
    if (replacedTargetHandle !== undefined && e.target === target && e.targetHandle === replacedTargetHandle) continue;
    const list = adj.get(e.source);
    if (list) list.push(e.target);
    else adj.set(e.source, [e.target]);
  }
  // A cycle forms when source is reachable from target.
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of adj.get(id) ?? []) stack.push(next);
  }
  return false;
}

export interface ConnectionAttempt {
  source: string;
  sourceHandle: string | null | undefined;
  target: string;
  targetHandle: string | null | undefined;
}

export type ConnectionVerdict = { ok: true } | { ok: false; reason: string };

/** checkConnection says whether a connection may be made, and if not, why (for a toast). */
export function checkConnection(
  c: ConnectionAttempt,
  g: GraphShape,
  types: Record<string, NodeType>,
  inputs: InputDecl[],
  /** handlesOf gives a node handles of its own (a subworkflow node: its pinned version's). */
  handlesOf?: (node: GraphShape["nodes"][number]) => { inputs: HandleSpec[]; outputs: HandleSpec[] } | undefined,
): ConnectionVerdict {
  if (c.source === c.target) return { ok: false, reason: "A node cannot connect to itself." };
  const src = g.nodes.find((n) => n.id === c.source);
  const dst = g.nodes.find((n) => n.id === c.target);
  if (!src || !dst) return { ok: false, reason: "Both ends must be nodes on the canvas." };
  const out = (handlesOf?.(src)?.outputs ?? outputHandles(types[src.type], inputs)).find((h) => h.name === c.sourceHandle);
  const inp = (handlesOf?.(dst)?.inputs ?? inputHandles(types[dst.type])).find((h) => h.name === c.targetHandle);
  if (!out) return { ok: false, reason: `"${c.source}" has no output "${c.sourceHandle ?? ""}".` };
  if (!inp) return { ok: false, reason: `"${c.target}" has no input "${c.targetHandle ?? ""}".` };
  if (!compatible(out.type, inp.type)) {
    return {
      ok: false,
      reason: `Incompatible types: ${c.source}.${out.name} gives ${out.type}, ${c.target}.${inp.name} accepts ${inp.type}.`,
    };
  }
  if (wouldCycle(g, c.source, c.target, c.targetHandle ?? undefined)) {
    return { ok: false, reason: `Connecting ${c.source} → ${c.target} would make a cycle.` };
  }
  return { ok: true };
}

/** TYPE_COLOURS names the CSS class of each handle type (colours live in the stylesheet). */
export function typeClass(t: string): string {
  switch (t) {
    case "string":
    case "number":
    case "integer":
    case "boolean":
    case "object":
    case "array":
    case "image":
    case "audio":
    case "video":
    case "file":
      return `t-${t}`;
    default:
      return "t-any";
  }
}
