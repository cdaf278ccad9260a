// Pure helpers of the compare view: the node table (rows, "only differences", sorting), the
// order of a sweep grid, structural JSON diff and the graph diff as canvas marks.
import { compareIds } from "../lib/order";

/** NodeSide is what one run did with a node (engine.NodeSide); null: not in that version. */
export interface NodeSide {
  status: string;
  reasons: string[];
  generation_id: string;
  duration_ms: number;
}

export interface NodeDiff {
  a: NodeSide | null;
  b: NodeSide | null;
  same_output: boolean;
}

export interface Pair {
  a: unknown;
  b: unknown;
}

export interface GraphDiff {
  nodes_added: string[];
  nodes_removed: string[];
  nodes_changed: Record<string, Record<string, Pair>>;
  edges_added: string[];
  edges_removed: string[];
}

export interface NodeRow {
  id: string;
  a: NodeSide | null;
  b: NodeSide | null;
  same: boolean;
  /** the row differs: one side missing, statuses differ, or outputs differ */
  differs: boolean;
}

export type SortKey = "node" | "a_status" | "b_status" | "a_duration" | "b_duration" | "same";

export function nodeRows(nodes: Record<string, NodeDiff>): NodeRow[] {
  return Object.entries(nodes).map(([id, n]) => ({
    id,
    a: n.a,
    b: n.b,
    same: n.same_output,
    differs: !n.a || !n.b || !n.same_output || n.a.status !== n.b.status,
  }));
}

function key(r: NodeRow, k: SortKey): string | number {
  switch (k) {
    case "node":
      return r.id;
    case "a_status":
      return r.a?.status ?? "";
    case "b_status":
      return r.b?.status ?? "";
    case "a_duration":
      return r.a?.duration_ms ?? -1;
    case "b_duration":
      return r.b?.duration_ms ?? -1;
    case "same":
      return r.same ? 1 : 0;
  }
}

/** sortRows orders rows by a column (ties by node id); onlyDiff keeps the differing rows. */
export function sortRows(rows: NodeRow[], by: SortKey, desc: boolean, onlyDiff: boolean): NodeRow[] {
  const list = onlyDiff ? rows.filter((r) => r.differs) : [...rows];
  const dir = desc ? -1 : 1;
  list.sort((x, y) => {
    const a = key(x, by);
    const b = key(y, by);
    const c = typeof a === "number" && typeof b === "number" ? a - b : compareIds(String(a), String(b));
    return c !== 0 ? c * dir : compareIds(x.id, y.id);
  });
  return list;
}

function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.keys(x as object).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
      : x,
  );
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canon(a) === canon(b);
}

export interface GridRun {
  id: string;
  number: number;
  inputs: Record<string, unknown>;
}

/**
 * varyingInputs names the inputs whose values differ between the runs, the one with the most
 * distinct values first (the sweep's axis).
 */
export function varyingInputs(runs: GridRun[]): string[] {
  const names = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.inputs ?? {})) names.add(k);
  const out: { name: string; n: number }[] = [];
  for (const name of names) {
    const vals = new Set(runs.map((r) => canon(r.inputs?.[name] ?? null)));
    if (vals.size > 1) out.push({ name, n: vals.size });
  }
  out.sort((a, b) => b.n - a.n || a.name.localeCompare(b.name));
  return out.map((o) => o.name);
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  return canon(a).localeCompare(canon(b), undefined, { numeric: true });
}

/** orderGrid orders a sweep's runs by the inputs that vary (then by run number). */
export function orderGrid<T extends GridRun>(runs: T[]): { runs: T[]; axis: string[] } {
  const axis = varyingInputs(runs);
  const sorted = [...runs].sort((x, y) => {
    for (const name of axis) {
      const c = compareValues(x.inputs?.[name], y.inputs?.[name]);
      if (c !== 0) return c;
    }
    return x.number - y.number;
  });
  return { runs: sorted, axis };
}

export interface JsonChange {
  path: string;
  kind: "added" | "removed" | "changed";
  a?: unknown;
  b?: unknown;
}

/** jsonDiff lists the paths where two JSON values differ ("$" is the root). */
export function jsonDiff(a: unknown, b: unknown, path = "$", out: JsonChange[] = [], limit = 2000): JsonChange[] {
  if (out.length >= limit) return out;
  const isObj = (v: unknown) => v !== null && typeof v === "object";
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) {
        const p = `${path}[${i}]`;
        if (i >= a.length) out.push({ path: p, kind: "added", b: b[i] });
        else if (i >= b.length) out.push({ path: p, kind: "removed", a: a[i] });
        else jsonDiff(a[i], b[i], p, out, limit);
      }
      return out;
    }
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
    for (const k of keys) {
      const p = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
      if (!(k in ao)) out.push({ path: p, kind: "added", b: bo[k] });
      else if (!(k in bo)) out.push({ path: p, kind: "removed", a: ao[k] });
      else jsonDiff(ao[k], bo[k], p, out, limit);
    }
    return out;
  }
  if (!sameValue(a, b)) out.push({ path, kind: "changed", a, b });
  return out;
}

export type Mark = "added" | "removed" | "changed" | "same";

/** nodeMarks says, per node id of either graph, how the graph diff marks it. */
export function nodeMarks(d: GraphDiff, idsA: string[], idsB: string[]): Record<string, Mark> {
  const m: Record<string, Mark> = {};
  for (const id of [...idsA, ...idsB]) m[id] = "same";
  for (const id of d.nodes_added) m[id] = "added";
  for (const id of d.nodes_removed) m[id] = "removed";
  for (const id of Object.keys(d.nodes_changed)) m[id] = "changed";
  return m;
}

/** parseEdgeKey reads "source.handle->target.handle" (node ids may hold dots; handles do not). */
export function parseEdgeKey(k: string): { source: string; sourceHandle: string; target: string; targetHandle: string } | null {
  const i = k.indexOf("->");
  if (i < 0) return null;
  const split = (s: string) => {
    const j = s.lastIndexOf(".");
    return j < 0 ? [s, ""] : [s.slice(0, j), s.slice(j + 1)];
  };
  const [source, sourceHandle] = split(k.slice(0, i));
  const [target, targetHandle] = split(k.slice(i + 2));
  return { source, sourceHandle, target, targetHandle };
}

export function edgeKey(e: { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }): string {
  return `${e.source}.${e.sourceHandle ?? ""}->${e.target}.${e.targetHandle ?? ""}`;
}

/** showValue writes a value on one line for a table cell. */
export function showValue(v: unknown, max = 80): string {
  if (v === undefined || v === null) return "—";
  const s = typeof v === "string" ? JSON.stringify(v) : canon(v);
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}
