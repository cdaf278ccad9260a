// What part 2 adds to a node on the canvas: the "picked" mark, the stale badge, the plan's
// decision, and a preview of the node's current generation (an image thumbnail or a line of
// text). Each subscribes to its own slice; all are memoised.
import { memo } from "react";
import type { AssetRef } from "../api/types";
import { clip } from "../previews/classify";
import { ImageThumb } from "../previews/Media";
import { explainNode, reasonText } from "../plan/reasons";
import { planNodeOf, usePlan, useStale } from "../plan/store";
import { useCurrentGens } from "./current";
import "../previews/previews.css";
import "../plan/plan.css";
import "./generations.css";

export const PickedMark = memo(function PickedMark({ nodeId }: { nodeId: string }) {
  const picked = useCurrentGens((s) => s.byNode[nodeId]?.picked ?? false);
  if (!picked) return null;
  return (
    <span className="node-picked" data-testid="node-picked" title="Picked: this node shows, and feeds downstream, the result you selected" aria-label="picked">
      ★
    </span>
  );
});

export const StaleBadge = memo(function StaleBadge({ workflowId, nodeId }: { workflowId: string | null; nodeId: string }) {
  const mark = useStale((s) => (s.workflowId === workflowId ? s.byNode[nodeId] : undefined));
  if (!mark) return null;
  return (
    <span className="stale-badge" data-testid="stale-badge" title={mark.text}>
      stale
    </span>
  );
});

/** usePlanAction is the plan's decision for a node ("" when no plan is shown). */
export function usePlanAction(workflowId: string | null, nodeId: string): string {
  return usePlan((s) => planNodeOf(s, workflowId, nodeId)?.action ?? "");
}

export const PlanTag = memo(function PlanTag({ workflowId, nodeId }: { workflowId: string | null; nodeId: string }) {
  const pn = usePlan((s) => planNodeOf(s, workflowId, nodeId));
  if (!pn || pn.action === "untouched") return null;
  const first = (pn.reasons ?? []).find((r) => r !== "target" && r !== "downstream_of_target") ?? pn.reasons?.[0];
  return (
    <span className={`plan-tag plan-${pn.action}`} title={explainNode(pn)} data-testid="plan-tag" data-action={pn.action}>
      {pn.action === "rerun" ? "will run again" : "will be reused"}
      {first ? ` — ${reasonText(first)}` : ""}
    </span>
  );
});

/**
 * CurrentPreview shows the node's current generation. A load node holding an asset shows it
 * before it ever ran; text streamed by the focused run shows while the node runs.
 */
export const CurrentPreview = memo(function CurrentPreview({
  nodeId,
  type,
  asset,
  live,
}: {
  nodeId: string;
  type: string;
  /** the node's asset param (load nodes) */
  asset?: unknown;
  /** text the focused run is streaming into this node */
  live?: string;
}) {
  const cur = useCurrentGens((s) => s.byNode[nodeId]);
  if (live) {
    return (
      <div className="node-thumb-text" data-testid="node-live-text">
        {live.length > 400 ? "…" + live.slice(-400) : live}
      </div>
    );
  }
  const image: AssetRef | undefined =
    cur?.summary.image ??
    (!cur && type === "image.load" && typeof asset === "string" && /^[0-9a-f]{64}$/.test(asset)
      ? { asset, mime: "image/*", name: "" }
      : undefined);
  if (image) {
    return (
      <div className="node-thumb nodrag" data-testid="node-thumb">
        <ImageThumb refValue={image} size="md" />
      </div>
    );
  }
  const text = cur ? (cur.summary.media ? `${cur.summary.media.name || cur.summary.media.mime}` : clip(cur.summary.text, 160)) : "";
  if (!text) {
    // the preview row is always there, so a node keeps its size when its first result lands
    // (no reflow of the canvas while a new workflow runs for the first time)
    return (
      <div className="node-thumb-text node-thumb-empty" aria-hidden="true">
        {cur ? "empty" : "no result yet"}
      </div>
    );
  }
  return (
    <div className="node-thumb-text" data-testid="node-current-text" title={cur?.summary.text}>
      {text}
    </div>
  );
});
