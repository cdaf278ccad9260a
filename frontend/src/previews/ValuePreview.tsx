// One output value shown as what it is: image, image strip, audio with its waveform, video
// with its poster frame, an embedding's sparkline, file, text or a JSON tree.
import { memo } from "react";
import { classify } from "./classify";
import { JsonTree } from "./JsonTree";
import { FileChip, ImageThumb } from "./Media";
import { AudioPreview, ImageStrip, VectorPreview, VectorsPreview, VideoPreview } from "./MediaPreviews";
import { TextBlock } from "./TextBlock";
import "./previews.css";

export const ValuePreview = memo(function ValuePreview({ value }: { value: unknown }) {
  const c = classify(value);
  switch (c.kind) {
    case "empty":
      return <span className="pv-muted">null</span>;
    case "image":
      return <ImageThumb refValue={c.ref} size="lg" />;
    case "audio":
      return <AudioPreview refValue={c.ref} />;
    case "video":
      return <VideoPreview refValue={c.ref} />;
    case "images":
      return <ImageStrip refs={c.refs} />;
    case "vector":
      return <VectorPreview values={c.values} width={240} />;
    case "vectors":
      return <VectorsPreview rows={c.rows} />;
    case "file":
      return <FileChip refValue={c.ref} />;
    case "text":
      return <TextBlock text={c.text} />;
    case "json":
      return <JsonTree value={c.value} />;
  }
});

/** OutputsView lists a node's outputs, handle by handle. */
export const OutputsView = memo(function OutputsView({ outputs }: { outputs: Record<string, unknown> | null | undefined }) {
  const entries = Object.entries(outputs ?? {});
  if (entries.length === 0) return <p className="pv-muted">No outputs.</p>;
  return (
    <dl className="pv-outputs">
      {entries.map(([handle, v]) => (
        <div key={handle} className="pv-output">
          <dt>{handle}</dt>
          <dd>
            <ValuePreview value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
});
