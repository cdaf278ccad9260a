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

function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  // keep the newline on every line but the last, as jsdiff's diffLines does
  for (let i = 0; i < lines.length - 1; i++) lines[i] += "\n";
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** anchors returns index pairs of lines unique in both a and b, in increasing order in both. */
function anchors(a: number[], b: number[], aLo: number, aHi: number, bLo: number, bHi: number): [number, number][] {
  const countA = new Map<number, number>();
  const countB = new Map<number, number>();
  const posB = new Map<number, number>();
  for (let i = aLo; i < aHi; i++) countA.set(a[i], (countA.get(a[i]) ?? 0) + 1);
  for (let j = bLo; j < bHi; j++) {
    countB.set(b[j], (countB.get(b[j]) ?? 0) + 1);
    posB.set(b[j], j);
  }
  const pairs: [number, number][] = [];
  for (let i = aLo; i < aHi; i++) {
    if (countA.get(a[i]) === 1 && countB.get(a[i]) === 1) pairs.push([i, posB.get(a[i])!]);
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
  const la = splitLines(a);
  const lb = splitLines(b);
  const ids = new Map<string, number>();
  const id = (l: string) => {
    let v = ids.get(l);
    if (v === undefined) ids.set(l, (v = ids.size));
    return v;
  };
  const ia = la.map(id);
  const ib = lb.map(id);
  const out: Part[] = [];
  const push = (lines: string[], lo: number, hi: number, added: boolean, removed: boolean) => {
    if (hi <= lo) return;
    const value = lines.slice(lo, hi).join("");
    const last = out[out.length - 1];
    if (last && last.added === added && last.removed === removed) last.value += value;
    else out.push({ value, added, removed });
  };
  // the stretch between two anchors goes to jsdiff
  const gap = (aLo: number, aHi: number, bLo: number, bHi: number) => {
    if (aHi - aLo === 0 || bHi - bLo === 0) {
      push(la, aLo, aHi, false, true);
      push(lb, bLo, bHi, true, false);
      return;
    }
    let i = aLo;
    let j = bLo;
    for (const c of diffArrays(ia.slice(aLo, aHi), ib.slice(bLo, bHi))) {
      const n = c.count ?? c.value.length;
      if (c.added) {
        push(lb, j, j + n, true, false);
        j += n;
      } else if (c.removed) {
        push(la, i, i + n, false, true);
        i += n;
      } else {
        push(la, i, i + n, false, false);
        i += n;
        j += n;
      }
    }
  };
  let i = 0;
  let j = 0;
  for (const [ai, bj] of anchors(ia, ib, 0, ia.length, 0, ib.length)) {
    gap(i, ai, j, bj);
    push(la, ai, ai + 1, false, false);
    i = ai + 1;
    j = bj + 1;
  }
  gap(i, ia.length, j, ib.length);
  return out;
}

/** lineDiffAsync diffs in a worker when the texts are big (and workers exist), else inline. */
export function lineDiffAsync(a: string, b: string): Promise<Part[]> {
  if (a.length + b.length < WORKER_OVER || typeof Worker === "undefined") return Promise.resolve(lineDiff(a, b));
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./textdiff.worker.ts", import.meta.url), { type: "module" });
    w.onmessage = (e: MessageEvent<Part[]>) => {
      resolve(e.data);
      w.terminate();
    };
    w.onerror = (e) => {
      reject(new Error(e.message || "line diff failed"));
      w.terminate();
    };
    w.postMessage({ a, b });
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
