// Level of detail and the opening viewport of the canvas at scale (SPEC §11: only what is on
// screen is drawn, with a simpler drawing of nodes when zoomed far out). Pure, so the rules
// are testable without a window.

export type Detail = "full" | "far";

/** Below this zoom a node is drawn as its title and status colour only, and edges as
 * straight lines (at 0.45 a node's 12 px text is under 5.5 px on screen: unreadable). */
export const FAR_ZOOM = 0.45;
/** Zooming back in, the full drawing returns a little above FAR_ZOOM, so a zoom that rests
 * on the threshold does not flip every node back and forth. */
export const NEAR_ZOOM = 0.5;

/** detailAt is the drawing for a zoom, given the current one (hysteresis between FAR_ZOOM and
 * NEAR_ZOOM). */
export function detailAt(zoom: number, prev: Detail = "full"): Detail {
  if (zoom < FAR_ZOOM) return "far";
  if (zoom >= NEAR_ZOOM) return "full";
  return prev;
}

/** From this many nodes on, only the nodes and edges on screen are drawn (React Flow's
 * onlyRenderVisibleElements). A smaller graph is drawn whole: that is cheap, and a node
 * added off screen is still there for whoever looks for it. */
export const VIRTUALIZE_FROM = 300;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A node not measured yet is assumed this big (the width the stylesheet gives a node). */
export const NODE_W = 220;
export const NODE_H = 130;

/** graphBounds is the box around nodes' top-left positions and sizes (measured, else the
 * default), absolute positions only (children of groups lie inside their group). */
export function graphBounds(
  nodes: readonly { position: { x: number; y: number }; parentId?: string; measured?: { width?: number; height?: number } }[],
): Box | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of nodes) {
    if (n.parentId) continue;
    const w = n.measured?.width ?? NODE_W;
    const h = n.measured?.height ?? NODE_H;
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + w);
    y1 = Math.max(y1, n.position.y + h);
  }
  if (x0 === Infinity) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The smallest zoom the canvas allows whatever the graph (React Flow's own default is 0.5;
 * 0.2 was the limit before, which a 2,000-node graph did not fit in). */
export const MIN_ZOOM_FLOOR = 0.2;

/** minZoomFor is the least zoom the canvas needs so "fit view" shows the whole graph in a
 * pane of the given size (with padding, the share of the pane left around it), and a little
 * room to zoom out further; never above MIN_ZOOM_FLOOR. */
export function minZoomFor(bounds: Box | null, pane: { width: number; height: number }, padding = 0.2): number {
  if (!bounds || pane.width <= 0 || pane.height <= 0 || bounds.width <= 0 || bounds.height <= 0) return MIN_ZOOM_FLOOR;
  const fit = Math.min((pane.width * (1 - padding)) / bounds.width, (pane.height * (1 - padding)) / bounds.height);
  return Math.max(0.001, Math.min(MIN_ZOOM_FLOOR, fit / 2));
}

/** fitViewport is the viewport showing bounds in the pane, centred, with padding (the share of
 * the pane left around it), zoom between minZoom and maxZoom: React Flow's fitView, computed
 * before any node is measured, so a graph opens at the zoom it will be shown at. */
export function fitViewport(
  bounds: Box | null,
  pane: { width: number; height: number },
  minZoom: number,
  maxZoom: number,
  padding = 0.2,
): { x: number; y: number; zoom: number } {
  if (!bounds || pane.width <= 0 || pane.height <= 0) return { x: 0, y: 0, zoom: 1 };
  const zx = (pane.width * (1 - padding)) / Math.max(1, bounds.width);
  const zy = (pane.height * (1 - padding)) / Math.max(1, bounds.height);
  const zoom = Math.min(maxZoom, Math.max(minZoom, Math.min(zx, zy)));
  const cx = bounds.x + bounds.width / 2;
  const cy = bounds.y + bounds.height / 2;
  return { x: pane.width / 2 - cx * zoom, y: pane.height / 2 - cy * zoom, zoom };
}

/**
 * Chunks: a large graph is handed to the canvas a chunk at a time, one chunk a frame, so no
 * single task draws thousands of nodes. nextChunk sizes the next chunk from how long the frame
 * that drew the last one took (drawing, measuring and painting it): it grows while that stays
 * under the budget and shrinks when it took more than three times the budget, between
 * MIN_CHUNK and MAX_CHUNK. (A frame also paints what is already drawn, which a smaller chunk
 * does not make cheaper: in WebKitGTK that is most of a frame, and MIN_CHUNK keeps it from
 * crawling.)
 */
export const MIN_CHUNK = 300;
export const MAX_CHUNK = 1000;
export const FIRST_CHUNK = 300;
export const CHUNK_BUDGET_MS = 50;

export function nextChunk(prev: number, frameMs: number): number {
  let n = prev;
  if (frameMs < CHUNK_BUDGET_MS) n = prev * 2;
  else if (frameMs > 3 * CHUNK_BUDGET_MS) n = Math.floor(prev / 2);
  return Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, n));
}
