// Line diff of two texts with jsdiff (the npm "diff" package); big texts are diffed in a
// Web Worker so the window stays responsive. Long texts are first cut at the lines that
// appear exactly once in each and in the same order (patience anchors), so jsdiff's Myers
// diff only runs on the short stretches between them: its cost grows with length × edits,
// which for two 1 MB reports with scattered edits is far above the window's budget.
import { diffArrays } from "diff";

export interface Part {
  value: string;
  added: boolean;
  removed: boolean;
}

/** WORKER_OVER is the size (characters of both texts) above which a worker does the diff. */
export const WORKER_OVER = 200_000;

/** Lines is a text cut at its newlines: each line without its newline, and where each line
 * starts in the text (one more entry: the text's length), so a run of lines is a slice of
 * the text, with its newlines, and never has to be joined. */
interface Lines {
  lines: string[];
  starts: Int32Array;
  /** whether the last line ends with a newline */
  endsNl: boolean;
}

function splitLines(s: string): Lines {
  if (s === "") return { lines: [], starts: new Int32Array(1), endsNl: false };
  const lines = s.split("\n");
  const endsNl = lines[lines.length - 1] === "";
  if (endsNl) lines.pop();
  const starts = new Int32Array(lines.length + 1);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    starts[i] = at;
    at += lines[i].length + 1;
  }
  starts[lines.length] = s.length;
  return { lines, starts, endsNl };
}

/** anchors returns index pairs of lines unique in both a and b, in increasing order in both
 * (a and b are line ids below size). */
function anchors(a: Int32Array, b: Int32Array, size: number): [number, number][] {
  const countA = new Int32Array(size);
  const countB = new Int32Array(size);
  const posB = new Int32Array(size);
  for (let i = 0; i < a.length; i++) countA[a[i]]++;
  for (let j = 0; j < b.length; j++) {
    countB[b[j]]++;
    posB[b[j]] = j;
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.length; i++) {
    if (countA[a[i]] === 1 && countB[a[i]] === 1) pairs.push([i, posB[a[i]]]);
  }
  // longest increasing subsequence of the b positions (patience sorting)
  const tails: number[] = [];
  const prev = new Int32Array(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    const v = pairs[k][1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][1] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1];
    tails[lo] = k;
  }
  const out: [number, number][] = [];
  for (let k = tails.length ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) out.push(pairs[k]);
  return out.reverse();
}

/** Ranges is a line diff as runs of characters: per run four numbers, its kind (0 equal,
 * 1 removed, 2 added), then which text it is a slice of (0 a, 1 b), where it starts and ends. */
export type Ranges = Int32Array;

const EQUAL = 0;
const REMOVED = 1;
const ADDED = 2;

/** lineDiffRanges is the line diff of a and b as runs of equal, removed and added lines. */
export function lineDiffRanges(a: string, b: string): Ranges {
  const ta = splitLines(a);
  const tb = splitLines(b);
  const ids = new Map<string, number>();
  const idsOf = (t: Lines) => {
    const out = new Int32Array(t.lines.length);
    const last = t.lines.length - 1;
    for (let i = 0; i <= last; i++) {
      // a last line without its newline is another line than the same text with one
      const l = i === last && !t.endsNl ? t.lines[i] + "\u0000" : t.lines[i];
      let v = ids.get(l);
      if (v === undefined) ids.set(l, (v = ids.size));
      out[i] = v;
    }
    return out;
  };
  const ia = idsOf(ta);
  const ib = idsOf(tb);
  let out = new Int32Array(64);
  let n = 0;
  // the run of lines being gathered, and whether one is
  let runKind = -1;
  let runSrc = 0;
  let runLo = 0;
  let runHi = 0;
  const flush = () => {
    if (runKind < 0) return;
    const t = runSrc === 0 ? ta : tb;
    const from = t.starts[runLo];
    const to = t.starts[runHi];
    // a run after one of its kind and text that ends where it starts extends it
    if (n > 0 && out[n - 4] === runKind && out[n - 3] === runSrc && out[n - 1] === from) out[n - 1] = to;
    else {
      if (n + 4 > out.length) {
        const grown = new Int32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[n] = runKind;
      out[n + 1] = runSrc;
      out[n + 2] = from;
      out[n + 3] = to;
      n += 4;
    }
    runKind = -1;
  };
  const push = (src: number, lo: number, hi: number, kind: number) => {
    if (hi <= lo) return;
    if (runKind === kind && runSrc === src && runHi === lo) {
      runHi = hi;
      return;
    }
    flush();
    runKind = kind;
    runSrc = src;
    runLo = lo;
    runHi = hi;
  };
  // the stretch between two anchors goes to jsdiff
  const gap = (aLo: number, aHi: number, bLo: number, bHi: number) => {
    if (aHi - aLo === 0 || bHi - bLo === 0) {
      push(0, aLo, aHi, REMOVED);
      push(1, bLo, bHi, ADDED);
      return;
    }
    let i = aLo;
    let j = bLo;
    for (const c of diffArrays(Array.from(ia.subarray(aLo, aHi)), Array.from(ib.subarray(bLo, bHi)))) {
      const k = c.count ?? c.value.length;
      if (c.added) {
        push(1, j, j + k, ADDED);
        j += k;
      } else if (c.removed) {
        push(0, i, i + k, REMOVED);
        i += k;
      } else {
        push(0, i, i + k, EQUAL);
        i += k;
        j += k;
      }
    }
  };
  let i = 0;
  let j = 0;
  for (const [ai, bj] of anchors(ia, ib, ids.size)) {
    gap(i, ai, j, bj);
    push(0, ai, ai + 1, EQUAL);
    i = ai + 1;
    j = bj + 1;
  }
  gap(i, ia.length, j, ib.length);
  flush();
  return out.slice(0, n);
}

/** toParts reads ranges of a and b as parts: each a slice of a text (V8 slices share the text). */
export function toParts(a: string, b: string, r: Ranges): Part[] {
  const out: Part[] = [];
  for (let k = 0; k < r.length; k += 4) {
    const value = (r[k + 1] === 0 ? a : b).slice(r[k + 2], r[k + 3]);
    const last = out[out.length - 1];
    const added = r[k] === ADDED;
    const removed = r[k] === REMOVED;
    if (last && last.added === added && last.removed === removed) last.value += value;
    else out.push({ value, added, removed });
  }
  return out;
}

/** lineDiff is the line diff of a and b: equal, removed and added runs of lines. */
export function lineDiff(a: string, b: string): Part[] {
  return toParts(a, b, lineDiffRanges(a, b));
}

/** The line-diff worker, started once (warmLineDiff: when a first run is chosen to compare, or
 * a compare view opens) and kept: starting one costs more than diffing two 1 MB texts (loading
 * its module and jsdiff, and the code's first runs, which the worker makes on a small diff as
 * it starts). It answers with ranges (a transferred buffer), not the parts' text: the window
 * has both texts and slices them. */
let worker: Worker | null = null;
let seq = 0;
const waiting = new Map<number, { resolve: (r: Ranges) => void; reject: (e: Error) => void }>();

function diffWorker(): Worker | null {
  if (worker || typeof Worker === "undefined") return worker;
  const w = new Worker(new URL("./textdiff.worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (e: MessageEvent<{ id: number; ranges: Ranges }>) => {
    const p = waiting.get(e.data.id);
    waiting.delete(e.data.id);
    p?.resolve(e.data.ranges);
  };
  w.onerror = (e) => {
    // a broken worker fails what it was asked and is replaced on the next diff
    const err = new Error(e.message || "line diff failed");
    for (const p of waiting.values()) p.reject(err);
    waiting.clear();
    w.terminate();
    if (worker === w) worker = null;
  };
  worker = w;
  return w;
}

/** warmLineDiff starts the line-diff worker ahead of the first big diff. */
export function warmLineDiff(): void {
  diffWorker();
}

/** lineDiffAsync diffs in a worker when the texts are big (and workers exist), else inline. */
export function lineDiffAsync(a: string, b: string): Promise<Part[]> {
  const w = a.length + b.length < WORKER_OVER ? null : diffWorker();
  if (!w) return Promise.resolve(lineDiff(a, b));
  return new Promise<Ranges>((resolve, reject) => {
    const id = ++seq;
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, a, b });
  }).then((r) => toParts(a, b, r));
}

/** diffStats counts the lines added and removed. */
export function diffStats(parts: Part[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const p of parts) {
    const n = p.value.split("\n").length - (p.value.endsWith("\n") ? 1 : 0);
    if (p.added) added += n;
    else if (p.removed) removed += n;
  }
  return { added, removed };
}
