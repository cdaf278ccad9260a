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

/**
 * layeredLayout returns new top-left positions for the top-level nodes. Each connected part
 * of the graph is laid out in layers; the parts are then set in rows, left to right, as a
 * grid about as wide as it is tall (unconnected nodes do not make one tall column).
 */
export function layeredLayout(nodes: LayoutNode[], edges: LayoutEdge[], opts: LayoutOptions = {}): Positions {
  const gapX = opts.gapX ?? 80;
  const gapY = opts.gapY ?? 40;
  const dw = opts.defaultWidth ?? 220;
  const dh = opts.defaultHeight ?? 120;
  const parts = components(nodes, edges);
  if (parts.length <= 1) return layerPart(nodes, edges, opts);
  const laid = parts.map((part) => {
    const ids = new Set(part);
    const sub = nodes.filter((n) => ids.has(n.id) || (n.parentId && ids.has(n.parentId)));
    const pos = layerPart(sub, edges, opts);
    let w = 0;
    let h = 0;
    for (const n of sub) {
      const p = pos[n.id];
      if (!p) continue;
      w = Math.max(w, p.x + (n.width ?? dw));
      h = Math.max(h, p.y + (n.height ?? dh));
    }
    return { pos, w, h };
  });
  const area = laid.reduce((a, l) => a + (l.w + gapX) * (l.h + gapY), 0);
  const rowWidth = Math.max(...laid.map((l) => l.w), Math.sqrt(area) * 1.5);
  const out: Positions = {};
  let x = 0;
  let y = 0;
  let rowH = 0;
  for (const l of laid) {
    if (x > 0 && x + l.w > rowWidth) {
      x = 0;
      y += rowH + gapY;
      rowH = 0;
    }
    for (const [id, p] of Object.entries(l.pos)) out[id] = { x: p.x + x, y: p.y + y };
    x += l.w + gapX;
    rowH = Math.max(rowH, l.h);
  }
  return out;
}

/** components are the connected parts of the top-level graph (an edge to or from a child
 * counts as its group's), each a list of node ids, in the order their first node comes. */
export function components(nodes: LayoutNode[], edges: LayoutEdge[]): string[][] {
  const parentOf = new Map(nodes.map((n) => [n.id, n.parentId ?? ""]));
  const top = (id: string) => {
    let cur = id;
    for (let i = 0; i < nodes.length && parentOf.get(cur); i++) cur = parentOf.get(cur)!;
    return cur;
  };
  const root = new Map<string, string>();
  const find = (id: string): string => {
    let r = id;
    while (root.get(r) !== r) r = root.get(r)!;
    // every node on the way now points at the root: later finds are short
    for (let c = id; c !== r; ) {
      const next = root.get(c)!;
      root.set(c, r);
      c = next;
    }
    return r;
  };
  const ids = nodes.filter((n) => !n.parentId).map((n) => n.id);
  for (const id of ids) root.set(id, id);
  for (const e of edges) {
    const a = top(e.source);
    const b = top(e.target);
    if (root.has(a) && root.has(b)) root.set(find(a), find(b));
  }
  const parts = new Map<string, string[]>();
  for (const id of ids) {
    const r = find(id);
    const list = parts.get(r);
    if (list) list.push(id);
    else parts.set(r, [id]);
  }
  return [...parts.values()];
}

/** layerPart lays out one connected part in layers, left to right. */
function layerPart(nodes: LayoutNode[], edges: LayoutEdge[], opts: LayoutOptions = {}): Positions {
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
