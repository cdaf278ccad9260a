// The line diff of big texts, off the window's main thread.
import { lineDiff } from "./textdiff";

self.onmessage = (e: MessageEvent<{ a: string; b: string }>) => {
  (self as unknown as Worker).postMessage(lineDiff(e.data.a, e.data.b));
};
