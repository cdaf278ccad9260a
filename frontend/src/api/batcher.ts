// Frame batching: window events arrive one by one (hundreds a second with many runs); the
// store takes them once per animation frame, so React renders at most once a frame, and a
// batch's progress and stream events are coalesced before they are applied.
import type { RunEvent } from "./types";

export type Schedule = (cb: () => void) => void;

/** frameSchedule runs cb on the next animation frame, or after 50 ms when frames stop
 * (a hidden window gets no frames, and events must still land). */
export const frameSchedule: Schedule = (cb) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cb();
  };
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
  setTimeout(run, 50);
};

export interface Batcher<E> {
  push(e: E): void;
  /** flush delivers what is pending now (tests, or before a synchronous read). */
  flush(): void;
  pending(): number;
}

export interface BatchOptions {
  /** schedule runs a flush (default: the next animation frame) */
  schedule?: Schedule;
  /** at least this long between two flushes, in ms (default 0) */
  minInterval?: number;
  /** the clock (tests) */
  now?: () => number;
  /** a timer (tests) */
  delay?: (cb: () => void, ms: number) => void;
}

/**
 * createBatcher collects items and hands them to deliver in one call per scheduled tick,
 * and not more often than every minInterval ms: with many runs going, a window that renders
 * 20 times a second instead of 60 does a third of the work and looks the same.
 */
export function createBatcher<E>(deliver: (items: E[]) => void, opts: BatchOptions | Schedule = {}): Batcher<E> {
  const o: BatchOptions = typeof opts === "function" ? { schedule: opts } : opts;
  const schedule = o.schedule ?? frameSchedule;
  const minInterval = o.minInterval ?? 0;
  const now = o.now ?? (() => Date.now());
  const delay = o.delay ?? ((cb, ms) => void setTimeout(cb, ms));
  let queue: E[] = [];
  let scheduled = false;
  let last = -Infinity;
  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return;
    last = now();
    const items = queue;
    queue = [];
    deliver(items);
  };
  return {
    push(e) {
      queue.push(e);
      if (scheduled) return;
      scheduled = true;
      const wait = last + minInterval - now();
      if (wait > 0) delay(() => schedule(flush), wait);
      else schedule(flush);
    },
    flush,
    pending: () => queue.length,
  };
}

/**
 * coalesceEvents shrinks a batch before it is applied: progress events of one run and node
 * keep only their latest value, stream chunks of one run and node are joined. Each merged
 * event keeps the place of its first occurrence; lifecycle events keep their order.
 */
export function coalesceEvents(events: readonly RunEvent[]): RunEvent[] {
  const out: RunEvent[] = [];
  const at = new Map<string, number>();
  for (const e of events) {
    if (e.type === "progress" || e.type === "stream") {
      const key = `${e.type}\u0000${e.run_id}\u0000${e.node_id ?? ""}`;
      const i = at.get(key);
      if (i !== undefined) {
        const prev = out[i];
        out[i] =
          e.type === "stream"
            ? { ...prev, text: (prev.text ?? "") + (e.text ?? ""), time: e.time }
            : { ...prev, progress: e.progress, done: e.done, total: e.total, time: e.time };
        continue;
      }
      at.set(key, out.length);
    } else if (e.type === "node" && e.status === "running") {
      // a node starting again (a loop body, a retry) must not merge with earlier chunks
      at.delete(`stream\u0000${e.run_id}\u0000${e.node_id ?? ""}`);
      at.delete(`progress\u0000${e.run_id}\u0000${e.node_id ?? ""}`);
    }
    out.push(e);
  }
  return out;
}
