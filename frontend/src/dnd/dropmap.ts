// Files dropped from the OS: which load node each becomes, or why it cannot be loaded.
// Decided by extension (the OS gives paths, not contents); the backend checks the bytes
// again when it imports the file (ImportMedia) or runs the node.

export type MediaKind = "image" | "audio" | "video" | "file";

const KINDS: Record<MediaKind, readonly string[]> = {
  // what image.load decodes (PNG, JPEG, GIF, WebP)
  image: ["png", "jpg", "jpeg", "gif", "webp"],
  audio: ["wav", "mp3", "ogg", "oga", "opus", "flac", "m4a", "aac", "aif", "aiff"],
  video: ["mp4", "m4v", "webm", "ogv", "mov", "mkv", "avi"],
  // text, data and documents file.load reads (text outputs when they are text)
  file: [
    "txt", "md", "markdown", "csv", "tsv", "json", "jsonl", "ndjson", "xml", "yaml", "yml", "toml",
    "ini", "log", "html", "htm", "svg", "pdf", "js", "ts", "py", "go", "rs", "sql", "srt", "vtt", "rtf",
  ],
};

/** Images the loader cannot decode: named so the message can say what to do instead. */
const UNDECODABLE_IMAGES = ["bmp", "tif", "tiff", "heic", "heif", "avif", "ico", "psd", "raw", "cr2", "nef"];

export const NODE_FOR_KIND: Record<MediaKind, string> = {
  image: "image.load",
  audio: "audio.load",
  video: "video.load",
  file: "file.load",
};

export type DropDecision =
  | { ok: true; path: string; name: string; kind: MediaKind; nodeType: string }
  | { ok: false; path: string; name: string; message: string };

/** baseName is the file name of a path (either separator: Windows paths arrive too). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** extension is the lower-case extension of a path without the dot, "" when none. */
export function extension(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** kindOfPath is the media kind a file's extension says, null when unsupported. */
export function kindOfPath(path: string): MediaKind | null {
  const ext = extension(path);
  for (const k of Object.keys(KINDS) as MediaKind[]) if (KINDS[k].includes(ext)) return k;
  return null;
}

/** decideDrop says which load node a dropped file becomes, or why it can't be loaded. */
export function decideDrop(path: string): DropDecision {
  const name = baseName(path);
  const ext = extension(path);
  const kind = kindOfPath(path);
  if (kind) return { ok: true, path, name, kind, nodeType: NODE_FOR_KIND[kind] };
  let message: string;
  if (!ext) message = `${name}: a file without an extension (or a folder) can't be loaded. Drop an image, audio, video or text file.`;
  else if (UNDECODABLE_IMAGES.includes(ext))
    message = `${name}: .${ext} images can't be read. Use PNG, JPEG, GIF or WebP.`;
  else message = `${name}: .${ext} files are not supported. Drop an image (PNG, JPEG, GIF, WebP), audio (WAV, MP3, FLAC, Ogg…), video (MP4, WebM, MOV…) or a text/data file (TXT, CSV, JSON, PDF…).`;
  return { ok: false, path, name, message };
}

const KIND_WORDS: Record<MediaKind, string> = {
  image: "an image",
  audio: "an audio file",
  video: "a video",
  file: "a text or data file",
};

/** fieldAccepts decides whether a file fits a run form media field of a given input type. */
export function fieldAccepts(fieldType: string, path: string): { ok: true } | { ok: false; message: string } {
  const name = baseName(path);
  if (fieldType === "file") {
    return extension(path) ? { ok: true } : { ok: false, message: `${name} has no extension; is it a folder?` };
  }
  const kind = kindOfPath(path);
  if (kind === fieldType) return { ok: true };
  const is = kind ? KIND_WORDS[kind] : "not a supported file";
  const takes = KIND_WORDS[fieldType as MediaKind] ?? fieldType;
  return { ok: false, message: `${name} is ${is}; this field takes ${takes}.` };
}

export interface Placed {
  decision: Extract<DropDecision, { ok: true }>;
  position: { x: number; y: number };
}

/**
 * placeDrop lays the loadable files of one drop out from the drop point, one under the other,
 * and collects the messages for the rest.
 */
export function placeDrop(
  paths: readonly string[],
  at: { x: number; y: number },
  gap = 120,
): { placed: Placed[]; rejected: Extract<DropDecision, { ok: false }>[] } {
  const placed: Placed[] = [];
  const rejected: Extract<DropDecision, { ok: false }>[] = [];
  for (const p of paths) {
    const d = decideDrop(p);
    if (d.ok) placed.push({ decision: d, position: { x: at.x, y: at.y + placed.length * gap } });
    else rejected.push(d);
  }
  return { placed, rejected };
}

export type DropMode = "copy" | "link";

/**
 * loadParams are the params of a load node for a dropped file: an asset in the store
 * (copied) or the path on disk (linked, watched for changes).
 */
export function loadParams(mode: DropMode, path: string, assetSha?: string): Record<string, unknown> {
  return mode === "link" ? { path } : { asset: assetSha ?? "" };
}
