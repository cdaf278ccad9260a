// What part 2 adds to a node on the canvas: the "picked" mark, the stale badge, the plan's
// decision, and a preview of the node's current generation (an image thumbnail or a line of
// text). Each subscribes to its own slice; all are memoised.
import { memo, useEffect } from "react";
import type { AssetRef } from "../api/types";
import { clip } from "../previews/classify";
import { ImageThumb } from "../previews/Media";
import { hasRichSummary, NodeSummary } from "../previews/NodeSummary";
import { explainNode, reasonText } from "../plan/reasons";
import { planNodeOf, usePlan } from "../stores/plan";
import { useStale } from "../stores/stale";
import type { Summary } from "../previews/classify";
import { shownRunId, useRuns } from "../stores/runs";
import { useCurrentGens } from "../stores/currentGens";
import { needGenerations, useLens, type LensNode } from "../stores/shown";
import "../previews/previews.css";
import "../plan/plan.css";
import "./generations.css";

/** PickedMark: the generation the node shows is the one picked for it. */
export const PickedMark = memo(function PickedMark({ nodeId, shownId }: { nodeId: string; shownId?: string }) {
  const picked = useCurrentGens((s) => {
    const cur = s.byNode[nodeId];
    return !!cur?.picked && (shownId === undefined || cur.id === shownId);
  });
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
  const first = pn.reasons?.includes("cached")
    ? "cached"
    : ((pn.reasons ?? []).find((r) => r !== "target" && r !== "downstream_of_target") ?? pn.reasons?.[0]);
  return (
    <span className={`plan-tag plan-${pn.action}`} title={explainNode(pn)} data-testid="plan-tag" data-action={pn.action}>
      {pn.action === "rerun" ? "will run again" : "will be reused"}
      {first ? ` — ${reasonText(first)}` : ""}
    </span>
  );
});

/** useShownSummary is the summary of the generation a node shows, fetching it when the run
 * in the lens names one not known yet. */
function useShownSummary(workflowId: string | null, nodeId: string, lens: LensNode): { summary?: Summary; known: boolean } {
  const cur = useCurrentGens((s) => s.byNode[nodeId]);
  const cached = useLens((s) => (lens.genId ? s.gens[lens.genId] : undefined));
  const runId = useRuns((s) => (lens.kind === "run" ? shownRunId(s, workflowId) : null));
  // a generation known only from its node event's preview cut short is fetched whole
  const curCut = cur?.id === lens.genId && !!cur?.summary.cut;
  const missing = lens.kind === "run" && !!lens.genId && (!cached || cached.partial) && (cur?.id !== lens.genId || curCut);
  // only a node missing its generation follows the run's status (to fetch again at its end):
  // the others do not render when the run ends
  const runFinal = useRuns((s) => (missing && runId ? `${s.runs[runId]?.status}:${s.runs[runId]?.final}` : ""));
  useEffect(() => {
    if (!missing || !runId) return;
    const r = useRuns.getState().runs[runId];
    if (r) needGenerations(r);
  }, [missing, runId, runFinal]);
  if (lens.kind === "current") return { summary: cur?.summary, known: !!cur };
  if (!lens.genId) return { known: false };
  const summary = cur?.id === lens.genId && !(curCut && cached && !cached.partial) ? cur.summary : (cached?.summary ?? (cur?.id === lens.genId ? cur.summary : undefined));
  return { summary, known: !!summary };
}

/**
 * ShownPreview shows the generation the canvas shows on this node (SPEC §6): the lens run's
 * generation of it, or its current one. A load node holding an asset shows it before it ever
 * ran; text streamed by the lens run shows while the node runs.
 */
export const ShownPreview = memo(function ShownPreview({
  workflowId,
  nodeId,
  type,
  asset,
  lens,
}: {
  workflowId: string | null;
  nodeId: string;
  type: string;
  /** the node's asset param (load nodes) */
  asset?: unknown;
  lens: LensNode;
}) {
  const { summary, known } = useShownSummary(workflowId, nodeId, lens);
  const live = lens.record?.status === "running" ? lens.record.stream : undefined;
  if (live) {
    return (
      <div className="node-thumb-text" data-testid="node-live-text">
        {live.length > 400 ? "…" + live.slice(-400) : live}
      </div>
    );
  }
  const image: AssetRef | undefined =
    summary?.image ??
    (!known && lens.kind === "current" && type === "image.load" && typeof asset === "string" && /^[0-9a-f]{64}$/.test(asset)
      ? { asset, mime: "image/*", name: "" }
      : undefined);
  if (image) {
    return (
      <div className="node-thumb nodrag" data-testid="node-thumb" data-generation={lens.genId ?? ""}>
        <ImageThumb refValue={image} size="md" />
      </div>
    );
  }
  if (summary && hasRichSummary(summary)) return <NodeSummary summary={summary} generation={lens.genId ?? ""} />;
  const text = summary ? (summary.media ? `${summary.media.name || summary.media.mime}` : clip(summary.text, 160)) : "";
  if (!text) {
    // the preview row is always there, so a node keeps its size when its first result lands
    // (no reflow of the canvas while a new workflow runs for the first time)
    let note = known ? "empty" : "no result yet";
    if (lens.kind === "run") {
      if (lens.untouched) note = "not in this run";
      else if (lens.record?.status === "skipped") note = "skipped in this run";
      else if (lens.genId && !known) note = "loading…";
      else if (!lens.record || lens.record.status === "pending") note = "waiting";
    }
    return (
      <div className="node-thumb-text node-thumb-empty" aria-hidden="true" data-testid="node-preview-empty">
        {note}
      </div>
    );
  }
  return (
    <div className="node-thumb-text" data-testid="node-current-text" data-generation={lens.genId ?? ""} title={summary?.text}>
      {text}
    </div>
  );
});
