// Typed flow input values in forms: the inputs panel's default field and the run form. These
// checks mirror engine.CoerceValue / ValidateInputs so mistakes show while typing; the backend
// checks again (CheckInputs, StartRun) and its word is final.
import type { AssetRef, InputDecl } from "../api/types";
import { isMediaType } from "../api/types";
import { jsonError, withArticle } from "./jsonerror";

export type Coerced = { ok: true; value: unknown } | { ok: false; error: string };

const INPUT_NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const INTEGER_TEXT_RE = /^[+-]?\d+$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function article(t: string): string {
  return withArticle(t);
}

function jsonKind(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "an array";
  switch (typeof v) {
    case "string":
      return "text";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    default:
      return "an object";
  }
}

function parseNumber(s: string): number | null {
  const t = s.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isNaN(n) ? null : n;
}

/** coerceValue mirrors engine.CoerceValue for the non-media types. */
export function coerceValue(type: string, v: unknown): Coerced {
  switch (type) {
    case "string":
      if (typeof v === "string") return { ok: true, value: v };
      if (typeof v === "number" || typeof v === "boolean") return { ok: true, value: String(v) };
      return { ok: false, error: `want text, got ${jsonKind(v)}` };
    case "number":
    case "integer": {
      let f: number;
      if (typeof v === "number") f = v;
      else if (typeof v === "string" && INTEGER_TEXT_RE.test(v.trim())) {
        // A whole number is read exactly: past 2^53 a JavaScript number would round it, so
        // such an integer goes to the engine as its text, which reads it as a 64-bit integer.
        const b = BigInt(v.trim());
        if (b > INT64_MAX || b < INT64_MIN) return { ok: false, error: `integer ${v.trim()} is outside the 64-bit range` };
        if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) return { ok: true, value: v.trim().replace(/^\+/, "") };
        f = Number(b);
      } else if (typeof v === "string") {
        const p = parseNumber(v);
        if (p === null) return { ok: false, error: `want ${article(type)}, got ${JSON.stringify(v)}` };
        f = p;
      } else return { ok: false, error: `want ${article(type)}, got ${jsonKind(v)}` };
      if (!Number.isFinite(f)) return { ok: false, error: `want a finite number, got ${f}` };
      if (type === "integer" && !Number.isInteger(f)) return { ok: false, error: `want an integer, got ${f}` };
      if (type === "integer" && !Number.isSafeInteger(f)) return { ok: false, error: `integer ${f} is past 2^53 and may be rounded: type it as text` };
      return { ok: true, value: f };
    }
    case "boolean":
      if (typeof v === "boolean") return { ok: true, value: v };
      if (typeof v === "string") {
        const s = v.trim().toLowerCase();
        if (["true", "yes", "1", "on"].includes(s)) return { ok: true, value: true };
        if (["false", "no", "0", "off"].includes(s)) return { ok: true, value: false };
        return { ok: false, error: `want true or false, got ${JSON.stringify(v)}` };
      }
      return { ok: false, error: `want true or false, got ${jsonKind(v)}` };
    case "object":
    case "array": {
      let parsed = v;
      if (typeof v === "string") {
        try {
          parsed = JSON.parse(v);
        } catch {
          return { ok: false, error: `want ${article(type)} as JSON; ${jsonError(v)}` };
        }
      }
      if (type === "object" && (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))) {
        return { ok: false, error: `want an object, got ${jsonKind(parsed)}` };
      }
      if (type === "array" && !Array.isArray(parsed)) return { ok: false, error: `want an array, got ${jsonKind(parsed)}` };
      return { ok: true, value: parsed };
    }
  }
  return { ok: false, error: `unknown type ${JSON.stringify(type)}` };
}

/** validateInputName checks a declared input's name (engine: inputNameRE, no duplicates). */
export function validateInputName(name: string, others: string[]): string | null {
  if (name === "") return "an input needs a name";
  if (!INPUT_NAME_RE.test(name)) return "start with a letter or _, then letters, digits, _ or -";
  if (others.includes(name)) return `another input is named ${name}`;
  return null;
}

/** parseDefault reads the inputs panel's default field. Empty text means no default. */
export function parseDefault(type: string, text: string): Coerced {
  if (isMediaType(type)) return { ok: true, value: undefined };
  if (type === "string") return { ok: true, value: text === "" ? undefined : text };
  if (text.trim() === "") return { ok: true, value: undefined };
  return coerceValue(type, text);
}

/** formatDefault is the text a default shows as in a field. */
export function formatDefault(type: string, v: unknown): string {
  if (v === undefined || v === null) return "";
  if (type === "string" && typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** A run form field's raw state: text for scalars and JSON, a flag for booleans, an asset
 * reference for media. undefined or "" means "not given". */
export type RawValue = string | boolean | AssetRef | null | undefined;

/** initialRaw prefills a run form field from the input's default. */
export function initialRaw(d: InputDecl): RawValue {
  if (isMediaType(d.type)) return null;
  if (d.type === "boolean") return typeof d.default === "boolean" ? d.default : false; // a switch is always on or off
  if (d.default === undefined || d.default === null) return "";
  return d.type === "object" || d.type === "array" ? JSON.stringify(d.default, null, 2) : formatDefault(d.type, d.default);
}

export interface FieldResult {
  /** value to send; absent when the field is left empty */
  value?: unknown;
  given: boolean;
  error?: string;
}

/** runField turns a field's raw state into the value sent to StartRun, with an error when it
 * is not valid for the declared type (engine.ValidateInputs messages). */
export function runField(d: InputDecl, raw: RawValue): FieldResult {
  const empty = raw === undefined || raw === null || raw === "";
  if (empty) {
    if (d.required && (d.default === undefined || d.default === null)) {
      return { given: false, error: `required ${d.type} input is missing` };
    }
    return { given: false };
  }
  if (isMediaType(d.type)) {
    const ref = raw as AssetRef;
    if (typeof ref !== "object" || !ref.asset) return { given: false, error: `choose ${article(d.type)} file` };
    return { given: true, value: { asset: ref.asset, mime: ref.mime, name: ref.name } };
  }
  const c = coerceValue(d.type, raw);
  if (!c.ok) return { given: true, error: c.error };
  return { given: true, value: c.value };
}

/** runValues builds the inputs of a run and the errors per input name. */
export function runValues(decls: InputDecl[], raws: Record<string, RawValue>): {
  values: Record<string, unknown>;
  errors: Record<string, string>;
} {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const d of decls) {
    const r = runField(d, raws[d.name]);
    if (r.error) errors[d.name] = r.error;
    else if (r.given) values[d.name] = r.value;
  }
  return { values, errors };
}

/** rawFromValue is a run form field showing a value a run was given (its inputs). */
export function rawFromValue(d: InputDecl, v: unknown): RawValue {
  if (v === undefined || v === null) return initialRaw(d);
  if (isMediaType(d.type)) return v && typeof v === "object" && typeof (v as AssetRef).asset === "string" ? (v as AssetRef) : null;
  return initialRaw({ ...d, default: v });
}

/** rawsFromInputs fills every declared field from a run's input values (defaults for the rest). */
export function rawsFromInputs(decls: readonly InputDecl[], inputs: Record<string, unknown> | null | undefined): Record<string, RawValue> {
  return Object.fromEntries(decls.map((d) => [d.name, rawFromValue(d, inputs?.[d.name])]));
}
