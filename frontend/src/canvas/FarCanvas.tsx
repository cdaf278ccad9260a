// The far level of a large graph on one <canvas> element (issue 17): each node a rectangle
// with its group band, status colour and title, each edge a straight line. Redrawn at most
// once a frame, when the viewport, the graph, the selection, the hover or the run in the lens
// change (the run store's own batcher already applies status events once a frame). Colours are
// read from the stylesheet (a hidden node with the far drawing's classes), so the picture is
// the DOM far drawing's, in either theme. The element takes no pointer events: the pane under
// React Flow keeps panning, zooming and the drag-select box; Canvas.tsx hit-tests clicks.
//
// Zoomed in ("near"), React Flow draws the nodes near the view; this canvas then draws only the
// edges React Flow does not hold (one end outside its window), so a long edge does not vanish.
import { useStoreApi } from "@xyflow/react";
import { useEffect, useRef } from "react";
import type { FbEdge } from "../lib/flowtypes";
import { useRuns, focusedRun } from "../stores/runs";
import { lensNode, lensPhase, useLens } from "../stores/shown";
import { frameScheduler, viewBox, type DrawRect } from "./farview";

export interface FarCanvasProps {
  mode: "far" | "near";
  rects: readonly DrawRect[];
  edges: readonly FbEdge[];
  selected: ReadonlySet<string>;
  /** ids React Flow holds (near mode): their edges are React Flow's to draw */
  held: ReadonlySet<string> | null;
  workflowId: string | null;
  hover: React.RefObject<string | null>;
  /** called to get a redraw function for the hover (Canvas schedules it on pointer moves) */
  redrawRef: React.RefObject<(() => void) | null>;
}

interface Look {
  bg: string;
  border: string;
  band: string;
  text: string;
  font: string;
  accent: string;
}

/** The status classes the far drawing colours (nodes/canvas.css). */
function statusOf(status: string | undefined): string {
  return status && status !== "untouched" ? status : "";
}

function useLooks(root: React.RefObject<HTMLDivElement | null>) {
  const cache = useRef(new Map<string, Look>());
  const edgeCache = useRef(new Map<string, string>());
  useEffect(() => {
    const mq = window.matchMedia?.("(prefers-color-scheme: dark)");
    const clear = () => {
      cache.current.clear();
      edgeCache.current.clear();
    };
    mq?.addEventListener?.("change", clear);
    return () => mq?.removeEventListener?.("change", clear);
  }, []);
  const look = (group: string, status: string): Look => {
    const key = `${group}|${status}`;
    const known = cache.current.get(key);
    if (known) return known;
    const host = root.current;
    const probe = document.createElement("div");
    probe.className = `fb-node fb-far group-${group}${status ? ` st-${status}` : ""}`;
    probe.style.cssText = "position:absolute;visibility:hidden;left:-99999px;top:0";
    const sel = document.createElement("div");
    sel.className = "fb-node fb-far selected";
    sel.style.cssText = probe.style.cssText;
    const title = document.createElement("span");
    title.className = "fb-far-title";
    probe.appendChild(title);
    (host ?? document.body).append(probe, sel);
    const cs = getComputedStyle(probe);
    const ts = getComputedStyle(title);
    const l: Look = {
      bg: cs.backgroundColor,
      border: cs.borderLeftColor,
      band: cs.borderTopColor,
      text: ts.color,
      font: `${ts.fontWeight || 600} 28px ${ts.fontFamily || "sans-serif"}`,
      accent: getComputedStyle(sel).borderLeftColor,
    };
    probe.remove();
    sel.remove();
    cache.current.set(key, l);
    return l;
  };
  const edgeColour = (cls: string | undefined): string => {
    const key = cls || "t-any";
    const known = edgeCache.current.get(key);
    if (known) return known;
    const host = root.current ?? document.documentElement;
    const v = getComputedStyle(host).getPropertyValue(`--${key}`).trim() || getComputedStyle(host).getPropertyValue("--t-any").trim() || "#888";
    edgeCache.current.set(key, v);
    return v;
  };
  return { look, edgeColour };
}

export function FarCanvas(props: FarCanvasProps) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);
  const store = useStoreApi();
  const latest = useRef(props);
  latest.current = props;
  const looks = useLooks(rootRef);
  const looksRef = useRef(looks);
  looksRef.current = looks;

  const sched = useRef<ReturnType<typeof frameScheduler> | null>(null);
  if (!sched.current) sched.current = frameScheduler(() => draw());

  function draw() {
    const cv = canvasRef.current;
    if (!cv) return;
    const p = latest.current;
    const { transform, width, height } = store.getState();
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round(width * dpr));
    const H = Math.max(1, Math.round(height * dpr));
    if (cv.width !== W || cv.height !== H) {
      cv.width = W;
      cv.height = H;
    }
    const ctx = cv.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const [tx, ty, k] = transform;
    ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * tx, dpr * ty);
    const view = viewBox(transform, { width, height });
    const px = 1 / k; // one screen pixel in canvas units
    const inView = (r: { x: number; y: number; width: number; height: number }) =>
      r.x <= view.x + view.width && r.x + r.width >= view.x && r.y <= view.y + view.height && r.y + r.height >= view.y;
    const { look, edgeColour } = looksRef.current;

    const byId = new Map<string, DrawRect>();
    for (const r of p.rects) byId.set(r.id, r);

    // edges: straight lines from the source's right side to the target's left, one path per colour
    const paths = new Map<string, number[]>();
    for (const e of p.edges) {
      if (p.held && p.held.has(e.source) && p.held.has(e.target)) continue;
      const s = byId.get(e.source);
      const t = byId.get(e.target);
      if (!s || !t) continue;
      const x1 = s.x + s.width;
      const y1 = s.y + s.height / 2;
      const x2 = t.x;
      const y2 = t.y + t.height / 2;
      if (Math.max(x1, x2) < view.x || Math.min(x1, x2) > view.x + view.width || Math.max(y1, y2) < view.y || Math.min(y1, y2) > view.y + view.height) continue;
      const c = edgeColour(e.className);
      const list = paths.get(c);
      if (list) list.push(x1, y1, x2, y2);
      else paths.set(c, [x1, y1, x2, y2]);
    }
    ctx.lineWidth = Math.max(3, px);
    for (const [c, pts] of paths) {
      ctx.strokeStyle = c;
      ctx.beginPath();
      for (let i = 0; i < pts.length; i += 4) {
        ctx.moveTo(pts[i], pts[i + 1]);
        ctx.lineTo(pts[i + 2], pts[i + 3]);
      }
      ctx.stroke();
    }
    if (p.mode === "near") {
      cv.dataset.drawn = "0";
      cv.dataset.done = "0";
      return;
    }

    // nodes: the lens run's status of each, as the far DOM node showed it
    const showCurrent = p.workflowId ? !!useLens.getState().current[p.workflowId] : false;
    const run = showCurrent ? null : focusedRun(useRuns.getState(), p.workflowId);
    const phase = run ? lensPhase(run.status) : "";
    const hovered = p.hover.current;
    let drawn = 0;
    let done = 0;
    const detailed = k * 8 >= 1; // a node is at least ~25 px wide: bands and borders show
    const texted = 28 * k >= 6; // its title at least 6 px high
    const dim: DrawRect[] = [];
    const drawOne = (r: DrawRect, status: string) => {
      const l = look(r.group, status);
      ctx.fillStyle = l.bg;
      ctx.fillRect(r.x, r.y, r.width, r.height);
      if (detailed) {
        ctx.fillStyle = l.band;
        ctx.fillRect(r.x, r.y, r.width, 10);
        const sel = p.selected.has(r.id);
        ctx.lineWidth = sel ? 6 : 2;
        ctx.strokeStyle = sel ? l.accent : l.border;
        ctx.strokeRect(r.x, r.y + 10, r.width, r.height - 10);
      } else if (p.selected.has(r.id)) {
        ctx.lineWidth = 2 * px;
        ctx.strokeStyle = l.accent;
        ctx.strokeRect(r.x, r.y, r.width, r.height);
      }
      if (texted) {
        ctx.fillStyle = l.text;
        ctx.font = l.font;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(r.title, r.x + r.width / 2, r.container ? r.y + 40 : r.y + 10 + (r.height - 10) / 2, Math.max(10, r.width - 28));
      }
    };
    const statuses = new Map<string, string>();
    for (const r of p.rects) {
      if (!inView(r)) continue;
      drawn++;
      let status = "";
      let untouched = false;
      if (run) {
        const n = lensNode(phase, run.nodes[r.id], false, undefined);
        status = statusOf(n.record?.status);
        untouched = n.untouched;
      }
      if (status === "executed" || status === "reused") done++;
      if (untouched) {
        dim.push(r);
        statuses.set(r.id, status);
        continue;
      }
      drawOne(r, status);
    }
    if (dim.length) {
      ctx.globalAlpha = 0.4;
      for (const r of dim) drawOne(r, statuses.get(r.id) ?? "");
      ctx.globalAlpha = 1;
    }
    if (hovered) {
      const r = byId.get(hovered);
      if (r && inView(r)) {
        ctx.lineWidth = Math.max(4, 2 * px);
        ctx.strokeStyle = look(r.group, "").accent;
        ctx.strokeRect(r.x, r.y, r.width, r.height);
      }
    }
    cv.dataset.drawn = String(drawn);
    cv.dataset.done = String(done);
  }

  // redraw on viewport moves, lens changes (status batches), and any prop change
  useEffect(() => {
    const s = sched.current!;
    props.redrawRef.current = s.schedule;
    let last = store.getState().transform;
    let size = `${store.getState().width}x${store.getState().height}`;
    const offRf = store.subscribe((st) => {
      const sz = `${st.width}x${st.height}`;
      if (st.transform === last && sz === size) return;
      last = st.transform;
      size = sz;
      s.schedule();
    });
    const offRuns = useRuns.subscribe(() => s.schedule());
    const offLens = useLens.subscribe(() => s.schedule());
    return () => {
      offRf();
      offRuns();
      offLens();
      s.stop();
    };
  }, [store, props.redrawRef]);
  useEffect(() => {
    sched.current!.schedule();
  }, [props.mode, props.rects, props.edges, props.selected, props.held, props.workflowId]);

  return (
    <div ref={rootRef} className="fb-far-layer" aria-hidden={props.mode === "near"}>
      <canvas
        ref={canvasRef}
        className="fb-far-canvas"
        data-testid="far-canvas"
        data-mode={props.mode}
        role={props.mode === "far" ? "img" : undefined}
        aria-label={props.mode === "far" ? `${props.rects.length.toLocaleString()} nodes, zoomed out: click one to select it, double-click to zoom to it` : undefined}
      />
    </div>
  );
}
