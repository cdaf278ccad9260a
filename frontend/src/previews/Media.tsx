// Media previews: an image thumbnail that opens large on click, and audio and video players.
// Assets come from /assets/<sha256>; SVG is shown through <img>, so its scripts never run.
import { memo, useEffect, useState } from "react";
import { createPortal } from "react-dom";
import { assetSrc, type AssetValue } from "./classify";

/** Lightbox shows an image over the window; Escape or a click closes it. */
export function Lightbox({ refValue, onClose }: { refValue: AssetValue; onClose: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return createPortal(
    <div className="pv-lightbox" role="dialog" aria-label={`Image ${refValue.name}`} onClick={onClose} data-testid="lightbox">
      <img src={assetSrc(refValue.asset)} alt={refValue.name} />
      <div className="pv-lightbox-name">
        {refValue.name} · {refValue.mime}
      </div>
    </div>,
    document.body,
  );
}

/** ImageThumb is a thumbnail; clicking it shows the image large. */
export const ImageThumb = memo(function ImageThumb({
  refValue,
  size = "md",
}: {
  refValue: AssetValue;
  size?: "sm" | "md" | "lg";
}) {
  const [open, setOpen] = useState(false);
  const [broken, setBroken] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`pv-thumb pv-thumb-${size}`}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
        title={`${refValue.name || "image"} — click to enlarge`}
      >
        {broken ? (
          <span className="pv-broken">image unavailable</span>
        ) : (
          <img src={assetSrc(refValue.asset)} alt={refValue.name || "image"} loading="lazy" draggable={false} onError={() => setBroken(true)} />
        )}
      </button>
      {open && <Lightbox refValue={refValue} onClose={() => setOpen(false)} />}
    </>
  );
});

export const AudioPlayer = memo(function AudioPlayer({ refValue }: { refValue: AssetValue }) {
  return (
    <figure className="pv-media">
      <audio controls preload="metadata" src={assetSrc(refValue.asset)} data-testid="audio-preview" />
      <figcaption>{refValue.name || refValue.mime}</figcaption>
    </figure>
  );
});

export const VideoPlayer = memo(function VideoPlayer({ refValue }: { refValue: AssetValue }) {
  return (
    <figure className="pv-media">
      <video controls preload="metadata" src={assetSrc(refValue.asset)} data-testid="video-preview" />
      <figcaption>{refValue.name || refValue.mime}</figcaption>
    </figure>
  );
});

export const FileChip = memo(function FileChip({ refValue }: { refValue: AssetValue }) {
  return (
    <div className="pv-file" title={refValue.asset}>
      <span className="pv-file-icon" aria-hidden="true">
        ▤
      </span>
      <span>{refValue.name || "file"}</span>
      <span className="pv-muted">{refValue.mime}</span>
    </div>
  );
});
