// Run ×N: one workflow run N times as a batch (StartBatch), either with an integer input
// stepped per run (a seed sweep) or with a list of values for one input.
import type { InputDecl } from "../api/types";
import { isMediaType } from "../api/types";
import { coerceValue } from "../lib/inputs";

export const MAX_BATCH = 1000;

export type Sweep =
  | { kind: "repeat"; count: number }
  | { kind: "seed"; input: string; start: number; count: number }
  | { kind: "values"; input: string; text: string };

export type Batch = { ok: true; inputs: Record<string, unknown>[] } | { ok: false; error: string };

/** seedCandidates are the inputs a seed sweep can step: integers, one named like "seed" first. */
export function seedCandidates(decls: readonly InputDecl[]): InputDecl[] {
  return decls
    .filter((d) => d.type === "integer")
    .sort((a, b) => Number(/seed/i.test(b.name)) - Number(/seed/i.test(a.name)));
}

/** valueCandidates are the inputs a list of values can fill (every non-media type). */
export function valueCandidates(decls: readonly InputDecl[]): InputDecl[] {
  return decls.filter((d) => !isMediaType(d.type));
}

/**
 * splitValues reads the values list: one value per line; for object and array inputs, a
 * JSON array of values is accepted too. Blank lines are skipped.
 */
export function splitValues(type: string, text: string): string[] | unknown[] {
  const t = text.trim();
  if ((type === "object" || type === "array" || type === "number" || type === "integer") && t.startsWith("[")) {
    try {
      const parsed = JSON.parse(t);
      if (Array.isArray(parsed) && (type !== "array" || parsed.every(Array.isArray))) return parsed;
    } catch {
      // not one JSON array: read line by line
    }
  }
  return text.split(/\r?\n/).filter((l) => l.trim() !== "").map((l) => (type === "string" ? l : l.trim()));
}

/** buildBatch makes the inputs of each run from the run form's values and a sweep. */
export function buildBatch(base: Record<string, unknown>, sweep: Sweep, decls: readonly InputDecl[]): Batch {
  const count = sweep.kind === "values" ? 0 : Math.floor(sweep.count);
  if (sweep.kind !== "values" && (!Number.isFinite(count) || count < 1 || count > MAX_BATCH)) {
    return { ok: false, error: `run between 1 and ${MAX_BATCH} times` };
  }
  switch (sweep.kind) {
    case "repeat":
      return { ok: true, inputs: Array.from({ length: count }, () => ({ ...base })) };
    case "seed": {
      const d = decls.find((x) => x.name === sweep.input);
      if (!d || d.type !== "integer") return { ok: false, error: "choose an integer input to step" };
      if (!Number.isInteger(sweep.start)) return { ok: false, error: "the first value must be an integer" };
      return { ok: true, inputs: Array.from({ length: count }, (_, i) => ({ ...base, [d.name]: sweep.start + i })) };
    }
    case "values": {
      const d = decls.find((x) => x.name === sweep.input);
      if (!d || isMediaType(d.type)) return { ok: false, error: "choose an input to fill" };
      const raw = splitValues(d.type, sweep.text);
      if (raw.length === 0) return { ok: false, error: "write one value per line" };
      if (raw.length > MAX_BATCH) return { ok: false, error: `at most ${MAX_BATCH} values` };
      const inputs: Record<string, unknown>[] = [];
      for (let i = 0; i < raw.length; i++) {
        const c = coerceValue(d.type, raw[i]);
        if (!c.ok) return { ok: false, error: `value ${i + 1}: ${c.error}` };
        inputs.push({ ...base, [d.name]: c.value });
      }
      return { ok: true, inputs };
    }
  }
}
