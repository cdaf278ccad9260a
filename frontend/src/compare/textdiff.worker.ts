// The line diff of big texts, off the window's main thread (one worker, kept for the window).
import { lineDiff } from "./textdiff";

self.onmessage = (e: MessageEvent<{ id: number; a: string; b: string }>) => {
  (self as unknown as Worker).postMessage({ id: e.data.id, parts: lineDiff(e.data.a, e.data.b) });
};
