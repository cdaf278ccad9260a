// Frame batching: window events arrive one by one (hundreds a second with many runs); the
// store takes them once per animation frame, so React renders at most once a frame.

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

/** createBatcher collects items and hands them to deliver in one call per scheduled tick. */
export function createBatcher<E>(deliver: (items: E[]) => void, schedule: Schedule = frameSchedule): Batcher<E> {
  let queue: E[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    deliver(items);
  };
  return {
    push(e) {
      queue.push(e);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
    pending: () => queue.length,
  };
}
