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

/** Lines is a text cut at its newlines, without them (appending "\n" to each line made a
 * cons string per line that hashing then flattened: most of a 1 MB diff's time and garbage). */
interface Lines {
  lines: string[];
  /** whether the last line ends with a newline */
  endsNl: boolean;
}

function splitLines(s: string): Lines {
  if (s === "") return { lines: [], endsNl: false };
  const lines = s.split("\n");
  const endsNl = lines[lines.length - 1] === "";
  if (endsNl) lines.pop();
  return { lines, endsNl };
}

/** text is lines lo..hi of t with their newlines, as jsdiff's diffLines gives them. */
function text(t: Lines, lo: number, hi: number): string {
  const nl = hi < t.lines.length || t.endsNl ? "\n" : "";
  return (hi - lo === 1 ? t.lines[lo] : t.lines.slice(lo, hi).join("\n")) + nl;
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

/** lineDiff is the line diff of a and b: equal, removed and added runs of lines. */
export function lineDiff(a: string, b: string): Part[] {
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
  const out: Part[] = [];
  // the run of lines being gathered: joined once, not line by line
  let run: { t: Lines; lo: number; hi: number; added: boolean; removed: boolean } | null = null;
  const flush = () => {
    if (!run) return;
    const value = text(run.t, run.lo, run.hi);
    const last = out[out.length - 1];
    if (last && last.added === run.added && last.removed === run.removed) last.value += value;
    else out.push({ value, added: run.added, removed: run.removed });
    run = null;
  };
  const push = (t: Lines, lo: number, hi: number, added: boolean, removed: boolean) => {
    if (hi <= lo) return;
    if (run && run.t === t && run.hi === lo && run.added === added && run.removed === removed) {
      run.hi = hi;
      return;
    }
    flush();
    run = { t, lo, hi, added, removed };
  };
  // the stretch between two anchors goes to jsdiff
  const gap = (aLo: number, aHi: number, bLo: number, bHi: number) => {
    if (aHi - aLo === 0 || bHi - bLo === 0) {
      push(ta, aLo, aHi, false, true);
      push(tb, bLo, bHi, true, false);
      return;
    }
    let i = aLo;
    let j = bLo;
    for (const c of diffArrays(Array.from(ia.subarray(aLo, aHi)), Array.from(ib.subarray(bLo, bHi)))) {
      const n = c.count ?? c.value.length;
      if (c.added) {
        push(tb, j, j + n, true, false);
        j += n;
      } else if (c.removed) {
        push(ta, i, i + n, false, true);
        i += n;
      } else {
        push(ta, i, i + n, false, false);
        i += n;
        j += n;
      }
    }
  };
  let i = 0;
  let j = 0;
  for (const [ai, bj] of anchors(ia, ib, ids.size)) {
    gap(i, ai, j, bj);
    push(ta, ai, ai + 1, false, false);
    i = ai + 1;
    j = bj + 1;
  }
  gap(i, ia.length, j, ib.length);
  flush();
  return out;
}

/** The line-diff worker, started once (warmLineDiff: when the compare view opens) and kept:
 * starting one costs more than diffing two 1 MB texts (loading its module and jsdiff). */
let worker: Worker | null = null;
let seq = 0;
const waiting = new Map<number, { resolve: (p: Part[]) => void; reject: (e: Error) => void }>();

function diffWorker(): Worker | null {
  if (worker || typeof Worker === "undefined") return worker;
  const w = new Worker(new URL("./textdiff.worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (e: MessageEvent<{ id: number; parts: Part[] }>) => {
    const p = waiting.get(e.data.id);
    waiting.delete(e.data.id);
    p?.resolve(e.data.parts);
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
  return new Promise((resolve, reject) => {
    const id = ++seq;
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, a, b });
  });
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
