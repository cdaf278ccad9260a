// What a node output value is, for showing it: media (by the asset's mime type), text, or
// JSON. Nothing here ever turns a value into HTML.

export interface AssetValue {
  asset: string;
  mime: string;
  name: string;
}

export type ValueKind =
  | { kind: "empty" }
  | { kind: "image"; ref: AssetValue }
  | { kind: "audio"; ref: AssetValue }
  | { kind: "video"; ref: AssetValue }
  | { kind: "file"; ref: AssetValue }
  | { kind: "images"; refs: AssetValue[] }
  | { kind: "vector"; values: number[] }
  | { kind: "vectors"; rows: number[][] }
  | { kind: "text"; text: string }
  | { kind: "json"; value: unknown };

/** VECTOR_MIN is the length from which an array of numbers is shown as a vector (an
 * embedding: its dimension count and a sparkline) rather than as JSON. */
export const VECTOR_MIN = 8;

/** isVector: v is an array of at least VECTOR_MIN finite numbers. */
export function isVector(v: unknown): v is number[] {
  return Array.isArray(v) && v.length >= VECTOR_MIN && v.every((x) => typeof x === "number" && Number.isFinite(x));
}

/** isVectors: v is a non-empty array of vectors (llm.embed's `embeddings`). */
export function isVectors(v: unknown): v is number[][] {
  return Array.isArray(v) && v.length > 0 && v.every(isVector);
}

/** isImageList: v is a non-empty array of image assets (video.frames, comfyui.workflow). */
export function isImageList(v: unknown): v is AssetValue[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => isAssetRef(x) && mediaKind(x.mime) === "image");
}

const shaRE = /^[0-9a-f]{64}$/;

/** isAssetRef: v is a media value {asset, mime, name} (SPEC §3). */
export function isAssetRef(v: unknown): v is AssetValue {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.asset === "string" && shaRE.test(o.asset) && (o.mime === undefined || typeof o.mime === "string");
}

/** mediaKind maps a mime type to how it is shown; SVG is an image (shown through <img>). */
export function mediaKind(mime: string | undefined): "image" | "audio" | "video" | "file" {
  const m = (mime ?? "").toLowerCase();
  if (m.startsWith("image/")) return "image";
  if (m.startsWith("audio/")) return "audio";
  if (m.startsWith("video/")) return "video";
  return "file";
}

/** classify decides how a value is shown. */
export function classify(v: unknown): ValueKind {
  if (v === null || v === undefined) return { kind: "empty" };
  if (isAssetRef(v)) {
    const ref = { asset: v.asset, mime: v.mime ?? "", name: v.name ?? "" };
    return { kind: mediaKind(ref.mime), ref } as ValueKind;
  }
  if (typeof v === "string") return { kind: "text", text: v };
  if (typeof v === "number" || typeof v === "boolean") return { kind: "text", text: String(v) };
  if (isImageList(v)) return { kind: "images", refs: v.map((x) => ({ asset: x.asset, mime: x.mime ?? "", name: x.name ?? "" })) };
  if (isVector(v)) return { kind: "vector", values: v };
  if (isVectors(v)) return { kind: "vectors", rows: v };
  return { kind: "json", value: v };
}

/** assetURL is where the window loads a stored asset from (served by the Go side). */
export function assetSrc(sha: string): string {
  return shaRE.test(sha) ? `/assets/${sha}` : "";
}

/** Summary is what fits on a node on the canvas: a thumbnail, else a line of text. */
export interface Summary {
  image?: AssetValue;
  /** an array of images (shown as a strip) */
  images?: AssetValue[];
  /** audio, video or another file */
  media?: AssetValue;
  /** an embedding (with `rows` vectors when the output held several) */
  vector?: number[];
  rows?: number;
  /** the top-level fields of a structured (JSON object) output */
  fields?: [string, string][];
  text: string;
  /** made from a preview cut short: the stored generation says more */
  cut?: boolean;
}

/** MAX_FIELDS is how many fields of a structured output a node shows. */
const MAX_FIELDS = 6;

/** fieldsOf lists an object's first fields with short text of their values. */
export function fieldsOf(o: Record<string, unknown>, max = 40): [string, string][] {
  return Object.entries(o)
    .slice(0, MAX_FIELDS)
    .map(([k, v]) => [k, clip(toText(v), max)] as [string, string]);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v) && !isAssetRef(v);
}

/**
 * summarizeOutputs picks what a node shows of its outputs: the first image, else a strip of
 * an image array, else audio/video, else an embedding, else the fields of a structured
 * `json` output (llm.chat with json_schema), else short text of them.
 */
export function summarizeOutputs(outputs: Record<string, unknown> | null | undefined, max = 120): Summary {
  const entries = Object.entries(outputs ?? {});
  for (const [, v] of entries) {
    if (isAssetRef(v) && mediaKind(v.mime) === "image") return { image: v, text: v.name ?? "" };
  }
  for (const [, v] of entries) {
    if (isImageList(v)) return { images: v, text: `${v.length} image${v.length === 1 ? "" : "s"}` };
  }
  for (const [, v] of entries) {
    if (isAssetRef(v)) return { media: v, text: v.name || v.mime };
  }
  for (const [, v] of entries) {
    if (isVector(v)) return { vector: v, text: `${v.length} dimensions` };
  }
  for (const [, v] of entries) {
    if (isVectors(v)) return { vector: v[0], rows: v.length, text: `${v.length} × ${v[0].length} dimensions` };
  }
  // a structured answer (llm.chat's `json`), or a node's only output being an object
  const structured = outputs?.json ?? (entries.length === 1 ? entries[0][1] : undefined);
  if (isPlainObject(structured) && Object.keys(structured).length > 0) {
    return { fields: fieldsOf(structured), text: clip(toText(structured), max) };
  }
  if (entries.length === 0) return { text: "" };
  // a model's answer (llm.chat without json_schema) is its text
  if (typeof outputs?.text === "string") return { text: clip(outputs.text, max) };
  // several outputs: one line per handle
  if (entries.length > 1) return { fields: fieldsOf(Object.fromEntries(entries)), text: clip(toText(Object.fromEntries(entries)), max) };
  const value = entries.length === 1 ? entries[0][1] : Object.fromEntries(entries);
  return { text: clip(toText(value), max) };
}

const previewRefRE = /"asset":"([0-9a-f]{64})","mime":"([^"\\]*)"(?:,"name":"((?:[^"\\]|\\.)*)")?/;

/**
 * summarizePreview reads the engine's short preview text of a node's outputs (a node event's
 * "preview": canonical JSON, cut at 200 characters) into a Summary.
 */
export function summarizePreview(preview: string | undefined, max = 120): Summary {
  const p = preview ?? "";
  let whole: unknown;
  try {
    whole = JSON.parse(p);
  } catch {
    whole = undefined; // cut at its length limit
  }
  // a whole preview is the outputs, or a node's only output: either way it reads the same
  if (isPlainObject(whole)) return summarizeOutputs(whole, max);
  const cut = whole === undefined && p.length > 0;
  const m = previewRefRE.exec(p);
  if (m) {
    let name: string;
    try {
      name = m[3] ? (JSON.parse(`"${m[3]}"`) as string) : "";
    } catch {
      name = m[3] ?? "";
    }
    const ref = { asset: m[1], mime: m[2], name };
    const sum: Summary = mediaKind(ref.mime) === "image" ? { image: ref, text: name } : { media: ref, text: name || ref.mime };
    return cut ? { ...sum, cut } : sum;
  }
  return cut ? { text: clip(p, max), cut } : { text: clip(p, max) };
}

/** toText is a value as plain text: strings as they are, anything else as JSON. */
export function toText(v: unknown, indent?: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v, null, indent) ?? String(v);
  } catch {
    return String(v);
  }
}

/** clip shortens text to max characters on one line. */
export function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > max ? one.slice(0, Math.max(0, max - 1)) + "…" : one;
}
