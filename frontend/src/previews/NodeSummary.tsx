// What a node on the canvas shows of a generation that is not one image: a strip of images,
// audio's waveform, video's poster frame, an embedding's sparkline, a structured output's
// fields. Returns null for a summary that is plain text (the caller shows the text).
import { memo } from "react";
import type { Summary } from "./classify";
import { mediaKind } from "./classify";
import { FieldList, ImageStrip, VectorPreview, VideoPoster, Waveform } from "./MediaPreviews";

export function hasRichSummary(s: Summary | undefined): boolean {
  if (!s) return false;
  if (s.images || s.vector || s.fields) return true;
  const k = s.media ? mediaKind(s.media.mime) : "";
  return k === "audio" || k === "video";
}

export const NodeSummary = memo(function NodeSummary({ summary, generation }: { summary: Summary; generation: string }) {
  let body: React.ReactNode = null;
  if (summary.images) body = <ImageStrip refs={summary.images} max={4} />;
  else if (summary.media && mediaKind(summary.media.mime) === "audio")
    body = (
      <>
        <Waveform refValue={summary.media} />
        <span className="node-thumb-caption">{summary.media.name || summary.media.mime}</span>
      </>
    );
  else if (summary.media && mediaKind(summary.media.mime) === "video") body = <VideoPoster refValue={summary.media} />;
  else if (summary.vector) body = <VectorPreview values={summary.vector} rows={summary.rows} width={180} />;
  else if (summary.fields) body = <FieldList fields={summary.fields} />;
  if (!body) return null;
  return (
    <div className="node-thumb node-rich nodrag" data-testid="node-rich" data-generation={generation}>
      {body}
    </div>
  );
});
