// The canvas at scale, drawn on one <canvas> (issue 17): below the far zoom (lod.ts) a large
// graph is not React Flow DOM at all but rectangles and lines on one element (FarCanvas.tsx),
// and zoomed in React Flow holds only the nodes near the viewport. This file is the pure part:
// where each node is drawn, which one a point hits, which ones a box holds, which ones React
// Flow is given for a viewport, and a per-frame scheduler. No DOM, so it is unit-tested.
import { frameSize } from "../lib/groups";
import { NODE_W, VIRTUALIZE_FROM, type Box } from "./lod";

/** From this many nodes on, the far level is drawn on one canvas element and React Flow holds
 * only the nodes near the viewport (a smaller graph stays React Flow DOM at every zoom). */
export const CANVAS_FROM = VIRTUALIZE_FROM;

/** The height of a node drawn far out (as the far DOM drawing was: nodes/canvas.css .fb-far). */
export const FAR_H = 110;

/** DrawRect is one node as the canvas draws it: its box in canvas (flow) units, absolute. */
export interface DrawRect extends Box {
  id: string;
  title: string;
  group: string;
  container: boolean;
}

/** The part of a node the drawing reads (FbNode has it). */
export interface NodeLike {
  id: string;
  position: { x: number; y: number };
  parentId?: string;
  measured?: { width?: number; height?: number };
  selected?: boolean;
  data: { type: string; label?: string };
}

export interface TypeLike {
  title?: string;
  group?: string;
  container?: boolean;
}

/**
 * drawRects is every node's box, absolute, in drawing order: groups first (a group's frame is
 * sized to its children as the DOM node sizes it), then the other nodes, so a child is drawn
 * and hit above its group.
 */
export function drawRects(nodes: readonly NodeLike[], types: Record<string, TypeLike | undefined>): DrawRect[] {
  const byId = new Map<string, NodeLike>();
  const kids = new Map<string, NodeLike[]>();
  for (const n of nodes) {
    byId.set(n.id, n);
    if (n.parentId) {
      const k = kids.get(n.parentId);
      if (k) k.push(n);
      else kids.set(n.parentId, [n]);
    }
  }
  const groups: DrawRect[] = [];
  const rest: DrawRect[] = [];
  for (const n of nodes) {
    const t = types[n.data.type];
    const parent = n.parentId ? byId.get(n.parentId) : undefined;
    const x = n.position.x + (parent?.position.x ?? 0);
    const y = n.position.y + (parent?.position.y ?? 0);
    const title = n.data.label || t?.title || n.data.type;
    const group = t?.group ?? "unknown";
    if (t?.container) {
      const f = frameSize(
        (kids.get(n.id) ?? []).map((c) => ({ x: c.position.x, y: c.position.y, width: c.measured?.width ?? NODE_W, height: c.measured?.height ?? FAR_H })),
      );
      groups.push({ id: n.id, x, y, width: f.width, height: f.height, title, group, container: true });
    } else {
      rest.push({ id: n.id, x, y, width: n.measured?.width ?? NODE_W, height: FAR_H, title, group, container: false });
    }
  }
  return groups.concat(rest);
}

/** hitTest is the id of the topmost node drawn at point p (canvas units), or null. */
export function hitTest(rects: readonly DrawRect[], p: { x: number; y: number }): string | null {
  for (let i = rects.length - 1; i >= 0; i--) {
    const r = rects[i];
    if (p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height) return r.id;
  }
  return null;
}

/** normBox is the box between two corners, whichever way it was dragged. */
export function normBox(a: { x: number; y: number }, b: { x: number; y: number }): Box {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

/** insideBox is the ids of the nodes lying wholly inside box (a drag-select box: React Flow's
 * own rule, SelectionMode.Full). */
export function insideBox(rects: readonly DrawRect[], box: Box): string[] {
  const out: string[] = [];
  for (const r of rects) {
    if (r.x >= box.x && r.y >= box.y && r.x + r.width <= box.x + box.width && r.y + r.height <= box.y + box.height) out.push(r.id);
  }
  return out;
}

function meets(r: Box, b: Box): boolean {
  return r.x <= b.x + b.width && r.x + r.width >= b.x && r.y <= b.y + b.height && r.y + r.height >= b.y;
}

/** viewBox is the part of the canvas (canvas units) a pane of the given size shows. */
export function viewBox(transform: readonly [number, number, number], pane: { width: number; height: number }): Box {
  const [tx, ty, k] = transform;
  return { x: -tx / k + 0, y: -ty / k + 0, width: pane.width / k, height: pane.height / k };
}

/** The window React Flow holds is the view grown by this share of its size on each side, so a
 * pan of up to half a screen changes nothing. */
export const WINDOW_MARGIN = 0.5;

/** grow is box grown by share of its size on each side. */
export function grow(box: Box, share: number): Box {
  return { x: box.x - box.width * share, y: box.y - box.height * share, width: box.width * (1 + 2 * share), height: box.height * (1 + 2 * share) };
}

function contains(outer: Box, inner: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/**
 * nextWindow is the window React Flow holds the nodes of, for the view: the current one while
 * the view stays inside it and is not much smaller (zoomed far in), else the view grown by
 * WINDOW_MARGIN. Returns the same object when it does not change.
 */
export function nextWindow(current: Box | null, view: Box): Box {
  if (current && contains(current, view) && view.width * view.height * 16 >= current.width * current.height) return current;
  return grow(view, WINDOW_MARGIN);
}

/**
 * handedIds is the ids of the nodes React Flow is given for a window: those whose box meets
 * it, the group of each (React Flow needs a child's parent) and every child of a group handed
 * (it lies inside its frame). Selected nodes elsewhere are not handed: the selection lives in
 * the graph store, and a drag moves the selected nodes React Flow does not hold once, when it
 * ends (moveRest), so a drag with thousands selected moves only what is drawn.
 */
export function handedIds(nodes: readonly NodeLike[], rects: readonly DrawRect[], win: Box): Set<string> {
  const ids = new Set<string>();
  for (const r of rects) if (meets(r, win)) ids.add(r.id);
  for (const n of nodes) {
    if (!n.parentId) continue;
    if (ids.has(n.id)) ids.add(n.parentId);
  }
  for (const n of nodes) if (n.parentId && ids.has(n.parentId)) ids.add(n.id);
  return ids;
}

/**
 * moveRest is nodes after a drag of the selection that React Flow did only part of: every
 * selected node not in dragged (React Flow held only the nodes near the view) moves by delta,
 * but a child whose group is selected (it moves with its group, its position is relative).
 * Returns nodes itself when nothing moves.
 */
export function moveRest<N extends NodeLike>(nodes: readonly N[], dragged: ReadonlySet<string>, delta: { x: number; y: number }): N[] {
  if (!delta.x && !delta.y) return nodes as N[];
  const selected = new Set<string>();
  for (const n of nodes) if (n.selected) selected.add(n.id);
  let changed = false;
  const out = nodes.map((n) => {
    if (!n.selected || dragged.has(n.id) || (n.parentId && selected.has(n.parentId))) return n;
    changed = true;
    return { ...n, position: { x: n.position.x + delta.x, y: n.position.y + delta.y } };
  });
  return changed ? out : (nodes as N[]);
}

/**
 * unselectUnheld is nodes with every selected node React Flow does not hold unselected, or
 * nodes itself when there is none: React Flow selecting one node alone (a click, or a drag of
 * an unselected node) unselects only the nodes it holds.
 */
export function unselectUnheld<N extends NodeLike>(nodes: readonly N[], held: { has(id: string): boolean }): N[] {
  if (!nodes.some((n) => n.selected && !held.has(n.id))) return nodes as N[];
  return nodes.map((n) => (n.selected && !held.has(n.id) ? { ...n, selected: false } : n));
}

/**
 * frameScheduler coalesces requests into one call of fn a frame (a redraw after many store
 * changes, a viewport move and a status batch in the same frame is drawn once).
 */
export function frameScheduler(
  fn: () => void,
  request: (cb: () => void) => number = (cb) => requestAnimationFrame(cb),
  cancel: (id: number) => void = (id) => cancelAnimationFrame(id),
): { schedule: () => void; flush: () => void; stop: () => void } {
  let id = 0;
  let pending = false;
  const run = () => {
    pending = false;
    id = 0;
    fn();
  };
  return {
    schedule() {
      if (pending) return;
      pending = true;
      id = request(run);
    },
    flush() {
      if (!pending) return;
      cancel(id);
      run();
    },
    stop() {
      if (pending) cancel(id);
      pending = false;
    },
  };
}

/**
 * throttled asks sched for a call of its fn no sooner than factor times the last call's cost
 * after that call ended: a stream of changes (a run's status batches, ~30 a second) redraws a
 * drawing that takes d ms at most once every (1 + factor) × d ms, so drawing takes at most
 * 1 / (1 + factor) of the thread the run's own work and the window share. A cheap drawing
 * (a small graph) is still redrawn every frame. done reports a call's start and end.
 */
export function throttled(
  sched: { schedule: () => void; stop: () => void },
  factor: number,
  now: () => number = () => performance.now(),
  later: (cb: () => void, ms: number) => ReturnType<typeof setTimeout> = (cb, ms) => setTimeout(cb, ms),
  cancel: (id: ReturnType<typeof setTimeout>) => void = (id) => clearTimeout(id),
): { schedule: () => void; done: (start: number, end: number) => void; stop: () => void } {
  let end = -Infinity;
  let cost = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    schedule() {
      if (timer !== null) return;
      const wait = end + factor * cost - now();
      if (wait <= 0) {
        sched.schedule();
        return;
      }
      timer = later(() => {
        timer = null;
        sched.schedule();
      }, wait);
    },
    done(start, stop) {
      end = stop;
      cost = stop - start;
    },
    stop() {
      if (timer !== null) cancel(timer);
      timer = null;
      sched.stop();
    },
  };
}
