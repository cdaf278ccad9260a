// The line diff of big texts, off the window's main thread (one worker, kept for the window).
// It answers with ranges of the texts (lineDiffRanges), its buffer transferred, not copied.
import { lineDiffRanges } from "./textdiff";

self.onmessage = (e: MessageEvent<{ id: number; a: string; b: string }>) => {
  const ranges = lineDiffRanges(e.data.a, e.data.b);
  (self as unknown as Worker).postMessage({ id: e.data.id, ranges }, [ranges.buffer]);
};

// A fresh worker runs its first diff in V8's interpreter, several times slower than once the
// code is compiled: a small diff as it starts gets it compiled before the first real one.
function warmUp() {
  const lines = (edit: number) => Array.from({ length: 3000 }, (_, i) => `line ${i} value ${(i * 7919) % 10007}${i % 41 === edit ? " edited" : ""}`).join("\n");
  const a = lines(1);
  const b = lines(2);
  for (let k = 0; k < 8; k++) lineDiffRanges(a, b);
}
warmUp();
