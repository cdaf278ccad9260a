// Node params in the inspector form: the text a field shows for a value, the value a field's
// text stands for (with an error while it is not valid), and the short summary on a node.
import type { NodeType, ParamSpec } from "../api/types";
import { jsonError } from "./jsonerror";

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

const EXACT_REF = /^\s*\{\{\s*(inputs\.)?[A-Za-z_][A-Za-z0-9_.-]*\s*\}\}\s*$/;

/** isExactRef: the whole text is one {{name}}, typed by the flow input it names. */
export function isExactRef(s: string): boolean {
  return EXACT_REF.test(s);
}

/** parseParam reads a field's text as a value of the param's kind; undefined removes the
 * param (the node's default applies). */
export function parseParam(kind: string, text: string): Parsed {
  switch (kind) {
    case "number":
    case "integer": {
      if (text.trim() === "") return { ok: true, value: undefined };
      if (isExactRef(text)) return { ok: true, value: text.trim() };
      const n = Number(text.trim());
      if (Number.isNaN(n) || !Number.isFinite(n)) return { ok: false, error: "enter a number or a {{input}} reference" };
      if (kind === "integer" && !Number.isInteger(n)) return { ok: false, error: "enter a whole number" };
      return { ok: true, value: n };
    }
    case "boolean":
      if (text === "true") return { ok: true, value: true };
      if (text === "false") return { ok: true, value: false };
      if (text === "") return { ok: true, value: undefined };
      return isExactRef(text) ? { ok: true, value: text.trim() } : { ok: false, error: "true or false" };
    case "json": {
      if (text.trim() === "") return { ok: true, value: undefined };
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, error: jsonError(text) };
      }
    }
    case "strings": {
      const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
      return { ok: true, value: lines.length ? lines : undefined };
    }
    default:
      return { ok: true, value: text === "" ? undefined : text };
  }
}

/** formatParam is the text a field shows for a value. */
export function formatParam(kind: string, v: unknown): string {
  if (v === undefined || v === null) return "";
  if (kind === "strings" && Array.isArray(v)) return v.map(String).join("\n");
  if (kind === "json") return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v, null, 2);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** paramValue is the value a param has on a node: its own, else the type's default. */
export function paramValue(spec: ParamSpec, params: Record<string, unknown>): unknown {
  return Object.prototype.hasOwnProperty.call(params, spec.name) ? params[spec.name] : spec.default;
}

/** defaultParams are the params a new node starts with: each declared default, explicitly,
 * so what the inspector shows is what runs. */
export function defaultParams(t: NodeType | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of t?.params ?? []) {
    if (p.default !== undefined && p.default !== null) out[p.name] = structuredClone(p.default);
  }
  return out;
}

function short(s: string, max: number): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** paramSummary lists up to max "label: value" lines for the node face. */
export function paramSummary(t: NodeType | undefined, params: Record<string, unknown>, max = 3): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const specs = t?.params ?? Object.keys(params).map((name) => ({ name, kind: "string" }) as ParamSpec);
  for (const spec of specs) {
    if (out.length >= max) break;
    const v = params[spec.name];
    if (v === undefined || v === null || v === "") continue;
    const text = typeof v === "string" ? v : spec.kind === "code" ? String(v) : JSON.stringify(v);
    out.push({ name: spec.label || spec.name, text: short(text, 48) });
  }
  return out;
}
