// Where the canvas opens: the whole graph when it fits at a zoom whose text is readable,
// else at that readable zoom from the graph's start (top left, where a flow begins to read),
// never zoomed in past 1.

export interface Box {
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

export interface ReadableOptions {
  /** the smallest zoom at which node text stays readable */
  minZoom?: number;
  maxZoom?: number;
  /** screen pixels kept free around the graph */
  padding?: number;
}

/** READABLE_ZOOM: node text is 11–13 px; below this it is too small to read. */
export const READABLE_ZOOM = 0.75;

/** readableViewport fits the box in the view, within [minZoom, maxZoom]; along an axis
 * where it does not fit at that zoom, the view starts at the box's start. */
export function readableViewport(box: Box, view: { width: number; height: number }, o: ReadableOptions = {}): Viewport {
  const minZoom = o.minZoom ?? READABLE_ZOOM;
  const maxZoom = o.maxZoom ?? 1;
  const p = o.padding ?? 32;
  const fit = Math.min((view.width - 2 * p) / Math.max(box.width, 1), (view.height - 2 * p) / Math.max(box.height, 1));
  const zoom = Math.min(maxZoom, Math.max(minZoom, fit));
  const axis = (start: number, size: number, room: number) =>
    size * zoom <= room - 2 * p ? (room - size * zoom) / 2 - start * zoom : p - start * zoom;
  return { x: axis(box.x, box.width, view.width), y: axis(box.y, box.height, view.height), zoom };
}
