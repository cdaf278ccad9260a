// Two values side by side with what differs: text as a line diff, JSON as a structural diff,
// images with a slider and a difference overlay, audio and video players started together.
import { useEffect, useMemo, useRef, useState } from "react";
import { assetSrc, classify, toText, type AssetValue } from "../previews/classify";
import { jsonDiff, showValue } from "./logic";
import { diffStats, lineDiffAsync, type Part } from "./textdiff";

/** LINE_H is a line's height in a long text column (compare.css .cmp-text-long); LONG_OVER the
 * line count above which a column keeps only the lines in view (and OVERSCAN around) in the
 * page: two 1 MB texts are ~46,000 lines, whose layout alone took longer than their diff. */
const LINE_H = 18;
const LONG_OVER = 300;
const OVERSCAN = 30;

type Line = { text: string; kind: string };

function Column({ lines }: { lines: Line[] }) {
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(360);
  const long = lines.length > LONG_OVER;
  const first = long ? Math.max(0, Math.floor(top / LINE_H) - OVERSCAN) : 0;
  const last = long ? Math.min(lines.length, Math.ceil((top + height) / LINE_H) + OVERSCAN) : lines.length;
  return (
    <pre
      className={`cmp-text${long ? " cmp-text-long" : ""}`}
      data-lines={lines.length}
      onScroll={
        long
          ? (e) => {
              setTop(e.currentTarget.scrollTop);
              setHeight(e.currentTarget.clientHeight);
            }
          : undefined
      }
    >
      {first > 0 && <div aria-hidden="true" style={{ height: first * LINE_H }} />}
      {lines.slice(first, last).map((l, i) => (
        <div key={first + i} className={`ln ln-${l.kind}`}>
          {l.text || " "}
        </div>
      ))}
      {last < lines.length && <div aria-hidden="true" style={{ height: (lines.length - last) * LINE_H }} />}
    </pre>
  );
}

function TextDiff({ a, b }: { a: string; b: string }) {
  const [parts, setParts] = useState<Part[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let live = true;
    const t0 = performance.now();
    lineDiffAsync(a, b)
      .then((p) => {
        if (!live) return;
        (window as unknown as { __lastLineDiffMs?: number }).__lastLineDiffMs = performance.now() - t0;
        setParts(p);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [a, b]);
  // two columns: A shows equal and removed lines, B equal and added ones
  const cols = useMemo(() => {
    if (!parts) return null;
    const colA: Line[] = [];
    const colB: Line[] = [];
    for (const p of parts) {
      for (const l of p.value.replace(/\n$/, "").split("\n")) {
        if (p.added) colB.push({ text: l, kind: "add" });
        else if (p.removed) colA.push({ text: l, kind: "del" });
        else {
          colA.push({ text: l, kind: "eq" });
          colB.push({ text: l, kind: "eq" });
        }
      }
    }
    return { colA, colB, stats: diffStats(parts) };
  }, [parts]);
  if (error) return <p className="field-error">{error}</p>;
  if (!cols) return <p className="muted">Comparing…</p>;
  return (
    <div data-testid="text-diff">
      <p className="small muted">
        <span className="cmp-del-count">−{cols.stats.removed}</span> <span className="cmp-add-count">+{cols.stats.added}</span> lines
      </p>
      <div className="cmp-two">
        <Column lines={cols.colA} />
        <Column lines={cols.colB} />
      </div>
    </div>
  );
}

function JsonDiff({ a, b }: { a: unknown; b: unknown }) {
  const changes = useMemo(() => jsonDiff(a, b), [a, b]);
  return (
    <div data-testid="json-diff">
      {changes.length === 0 ? (
        <p className="muted small">Same JSON.</p>
      ) : (
        <table className="cmp-table small">
          <tbody>
            {changes.slice(0, 500).map((c) => (
              <tr key={c.path} className={`jd-${c.kind}`}>
                <td className="mono">{c.path}</td>
                <td>{c.kind}</td>
                <td className="mono">{c.kind === "added" ? "" : showValue(c.a)}</td>
                <td className="mono">{c.kind === "removed" ? "" : showValue(c.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="cmp-two">
        <pre className="cmp-text">{toText(a, 2)}</pre>
        <pre className="cmp-text">{toText(b, 2)}</pre>
      </div>
    </div>
  );
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`could not load ${src}`));
    img.src = src;
  });
}

/** pixelDiff draws where two images differ (red, brighter for a larger difference) over a dim copy of b. */
async function pixelDiff(canvas: HTMLCanvasElement, a: string, b: string): Promise<number> {
  const [ia, ib] = await Promise.all([loadImage(a), loadImage(b)]);
  const w = Math.max(ia.naturalWidth, ib.naturalWidth);
  const h = Math.max(ia.naturalHeight, ib.naturalHeight);
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(ia, 0, 0, w, h);
  const da = ctx.getImageData(0, 0, w, h);
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(ib, 0, 0, w, h);
  const db = ctx.getImageData(0, 0, w, h);
  const out = ctx.createImageData(w, h);
  let differing = 0;
  for (let i = 0; i < da.data.length; i += 4) {
    const d = Math.abs(da.data[i] - db.data[i]) + Math.abs(da.data[i + 1] - db.data[i + 1]) + Math.abs(da.data[i + 2] - db.data[i + 2]);
    const grey = (db.data[i] + db.data[i + 1] + db.data[i + 2]) / 12;
    if (d > 24) {
      differing++;
      out.data[i] = Math.min(255, 96 + d);
      out.data[i + 1] = grey;
      out.data[i + 2] = grey;
    } else {
      out.data[i] = out.data[i + 1] = out.data[i + 2] = grey;
    }
    out.data[i + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
  return differing / (w * h);
}

function ImageCompare({ a, b }: { a: AssetValue; b: AssetValue }) {
  const [mode, setMode] = useState<"slider" | "side" | "diff">("slider");
  const [pos, setPos] = useState(50);
  const [share, setShare] = useState<number | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const sa = assetSrc(a.asset);
  const sb = assetSrc(b.asset);
  useEffect(() => {
    if (mode !== "diff" || !canvas.current) return;
    let live = true;
    void pixelDiff(canvas.current, sa, sb)
      .then((s) => live && setShare(s))
      .catch(() => live && setShare(null));
    return () => {
      live = false;
    };
  }, [mode, sa, sb]);
  return (
    <div className="cmp-image" data-testid="image-compare">
      <div className="cmp-modes" role="radiogroup" aria-label="How to compare the images">
        {(["slider", "side", "diff"] as const).map((m) => (
          <button key={m} type="button" role="radio" aria-checked={mode === m} className={`chip${mode === m ? " on" : ""}`} onClick={() => setMode(m)} data-testid={`image-mode-${m}`}>
            {m === "slider" ? "Slider" : m === "side" ? "Side by side" : "Difference"}
          </button>
        ))}
        {a.asset === b.asset && <span className="muted small">identical files</span>}
      </div>
      {mode === "slider" && (
        <div className="cmp-slider-wrap">
          <div className="cmp-slider" data-testid="image-slider-view">
            <img src={sa} alt="A" draggable={false} />
            <img src={sb} alt="B" draggable={false} className="cmp-slider-top" style={{ clipPath: `inset(0 0 0 ${pos}%)` }} />
            <span className="cmp-slider-line" style={{ left: `${pos}%` }} />
            <span className="cmp-slider-tag tag-a">A</span>
            <span className="cmp-slider-tag tag-b">B</span>
          </div>
          <input type="range" min={0} max={100} value={pos} onChange={(e) => setPos(Number(e.target.value))} aria-label="Slider between A and B" data-testid="image-slider" />
        </div>
      )}
      {mode === "side" && (
        <div className="cmp-two">
          <img src={sa} alt="A" />
          <img src={sb} alt="B" />
        </div>
      )}
      {mode === "diff" && (
        <div>
          <canvas ref={canvas} className="cmp-diff-canvas" data-testid="image-diff-canvas" />
          {share !== null && <p className="small muted">{(share * 100).toFixed(1)}% of the pixels differ</p>}
        </div>
      )}
    </div>
  );
}

function MediaPair({ a, b, kind }: { a: AssetValue; b: AssetValue; kind: "audio" | "video" }) {
  const ra = useRef<HTMLMediaElement | null>(null);
  const rb = useRef<HTMLMediaElement | null>(null);
  const both = (fn: (m: HTMLMediaElement) => void) => [ra.current, rb.current].forEach((m) => m && fn(m));
  // in sync: play, pause and seek on one player do the same on the other
  const follow = (from: "a" | "b", what: "play" | "pause" | "seeked") => () => {
    const src = from === "a" ? ra.current : rb.current;
    const dst = from === "a" ? rb.current : ra.current;
    if (!src || !dst) return;
    if (what === "seeked" && Math.abs(dst.currentTime - src.currentTime) > 0.25) dst.currentTime = src.currentTime;
    if (what === "play" && dst.paused) void dst.play().catch(() => undefined);
    if (what === "pause" && !dst.paused) dst.pause();
  };
  const Tag = kind;
  return (
    <div data-testid={`${kind}-compare`}>
      <div className="cmp-two">
        <Tag
          ref={(el: HTMLMediaElement | null) => void (ra.current = el)}
          src={assetSrc(a.asset)}
          controls
          preload="metadata"
          onPlay={follow("a", "play")}
          onPause={follow("a", "pause")}
          onSeeked={follow("a", "seeked")}
        />
        <Tag
          ref={(el: HTMLMediaElement | null) => void (rb.current = el)}
          src={assetSrc(b.asset)}
          controls
          preload="metadata"
          onPlay={follow("b", "play")}
          onPause={follow("b", "pause")}
          onSeeked={follow("b", "seeked")}
        />
      </div>
      <button
        type="button"
        className="button"
        onClick={() =>
          both((m) => {
            m.currentTime = 0;
            void m.play().catch(() => undefined);
          })
        }
      >
        ▶ Play both from the start
      </button>
      <button type="button" className="link-button" onClick={() => both((m) => m.pause())}>
        Pause both
      </button>
    </div>
  );
}

/** ValueDiff compares two values of one output (or node handle). */
export function ValueDiff({ a, b }: { a: unknown; b: unknown }) {
  const ka = classify(a);
  const kb = classify(b);
  if (ka.kind === "image" && kb.kind === "image") return <ImageCompare a={ka.ref} b={kb.ref} />;
  if ((ka.kind === "audio" || ka.kind === "video") && kb.kind === ka.kind) return <MediaPair a={ka.ref} b={kb.ref} kind={ka.kind} />;
  if (ka.kind === "text" && kb.kind === "text") return <TextDiff a={ka.text} b={kb.text} />;
  if ((ka.kind === "json" || ka.kind === "empty") && (kb.kind === "json" || kb.kind === "empty")) return <JsonDiff a={a ?? null} b={b ?? null} />;
  return (
    <div className="cmp-two">
      <OneSide v={a} />
      <OneSide v={b} />
    </div>
  );
}

/** OneSide shows one value when the two are of different kinds (or one is missing). */
function OneSide({ v }: { v: unknown }) {
  const k = classify(v);
  if (k.kind === "image") return <img src={assetSrc(k.ref.asset)} alt={k.ref.name || "image"} />;
  if (k.kind === "audio") return <audio src={assetSrc(k.ref.asset)} controls preload="metadata" />;
  if (k.kind === "video") return <video src={assetSrc(k.ref.asset)} controls preload="metadata" />;
  return <pre className="cmp-text">{k.kind === "empty" ? "— (no value)" : toText(v, 2)}</pre>;
}
