// Shows one value a run produced: text as text, JSON as JSON, media asset references as
// images, audio or video from /assets. Nothing is ever rendered as HTML.
import { assetURL } from "../api/backend";

interface AssetLike {
  asset: string;
  mime?: string;
  name?: string;
}

export function asAsset(v: unknown): AssetLike | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const a = (v as { asset?: unknown }).asset;
  return typeof a === "string" && /^[0-9a-f]{64}$/.test(a) ? (v as AssetLike) : null;
}

export function ValueView({ value }: { value: unknown }) {
  const asset = asAsset(value);
  if (asset) {
    const mime = asset.mime ?? "";
    const src = assetURL(asset.asset);
    if (mime.startsWith("image/")) return <img className="value-image" src={src} alt={asset.name || "image output"} />;
    if (mime.startsWith("audio/")) return <audio className="value-media" src={src} controls />;
    if (mime.startsWith("video/")) return <video className="value-media" src={src} controls />;
    return (
      <p className="value-file">
        <span className="mono">{asset.name || asset.asset.slice(0, 12)}</span> <span className="muted">{mime}</span>
      </p>
    );
  }
  if (typeof value === "string") return <pre className="value-text">{value}</pre>;
  if (value === null || value === undefined) return <pre className="value-text muted">null</pre>;
  return <pre className="value-json">{JSON.stringify(value, null, 2)}</pre>;
}
