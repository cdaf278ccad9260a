// The far level of a large graph on one <canvas> element (issue 17): each node a rectangle
// with its group band, status colour and title, each edge a straight line. Redrawn at most
// once a frame when the viewport, the graph, the selection or the hover change, and for the
// statuses of the run in the lens at most every 1 + STATUS_FACTOR times the drawing's cost
// (a large graph's run then leaves the run most of the thread). Colours are
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
import { frameScheduler, grow, throttled, viewBox, type DrawRect } from "./farview";
import type { Box } from "./lod";

/** A redraw for a run's statuses waits this many times the last drawing's cost after it. */
const STATUS_FACTOR = 3;

/** The offscreen picture of the far drawing covers the view and this share of it on each side. */
const CACHE_MARGIN = 0.5;

function within(outer: Box, inner: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

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

/** The colours read from the stylesheet, kept across openings (reading one makes the browser
 * compute styles); forgotten when the system theme changes. */
const lookCache = new Map<string, Look>();
const edgeColourCache = new Map<string, string>();

function useLooks(root: React.RefObject<HTMLDivElement | null>) {
  const cache = useRef(lookCache);
  const edgeCache = useRef(edgeColourCache);
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
  // Status batches of a run come ~30 a second; repainting 10,000 nodes for each took CPU from
  // the run itself (scripts/bench-ui-changed.sh: a Run changed of the 10,000-node chain took
  // 120–450 ms from the click in Chromium, ~45 ms of it in the backend). They redraw at most
  // every 1 + STATUS_FACTOR times the last drawing's cost; the viewport, selection and hover
  // redraw at once.
  const statusSched = useRef<ReturnType<typeof throttled> | null>(null);
  if (!statusSched.current) statusSched.current = throttled(sched.current, STATUS_FACTOR);

  // Far out, the drawing is painted into an offscreen canvas covering the view and half a view
  // around it; a pan within that only copies the picture (10,000 nodes are not painted again on
  // every pan frame). A zoom step, a change of the graph, selection, hover or statuses paints
  // it again.
  const version = useRef(0);
  const cache = useRef<{ cv: HTMLCanvasElement; k: number; dpr: number; box: Box; version: number } | null>(null);

  function draw() {
    const start = performance.now();
    drawNow();
    statusSched.current!.done(start, performance.now());
  }

  function drawNow() {
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
    const k = transform[2];
    const view = viewBox(transform, { width, height });
    if (p.mode === "near") {
      paint(ctx, dpr, k, view, view);
      cache.current = null;
      cv.dataset.drawn = "0";
      cv.dataset.done = "0";
      return;
    }
    let c = cache.current;
    if (!c || c.k !== k || c.dpr !== dpr || c.version !== version.current || !within(c.box, view)) {
      const box = grow(view, CACHE_MARGIN);
      const off = c?.cv ?? document.createElement("canvas");
      const ow = Math.ceil(box.width * k * dpr);
      const oh = Math.ceil(box.height * k * dpr);
      if (off.width !== ow || off.height !== oh) {
        off.width = ow;
        off.height = oh;
      }
      const octx = off.getContext("2d");
      if (!octx) return;
      octx.setTransform(1, 0, 0, 1, 0, 0);
      octx.clearRect(0, 0, ow, oh);
      const counts = paint(octx, dpr, k, box, view);
      cv.dataset.drawn = String(counts.drawn);
      cv.dataset.done = String(counts.done);
      c = { cv: off, k, dpr, box, version: version.current };
      cache.current = c;
    }
    ctx.drawImage(c.cv, Math.round((view.x - c.box.x) * k * dpr), Math.round((view.y - c.box.y) * k * dpr), W, H, 0, 0, W, H);
  }

  /** paint draws area (canvas units; its top-left at the context's origin) at zoom k, and
   * returns how many nodes lie in view and how many of those show done. */
  function paint(ctx: CanvasRenderingContext2D, dpr: number, k: number, area: Box, view: Box): { drawn: number; done: number } {
    const p = latest.current;
    ctx.setTransform(dpr * k, 0, 0, dpr * k, -area.x * k * dpr, -area.y * k * dpr);
    const px = 1 / k; // one screen pixel in canvas units
    const inView = (r: { x: number; y: number; width: number; height: number }) =>
      r.x <= area.x + area.width && r.x + r.width >= area.x && r.y <= area.y + area.height && r.y + r.height >= area.y;
    const seen = (r: { x: number; y: number; width: number; height: number }) =>
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
      if (Math.max(x1, x2) < area.x || Math.min(x1, x2) > area.x + area.width || Math.max(y1, y2) < area.y || Math.min(y1, y2) > area.y + area.height) continue;
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
    if (p.mode === "near") return { drawn: 0, done: 0 };

    // nodes: the lens run's status of each, as the far DOM node showed it
    const showCurrent = p.workflowId ? !!useLens.getState().current[p.workflowId] : false;
    const run = showCurrent ? null : focusedRun(useRuns.getState(), p.workflowId);
    const phase = run ? lensPhase(run.status) : "";
    const hovered = p.hover.current;
    let drawn = 0;
    let done = 0;
    const detailed = k * 8 >= 1; // a node is at least ~25 px wide: bands and borders show
    const texted = 28 * k >= 5; // its title at least 5 px high
    // one batch per look (group, status, dimmed): one path filled and stroked for all its
    // nodes, rather than a style change per node
    const batches = new Map<string, { group: string; status: string; dim: boolean; rs: DrawRect[] }>();
    for (const r of p.rects) {
      if (!inView(r)) continue;
      let status = "";
      let untouched = false;
      if (run) {
        const n = lensNode(phase, run.nodes[r.id], false, undefined);
        status = statusOf(n.record?.status);
        untouched = n.untouched;
      }
      if (seen(r)) {
        drawn++;
        if (status === "executed" || status === "reused") done++;
      }
      const key = `${r.group}|${status}|${untouched ? 1 : 0}`;
      const b = batches.get(key);
      if (b) b.rs.push(r);
      else batches.set(key, { group: r.group, status, dim: untouched, rs: [r] });
    }
    const ordered = [...batches.values()].sort((a, b) => Number(b.dim) - Number(a.dim)); // dimmed ones under the rest
    for (const b of ordered) {
      const l = look(b.group, b.status);
      ctx.globalAlpha = b.dim ? 0.4 : 1;
      ctx.fillStyle = l.bg;
      ctx.beginPath();
      for (const r of b.rs) ctx.rect(r.x, r.y, r.width, r.height);
      ctx.fill();
      if (detailed) {
        ctx.fillStyle = l.band;
        ctx.beginPath();
        for (const r of b.rs) ctx.rect(r.x, r.y, r.width, 10);
        ctx.fill();
        ctx.lineWidth = 2;
      } else {
        ctx.lineWidth = px; // one screen pixel: the nodes stay apart on the background
      }
      ctx.strokeStyle = l.border;
      ctx.beginPath();
      for (const r of b.rs) ctx.rect(r.x, r.y, r.width, r.height);
      ctx.stroke();
      if (texted) {
        ctx.fillStyle = l.text;
        ctx.font = l.font;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        for (const r of b.rs) ctx.fillText(r.title, r.x + r.width / 2, r.container ? r.y + 40 : r.y + 10 + (r.height - 10) / 2, Math.max(10, r.width - 28));
      }
    }
    ctx.globalAlpha = 1;
    // the selection: an accent border (6 units, at least 2 screen pixels)
    if (p.selected.size) {
      ctx.beginPath();
      let any = false;
      for (const id of p.selected) {
        const r = byId.get(id);
        if (!r || !inView(r)) continue;
        ctx.rect(r.x, r.y, r.width, r.height);
        any = true;
      }
      if (any) {
        ctx.lineWidth = Math.max(6, 2 * px);
        ctx.strokeStyle = look("unknown", "").accent;
        ctx.stroke();
      }
    }
    if (hovered) {
      const r = byId.get(hovered);
      if (r && inView(r)) {
        ctx.lineWidth = Math.max(4, 2 * px);
        ctx.strokeStyle = look(r.group, "").accent;
        ctx.strokeRect(r.x, r.y, r.width, r.height);
      }
    }
    return { drawn, done };
  }

  // redraw on viewport moves, lens changes (status batches), and any prop change
  useEffect(() => {
    const s = sched.current!;
    let last = store.getState().transform;
    let size = `${store.getState().width}x${store.getState().height}`;
    const offRf = store.subscribe((st) => {
      const sz = `${st.width}x${st.height}`;
      if (st.transform === last && sz === size) return;
      last = st.transform;
      size = sz;
      s.schedule();
    });
    const changed = () => {
      version.current++;
      s.schedule();
    };
    props.redrawRef.current = changed;
    const statuses = () => {
      version.current++;
      statusSched.current!.schedule();
    };
    const offRuns = useRuns.subscribe(statuses);
    const offLens = useLens.subscribe(statuses);
    return () => {
      offRf();
      offRuns();
      offLens();
      statusSched.current!.stop();
    };
  }, [store, props.redrawRef]);
  useEffect(() => {
    version.current++;
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
