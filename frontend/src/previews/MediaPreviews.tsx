// Previews of what generative and media nodes produce: audio with its waveform, video with a
// poster frame, embeddings as their dimension count and a sparkline, an array of images as a
// strip, a structured (JSON object) output as its fields. Waveforms and posters are made in
// the window from the asset itself; when the window cannot decode it the plain player stays.
import { memo, useEffect, useState } from "react";
import { assetSrc, type AssetValue } from "./classify";
import { ImageThumb } from "./Media";
import { loadPoster, type PosterInfo } from "./poster";
import { loadWaveform, sparkPath, type WaveInfo } from "./waveform";

function useLoaded<T>(src: string, load: (src: string) => Promise<T>): { value?: T; error?: string } {
  const [state, setState] = useState<{ src: string; value?: T; error?: string }>({ src });
  useEffect(() => {
    if (!src) return;
    let live = true;
    load(src).then(
      (value) => live && setState({ src, value }),
      (e: unknown) => live && setState({ src, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [src, load]);
  return state.src === src ? state : {};
}

function seconds(d: number): string {
  if (!Number.isFinite(d)) return "";
  return d < 60 ? `${d.toFixed(1)} s` : `${Math.floor(d / 60)}:${String(Math.round(d % 60)).padStart(2, "0")}`;
}

/** Waveform draws an audio asset's peaks as bars. */
export const Waveform = memo(function Waveform({ refValue, height = 36 }: { refValue: AssetValue; height?: number }) {
  const { value, error } = useLoaded<WaveInfo>(assetSrc(refValue.asset), loadWaveform);
  if (error) return <span className="pv-wave-none" title={error}>no waveform</span>;
  if (!value) return <span className="pv-wave pv-wave-loading" style={{ height }} aria-hidden="true" />;
  const n = value.peaks.length;
  return (
    <svg
      className="pv-wave"
      viewBox={`0 0 ${n * 2} 100`}
      preserveAspectRatio="none"
      style={{ height }}
      role="img"
      aria-label={`waveform, ${seconds(value.duration)}`}
      data-testid="audio-waveform"
      data-duration={value.duration.toFixed(2)}
    >
      {value.peaks.map((p, i) => {
        const h = Math.max(2, p * 96);
        return <rect key={i} x={i * 2} y={50 - h / 2} width={1.4} height={h} />;
      })}
    </svg>
  );
});

/** AudioPreview is an audio asset's waveform over its player. */
export const AudioPreview = memo(function AudioPreview({ refValue }: { refValue: AssetValue }) {
  return (
    <figure className="pv-media" data-testid="audio-preview-box">
      <Waveform refValue={refValue} height={48} />
      <audio controls preload="metadata" src={assetSrc(refValue.asset)} data-testid="audio-preview" />
      <figcaption>{refValue.name || refValue.mime}</figcaption>
    </figure>
  );
});

/** VideoPoster is a video asset's poster frame as an image. */
export const VideoPoster = memo(function VideoPoster({ refValue }: { refValue: AssetValue }) {
  const { value, error } = useLoaded<PosterInfo>(assetSrc(refValue.asset), loadPoster);
  if (error || !value)
    return (
      <span className="pv-poster pv-poster-none" title={error}>
        ▶ {refValue.name || "video"}
      </span>
    );
  return (
    <span className="pv-poster" data-testid="video-poster">
      <img src={value.url} alt={`first frame of ${refValue.name || "video"}`} width={value.width} height={value.height} draggable={false} />
      <span className="pv-poster-badge">▶ {seconds(value.duration)}</span>
    </span>
  );
});

/** VideoPreview is a video player that shows its poster frame before it plays. */
export const VideoPreview = memo(function VideoPreview({ refValue }: { refValue: AssetValue }) {
  const src = assetSrc(refValue.asset);
  const { value } = useLoaded<PosterInfo>(src, loadPoster);
  return (
    <figure className="pv-media">
      <video controls preload="metadata" src={src} poster={value?.url} data-testid="video-preview" data-poster={value ? "yes" : "no"} />
      <figcaption>{refValue.name || refValue.mime}</figcaption>
    </figure>
  );
});

/** Sparkline draws a vector's values left to right. */
export const Sparkline = memo(function Sparkline({ values, width = 160, height = 28 }: { values: readonly number[]; width?: number; height?: number }) {
  return (
    <svg className="pv-spark" viewBox={`0 0 ${width} ${height}`} width={width} height={height} preserveAspectRatio="none" aria-hidden="true">
      <path d={sparkPath(values, width, height - 2)} transform="translate(0 1)" />
    </svg>
  );
});

function range(values: readonly number[]): string {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return `${lo.toPrecision(3)} … ${hi.toPrecision(3)}`;
}

/** VectorPreview is an embedding: its dimension count, a sparkline and its range. */
export const VectorPreview = memo(function VectorPreview({ values, rows, width = 160 }: { values: readonly number[]; rows?: number; width?: number }) {
  return (
    <div className="pv-vector" data-testid="vector-preview" title={`range ${range(values)}`}>
      <span className="pv-vector-dims">{rows && rows > 1 ? `${rows} × ${values.length} dims` : `${values.length} dims`}</span>
      <Sparkline values={values} width={width} />
    </div>
  );
});

/** VectorsPreview is several embeddings, one sparkline each (the first few). */
export const VectorsPreview = memo(function VectorsPreview({ rows }: { rows: readonly number[][] }) {
  const shown = rows.slice(0, 8);
  return (
    <div className="pv-vectors" data-testid="vectors-preview">
      <span className="pv-vector-dims">
        {rows.length} vectors × {rows[0]?.length ?? 0} dims
      </span>
      {shown.map((r, i) => (
        <Sparkline key={i} values={r} width={240} height={22} />
      ))}
      {rows.length > shown.length && <span className="pv-muted">… {rows.length - shown.length} more</span>}
    </div>
  );
});

/** ImageStrip shows an array of images as a row of thumbnails (each opens large). */
export const ImageStrip = memo(function ImageStrip({ refs, max = 24, size = "sm" }: { refs: readonly AssetValue[]; max?: number; size?: "sm" | "md" }) {
  return (
    <div className="pv-strip" data-testid="image-strip">
      {refs.slice(0, max).map((r, i) => (
        <ImageThumb key={`${i}-${r.asset}`} refValue={r} size={size} />
      ))}
      {refs.length > max && <span className="pv-muted">+{refs.length - max}</span>}
    </div>
  );
});

/** FieldList is a structured output's top-level fields, one per line. */
export const FieldList = memo(function FieldList({ fields }: { fields: readonly [string, string][] }) {
  return (
    <dl className="pv-fields" data-testid="structured-fields">
      {fields.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
});
