import { describe, expect, it } from "vitest";
import type { InputDecl } from "../api/types";
import { buildBatch, seedCandidates, splitValues, valueCandidates } from "./sweep";

const decl = (name: string, type: string): InputDecl => ({ name, type, description: "", required: false });
const decls = [decl("prompt", "string"), decl("steps", "integer"), decl("seed", "integer"), decl("photo", "image"), decl("cfg", "object")];

describe("Run ×N", () => {
  it("offers integer inputs for a seed sweep, seed first", () => {
    expect(seedCandidates(decls).map((d) => d.name)).toEqual(["seed", "steps"]);
    expect(valueCandidates(decls).map((d) => d.name)).toEqual(["prompt", "steps", "seed", "cfg"]);
  });

  it("steps an integer input per run", () => {
    const b = buildBatch({ prompt: "fox", seed: 1 }, { kind: "seed", input: "seed", start: 7, count: 3 }, decls);
    expect(b).toEqual({
      ok: true,
      inputs: [
        { prompt: "fox", seed: 7 },
        { prompt: "fox", seed: 8 },
        { prompt: "fox", seed: 9 },
      ],
    });
  });

  it("repeats the same inputs", () => {
    const b = buildBatch({ a: 1 }, { kind: "repeat", count: 2 }, decls);
    expect(b.ok && b.inputs).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it("fills one input from a list of values, typed", () => {
    const b = buildBatch({ seed: 1 }, { kind: "values", input: "prompt", text: "red fox\n\n  blue whale \n" }, decls);
    expect(b.ok && b.inputs).toEqual([
      { seed: 1, prompt: "red fox" },
      { seed: 1, prompt: "  blue whale " },
    ]);
    const n = buildBatch({}, { kind: "values", input: "steps", text: "10\n20" }, decls);
    expect(n.ok && n.inputs).toEqual([{ steps: 10 }, { steps: 20 }]);
    const o = buildBatch({}, { kind: "values", input: "cfg", text: '[{"a":1},{"a":2}]' }, decls);
    expect(o.ok && o.inputs).toEqual([{ cfg: { a: 1 } }, { cfg: { a: 2 } }]);
  });

  it("refuses bad values and counts with a message", () => {
    expect(buildBatch({}, { kind: "values", input: "steps", text: "10\n1.5" }, decls)).toEqual({
      ok: false,
      error: "value 2: want an integer, got 1.5",
    });
    expect(buildBatch({}, { kind: "seed", input: "seed", start: 0, count: 0 }, decls).ok).toBe(false);
    expect(buildBatch({}, { kind: "seed", input: "prompt", start: 0, count: 2 }, decls).ok).toBe(false);
    expect(buildBatch({}, { kind: "values", input: "photo", text: "x" }, decls).ok).toBe(false);
    expect(buildBatch({}, { kind: "values", input: "prompt", text: "  \n" }, decls).ok).toBe(false);
  });

  it("splits JSON arrays of values for structured inputs", () => {
    expect(splitValues("integer", "[1, 2, 3]")).toEqual([1, 2, 3]);
    expect(splitValues("array", "[[1],[2]]")).toEqual([[1], [2]]);
    expect(splitValues("array", "[1]\n[2]")).toEqual(["[1]", "[2]"]);
  });
});
