// How the canvas shows a graph at scale: where a freshly opened graph is placed, the level of
// detail at the current zoom, the box of nodes React Flow holds, and the graph handed to
// React Flow a chunk a frame while it loads (docs/PERFORMANCE.md, issue 17).
import { useReactFlow, useStore, useStoreApi } from "@xyflow/react";
import { useEffect, useRef, useState } from "react";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { readableViewport } from "../lib/viewport";
import { useGraph } from "../stores/graph";
import { nextWindow, viewBox } from "./farview";
import { FIRST_CHUNK, VIRTUALIZE_FROM, detailAt, fitViewport, graphBounds, minZoomFor, nextChunk, type Box, type Detail } from "./lod";

/** placeView is where a freshly opened graph is shown: a graph that is drawn whole opens at a
 * readable zoom (whole when it fits so, else from its start); a large one opens whole, far out
 * (level-of-detail drawing). */
export function placeView(bounds: ReturnType<typeof graphBounds>, size: { width: number; height: number }, count: number, least: number) {
  if (bounds && count < VIRTUALIZE_FROM && size.width > 0 && size.height > 0) return readableViewport(bounds, size);
  return fitViewport(bounds, size, least, 1, 0.2);
}

/** useWindow is the box of the canvas whose nodes React Flow holds (farview.ts nextWindow),
 * following the viewport: it changes only when the view leaves it, not on every pan frame. */
export function useWindow(active: boolean): Box | null {
  const store = useStoreApi<FbNode, FbEdge>();
  const [win, setWin] = useState<Box | null>(null);
  const cur = useRef<Box | null>(null);
  useEffect(() => {
    if (!active) {
      cur.current = null;
      setWin(null);
      return;
    }
    const update = () => {
      const st = store.getState();
      if (st.width <= 0 || st.height <= 0) return;
      const next = nextWindow(cur.current, viewBox(st.transform, { width: st.width, height: st.height }));
      if (next === cur.current) return;
      cur.current = next;
      setWin(next);
    };
    update();
    return store.subscribe(update);
  }, [active, store]);
  return active ? win : null;
}

/** useDetail is the level of detail at the current zoom; the component re-renders only when
 * it changes, not on every pan or zoom step. */
export function useDetail(): Detail {
  const prev = useRef<Detail>("full");
  const detail = useStore((s) => detailAt(s.transform[2], prev.current));
  prev.current = detail;
  return detail;
}

/**
 * useChunkedDrawing hands a freshly loaded graph to React Flow a chunk of nodes a frame (a
 * group comes before its children: graphToFlow orders them so), so no single task draws
 * thousands of nodes, and puts the viewport where "fit view" will put it before the first
 * node is drawn (so nodes are drawn once, at the right level of detail). It returns how many
 * nodes to draw (Infinity: all) and whether the graph is fully drawn.
 */
export function useChunkedDrawing(
  total: number,
  loadSeq: number,
  minZoom: number,
  pane: React.RefObject<HTMLDivElement | null>,
): { count: number; done: boolean } {
  const rf = useReactFlow<FbNode, FbEdge>();
  const store = useStoreApi<FbNode, FbEdge>();
  // at: when this chunk was asked for, so its time includes rendering it
  const [chunk, setChunk] = useState({ seq: -1, count: Infinity, size: FIRST_CHUNK, at: 0 });
  let count = chunk.count;
  if (chunk.seq !== loadSeq) {
    // a new graph: nothing is drawn until the viewport is placed (the layout effect below)
    count = 0;
    setChunk({ seq: loadSeq, count, size: FIRST_CHUNK, at: 0 });
  }
  // A passive effect, not a layout one: when the canvas mounts with the graph already loaded,
  // React Flow's pan and zoom start in its own effects, which run before this one.
  useEffect(() => {
    if (chunk.seq !== loadSeq || chunk.count !== 0) return;
    const nodes = useGraph.getState().nodes;
    const size = { width: pane.current?.clientWidth ?? 0, height: pane.current?.clientHeight ?? 0 };
    const bounds = graphBounds(nodes);
    // the least zoom from the pane itself: on a first render React Flow has not measured it
    // yet, and it clamps the viewport to its least zoom
    const least = Math.min(minZoom, minZoomFor(bounds, size));
    store.getState().setMinZoom(least);
    void rf.setViewport(placeView(bounds, size, nodes.length, least));
    setChunk({ seq: loadSeq, count: total > FIRST_CHUNK ? FIRST_CHUNK : Infinity, size: FIRST_CHUNK, at: performance.now() });
  }, [chunk, loadSeq, minZoom, rf, pane, store, total]);
  useEffect(() => {
    if (chunk.seq !== loadSeq || chunk.count === 0 || chunk.count === Infinity) return;
    if (chunk.count >= total) {
      setChunk({ ...chunk, count: Infinity });
      return;
    }
    // the next chunk goes in the next frame; its size follows how long this one's frame took
    // (from the frame that asked for it to this one: drawing, measuring and painting it)
    const frame = requestAnimationFrame(() => {
      const now = performance.now();
      const size = nextChunk(chunk.size, now - chunk.at);
      setChunk((c) => (c.seq === chunk.seq && c.count === chunk.count ? { seq: c.seq, count: c.count + size, size, at: now } : c));
    });
    return () => cancelAnimationFrame(frame);
  }, [chunk, loadSeq, total]);
  return { count, done: count === Infinity };
}
