// A simple layered layout, left to right: each node sits in the column of its longest path
// from a source; within a column nodes are ordered by the mean row of their predecessors.
// Nodes inside a loop group keep their place relative to the group.

export interface LayoutNode {
  id: string;
  width?: number;
  height?: number;
  parentId?: string;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface LayoutOptions {
  gapX?: number;
  gapY?: number;
  defaultWidth?: number;
  defaultHeight?: number;
}

export type Positions = Record<string, { x: number; y: number }>;

/** depths assigns each node its longest-path depth; nodes on a cycle get the depth reached.
 * A depth-first walk with its own stack rather than recursion: a chain of n nodes is n deep,
 * and a webview's call stack is smaller than Node's. */
export function depths(ids: string[], edges: LayoutEdge[]): Map<string, number> {
  const known = new Set(ids);
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (known.has(e.source) && known.has(e.target) && e.source !== e.target) preds.get(e.target)!.push(e.source);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  type Frame = { id: string; next: number; best: number };
  for (const root of ids) {
    if (depth.has(root)) continue;
    const stack: Frame[] = [{ id: root, next: 0, best: 0 }];
    visiting.add(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const ps = preds.get(top.id)!;
      if (top.next < ps.length) {
        const p = ps[top.next++];
        const d = depth.get(p);
        if (d !== undefined) top.best = Math.max(top.best, d + 1);
        else if (visiting.has(p)) top.best = Math.max(top.best, 1); // a cycle: stop here (depth 0)
        else {
          visiting.add(p);
          stack.push({ id: p, next: 0, best: 0 });
        }
        continue;
      }
      stack.pop();
      visiting.delete(top.id);
      depth.set(top.id, top.best);
      if (stack.length) {
        const parent = stack[stack.length - 1];
        parent.best = Math.max(parent.best, top.best + 1);
      }
    }
  }
  return depth;
}

/** layeredLayout returns new top-left positions for the top-level nodes. */
export function layeredLayout(nodes: LayoutNode[], edges: LayoutEdge[], opts: LayoutOptions = {}): Positions {
  const gapX = opts.gapX ?? 80;
  const gapY = opts.gapY ?? 40;
  const dw = opts.defaultWidth ?? 220;
  const dh = opts.defaultHeight ?? 120;
  const top = nodes.filter((n) => !n.parentId);
  const ids = top.map((n) => n.id);
  // An edge to or from a child counts as one to or from its group.
  const parentOf = new Map(nodes.map((n) => [n.id, n.parentId ?? ""]));
  const lift = (id: string) => {
    let cur = id;
    for (let i = 0; i < nodes.length && parentOf.get(cur); i++) cur = parentOf.get(cur)!;
    return cur;
  };
  const lifted = edges.map((e) => ({ source: lift(e.source), target: lift(e.target) })).filter((e) => e.source !== e.target);
  const depth = depths(ids, lifted);
  const columns: LayoutNode[][] = [];
  for (const n of top) {
    const d = depth.get(n.id) ?? 0;
    (columns[d] ??= []).push(n);
  }
  const preds = new Map<string, string[]>();
  for (const e of lifted) {
    const list = preds.get(e.target);
    if (list) list.push(e.source);
    else preds.set(e.target, [e.source]);
  }
  const row = new Map<string, number>();
  const out: Positions = {};
  let x = 0;
  columns.forEach((col) => {
    if (!col) return;
    const keyed = col.map((n, i) => {
      const ps = (preds.get(n.id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      const key = ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : Number.POSITIVE_INFINITY;
      return { n, key, i };
    });
    keyed.sort((a, b) => (a.key === b.key ? a.i - b.i : a.key - b.key));
    let y = 0;
    let width = 0;
    keyed.forEach(({ n }, i) => {
      row.set(n.id, i);
      out[n.id] = { x, y };
      y += (n.height ?? dh) + gapY;
      width = Math.max(width, n.width ?? dw);
    });
    x += width + gapX;
  });
  return out;
}
