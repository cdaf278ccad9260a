// The minimap of a large graph (CANVAS_FROM nodes on): React Flow's MiniMap draws the nodes
// React Flow holds, which zoomed in are only those near the view. This one draws every node
// from the same boxes as the far canvas, once into an offscreen picture (again when the graph
// changes), and on a viewport change only that picture and the view's frame. A click or drag
// on it moves the view there.
import { Panel, useReactFlow, useStoreApi } from "@xyflow/react";
import { useEffect, useMemo, useRef } from "react";
import { frameScheduler, viewBox, type DrawRect } from "./farview";

const W = 160;
const H = 110;
const PAD = 6;

/** miniScale places the graph's box in the minimap: scale and offset (minimap px per canvas unit). */
export function miniScale(bounds: { x: number; y: number; width: number; height: number }, w = W, h = H, pad = PAD) {
  const s = Math.min((w - 2 * pad) / Math.max(1, bounds.width), (h - 2 * pad) / Math.max(1, bounds.height));
  return { s, ox: (w - bounds.width * s) / 2 - bounds.x * s, oy: (h - bounds.height * s) / 2 - bounds.y * s };
}

export function MiniCanvas({ rects }: { rects: readonly DrawRect[] }) {
  const ref = useRef<HTMLCanvasElement | null>(null);
  const store = useStoreApi();
  const rf = useReactFlow();
  const bounds = useMemo(() => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const r of rects) {
      x0 = Math.min(x0, r.x);
      y0 = Math.min(y0, r.y);
      x1 = Math.max(x1, r.x + r.width);
      y1 = Math.max(y1, r.y + r.height);
    }
    return x0 === Infinity ? { x: 0, y: 0, width: 1, height: 1 } : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  }, [rects]);
  const place = useMemo(() => miniScale(bounds), [bounds]);
  const picture = useRef<HTMLCanvasElement | null>(null);

  const sched = useRef<ReturnType<typeof frameScheduler> | null>(null);
  const latest = useRef({ rects, place });
  latest.current = { rects, place };
  if (!sched.current) {
    sched.current = frameScheduler(() => {
      const cv = ref.current;
      if (!cv) return;
      const dpr = window.devicePixelRatio || 1;
      const { rects, place } = latest.current;
      if (cv.width !== W * dpr) {
        cv.width = W * dpr;
        cv.height = H * dpr;
      }
      const ctx = cv.getContext("2d");
      if (!ctx) return;
      const cs = getComputedStyle(cv);
      // the nodes, drawn once per graph change
      if (!picture.current || picture.current.dataset.for !== String(rects.length) + ":" + place.s) {
        const pic = picture.current ?? document.createElement("canvas");
        pic.width = W * dpr;
        pic.height = H * dpr;
        const p = pic.getContext("2d");
        if (p) {
          p.setTransform(dpr * place.s, 0, 0, dpr * place.s, dpr * place.ox, dpr * place.oy);
          p.fillStyle = cs.getPropertyValue("--xy-minimap-node-background-color").trim() || "#999";
          p.beginPath();
          for (const r of rects) p.rect(r.x, r.y, Math.max(r.width, 1 / place.s), Math.max(r.height, 1 / place.s));
          p.fill();
        }
        pic.dataset.for = String(rects.length) + ":" + place.s;
        picture.current = pic;
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, cv.width, cv.height);
      ctx.drawImage(picture.current, 0, 0);
      const { transform, width, height } = store.getState();
      const v = viewBox(transform, { width, height });
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.strokeStyle = cs.getPropertyValue("--accent").trim() || "#3b6fd8";
      ctx.lineWidth = 1.5;
      ctx.strokeRect(place.ox + v.x * place.s, place.oy + v.y * place.s, v.width * place.s, v.height * place.s);
    });
  }
  // a new graph or layout: draw the nodes again
  useEffect(() => {
    if (picture.current) picture.current.dataset.for = "";
    sched.current!.schedule();
  }, [rects, place]);
  useEffect(() => {
    const s = sched.current!;
    const off = store.subscribe((st, prev) => {
      if (st.transform !== prev.transform || st.width !== prev.width || st.height !== prev.height) s.schedule();
    });
    return () => {
      off();
      s.stop();
    };
  }, [store]);

  const moveTo = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - r.left - place.ox) / place.s;
    const y = (e.clientY - r.top - place.oy) / place.s;
    void rf.setCenter(x, y, { zoom: rf.getZoom(), duration: 0 });
  };
  return (
    <Panel position="top-right" className="react-flow__minimap fb-minicanvas">
      <canvas
        ref={ref}
        style={{ width: W, height: H, display: "block", cursor: "pointer" }}
        role="img"
        aria-label="Minimap"
        data-testid="mini-canvas"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => {
          if (e.buttons & 1) moveTo(e);
        }}
      />
    </Panel>
  );
}
