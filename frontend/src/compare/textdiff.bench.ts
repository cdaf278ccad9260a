// Line diff of two 1 MB texts (issue 14 target: ≤ 100 ms in the window). Run: npx vitest bench --run src/compare
import { bench, describe } from "vitest";
import { lineDiff } from "./textdiff";

function text(seed: number, bytes: number): string {
  const lines: string[] = [];
  let n = 0;
  let i = 0;
  while (n < bytes) {
    const l = `line ${i} of the report: value ${(i * 7919) % 10007} ${i % 97 === seed ? "edited" : "kept"}`;
    lines.push(l);
    n += l.length + 1;
    i++;
  }
  return lines.join("\n");
}
const a = text(1, 1 << 20);
const b = text(2, 1 << 20);

describe("line diff", () => {
  bench("two 1 MB texts, ~2% of lines differ", () => {
    lineDiff(a, b);
  }, { iterations: 5, time: 0 });
});
