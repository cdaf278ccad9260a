// Run from here: start a run-from-block of the edited graph at a node (and Run changed: what
// changed and what depends on it). Like the editor's
// Run, it sends the draft graph (as its patch of the base version); the backend runs the version equal to it (saving the draft
// as a new version first when none is) and plans the run itself (SPEC §7).
import { api } from "../api/backend";
import type { RunInfo, RunRequest } from "../api/types";
import { noteSavedVersion } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { startEdited } from "../stores/persist";
import { useRuns } from "../stores/runs";
import { toast } from "../stores/ui";
import { closePlan, previewChanged, previewPlan } from "../stores/plan";

/** planVersionId is the saved version a plan preview reads: the one the canvas shows. */
export function planVersionId(): string {
  const s = useGraph.getState();
  return s.baseVersionId || s.currentVersionId;
}

/** runFromHere starts a run from nodeId, focuses it and closes the plan preview. */
export function runFromHere(nodeId: string): Promise<RunInfo | null> {
  return runEdited({ from: nodeId }, `Run from ${nodeId}`);
}

/**
 * runChanged starts a changed run of the edited graph (SPEC §14): every node that changed since
 * its last result, and what depends on it, reruns; the rest is reused. Focuses the run.
 */
export function runChanged(): Promise<RunInfo | null> {
  return runEdited({ changed: true }, "Run changed");
}

/**
 * runEdited starts a planned run (from a node, or changed) of the edited graph, focuses it and
 * closes the plan preview; a failure is a toast that starts with what.
 */
async function runEdited(how: Partial<Pick<RunRequest, "from" | "changed">>, what: string): Promise<RunInfo | null> {
  const wf = useGraph.getState().workflowId;
  if (!wf) return null;
  try {
    const { out: info, seq, sent } = await startEdited(
      (target) => api.startRun({ workflow_id: wf, ...target, inputs: {}, ...how }),
      (info) => !!info.saved_version,
    );
    useRuns.getState().applyRunInfo(info);
    useRuns.getState().focus(wf, info.id);
    // the saved version becomes the base, and the header lists it (it showed "Saved as" with
    // no label and the old version until the workflow was opened again)
    noteSavedVersion(info, seq, sent);
    closePlan();
    return info;
  } catch (e) {
    toast("error", `${what}: ${(e as Error).message}`);
    return null;
  }
}

/** showPlan previews a run from nodeId on the canvas. */
export async function showPlan(nodeId: string): Promise<void> {
  const s = useGraph.getState();
  if (!s.workflowId) return;
  await previewPlan(s.workflowId, planVersionId(), nodeId);
}

/** showChangedPlan previews Run changed of the edited graph on the canvas. */
export async function showChangedPlan(): Promise<void> {
  const s = useGraph.getState();
  if (!s.workflowId) return;
  await previewChanged(s.workflowId, planVersionId());
}
