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
  | { kind: "text"; text: string }
  | { kind: "json"; value: unknown };

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
  return { kind: "json", value: v };
}

/** assetURL is where the window loads a stored asset from (served by the Go side). */
export function assetSrc(sha: string): string {
  return shaRE.test(sha) ? `/assets/${sha}` : "";
}

/** Summary is what fits on a node on the canvas: a thumbnail, else a line of text. */
export interface Summary {
  image?: AssetValue;
  media?: AssetValue;
  text: string;
}

/** summarizeOutputs picks the first image of a node's outputs, else short text of them. */
export function summarizeOutputs(outputs: Record<string, unknown> | null | undefined, max = 120): Summary {
  const entries = Object.entries(outputs ?? {});
  for (const [, v] of entries) {
    if (isAssetRef(v) && mediaKind(v.mime) === "image") return { image: v, text: v.name ?? "" };
  }
  for (const [, v] of entries) {
    if (isAssetRef(v)) return { media: v, text: v.name || v.mime };
  }
  if (entries.length === 0) return { text: "" };
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
  const m = previewRefRE.exec(p);
  if (m) {
    let name: string;
    try {
      name = m[3] ? (JSON.parse(`"${m[3]}"`) as string) : "";
    } catch {
      name = m[3] ?? "";
    }
    const ref = { asset: m[1], mime: m[2], name };
    return mediaKind(ref.mime) === "image" ? { image: ref, text: name } : { media: ref, text: name || ref.mime };
  }
  return { text: clip(p, max) };
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
