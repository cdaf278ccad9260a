// What a large diff canvas draws: only the nodes in (or near) its view and the edges that
// cross it. React Flow's own onlyRenderVisibleElements still keeps every node in its store
// and draws every edge whose end boxes span the view, so a fan-out of 2,000 edges from one
// node in view drew all of them (most of the compare view's opening time).

/** A node's box as the canvas places it. */
export interface Box {
  id: string;
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** NODE_W and NODE_H bound a diff node's size (compare.css .cmp-node: 140 px + padding). */
export const NODE_W = 180;
export const NODE_H = 64;

/** viewRect is the part of the flow a viewport of w × h pixels shows, grown by margin of its size on each side. */
export function viewRect(v: Viewport, w: number, h: number, margin = 0.25): Rect {
  const fw = w / v.zoom;
  const fh = h / v.zoom;
  return { x: -v.x / v.zoom - fw * margin, y: -v.y / v.zoom - fh * margin, width: fw * (1 + 2 * margin), height: fh * (1 + 2 * margin) };
}

/** bounds is the box around the nodes (each NODE_W × NODE_H). */
export function bounds(boxes: Box[]): Rect {
  if (boxes.length === 0) return { x: 0, y: 0, width: NODE_W, height: NODE_H };
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + NODE_W);
    y1 = Math.max(y1, b.y + NODE_H);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function boxIn(b: Box, r: Rect): boolean {
  return b.x < r.x + r.width && b.x + NODE_W > r.x && b.y < r.y + r.height && b.y + NODE_H > r.y;
}

/** segIn reports whether the segment p–q crosses rectangle r (Liang–Barsky clipping). */
function segIn(px: number, py: number, qx: number, qy: number, r: Rect): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = qx - px;
  const dy = qy - py;
  const clip = (p: number, q: number) => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, px - r.x) && clip(dx, r.x + r.width - px) && clip(-dy, py - r.y) && clip(dy, r.y + r.height - py);
}

/** offset is React Flow's bezier control offset for a left-to-right edge spanning dx. */
function offset(dx: number): number {
  return dx >= 0 ? 0.5 * dx : 0.25 * 25 * Math.sqrt(-dx);
}

/** EdgeEnds are where an edge from s to t leaves and arrives: s's right middle, t's left middle. */
function ends(s: Box, t: Box): [number, number, number, number] {
  return [s.x + NODE_W, s.y + NODE_H / 2, t.x, t.y + NODE_H / 2];
}

/** edgePath is the SVG path React Flow draws for a default (bezier) edge from s to t. */
export function edgePath(s: Box, t: Box): string {
  const [sx, sy, tx, ty] = ends(s, t);
  const c = offset(tx - sx);
  return `M${sx},${sy} C${sx + c},${sy} ${tx - c},${ty} ${tx},${ty}`;
}

/** edgeIn reports whether the edge from box s to box t (edgePath) crosses r; the curve is
 * followed in 12 straight pieces. */
export function edgeIn(s: Box, t: Box, r: Rect): boolean {
  const [p0x, p0y, p3x, p3y] = ends(s, t);
  const c = offset(p3x - p0x);
  const p1x = p0x + c;
  const p2x = p3x - c;
  // a curve lies inside its control points' box: most edges are refused here
  if (Math.max(p0x, p1x, p2x, p3x) < r.x || Math.min(p0x, p1x, p2x, p3x) > r.x + r.width) return false;
  if (Math.max(p0y, p3y) < r.y || Math.min(p0y, p3y) > r.y + r.height) return false;
  let px = p0x;
  let py = p0y;
  for (let i = 1; i <= 12; i++) {
    const u = i / 12;
    const v = 1 - u;
    const qx = v * v * v * p0x + 3 * v * v * u * p1x + 3 * v * u * u * p2x + u * u * u * p3x;
    const qy = (v * v * v + 3 * v * v * u) * p0y + (3 * v * u * u + u * u * u) * p3y;
    if (segIn(px, py, qx, qy, r)) return true;
    px = qx;
    py = qy;
  }
  return false;
}

/**
 * inView picks what a canvas showing rect r draws: the nodes whose box meets r, and the edges
 * whose curve crosses r (an edge to a node out of view is drawn up to where it leaves).
 */
export function inView<E extends { source: string; target: string }>(boxes: Box[], edges: E[], r: Rect): { ids: Set<string>; edges: E[] } {
  const at = new Map<string, Box>();
  const ids = new Set<string>();
  for (const b of boxes) {
    at.set(b.id, b);
    if (boxIn(b, r)) ids.add(b.id);
  }
  const shown: E[] = [];
  for (const e of edges) {
    const s = at.get(e.source);
    const t = at.get(e.target);
    if (s && t && ((ids.has(s.id) && ids.has(t.id)) || edgeIn(s, t, r))) shown.push(e);
  }
  return { ids, edges: shown };
}

/**
 * startView is where a large diff canvas of w × h pixels opens: on the marked nodes (what
 * changed, up to 50) if any, else on the first node and its neighbours, readable (zoom ≥ 0.5).
 */
export function startView(boxes: Box[], marked: string[], w: number, h: number): Viewport {
  let fit: Box[];
  let minZoom = 0.2;
  if (marked.length) {
    const want = new Set(marked.slice(0, 50));
    fit = boxes.filter((b) => want.has(b.id));
  } else {
    const first = boxes[0] ?? { id: "", x: 0, y: 0 };
    const r = { x: first.x, y: first.y, width: w / 0.6, height: h / 0.6 };
    fit = boxes.filter((b) => boxIn(b, r));
    minZoom = 0.5;
  }
  const b = bounds(fit);
  const pad = 0.1;
  const zoom = Math.min(1, Math.max(minZoom, Math.min(w / (b.width * (1 + 2 * pad)), h / (b.height * (1 + 2 * pad)))));
  return { x: w / 2 - (b.x + b.width / 2) * zoom, y: h / 2 - (b.y + b.height / 2) * zoom, zoom };
}
