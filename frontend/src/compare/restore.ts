// Restore a run (its version and generations become current) and undo it, then show it.
import { loadCurrent } from "../stores/currentGens";
import { setShowCurrent } from "../stores/shown";
import { openWorkflow } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { flushDraft } from "../stores/persist";
import { toast } from "../stores/ui";
import { compareApi, type RestoreResult } from "./api";
import { useCompare } from "../stores/compare";

async function reshow(workflowId: string): Promise<void> {
  if (useGraph.getState().workflowId !== workflowId) return;
  await openWorkflow(workflowId);
  // the canvas shows the current generations, which are now the restored run's
  setShowCurrent(workflowId, true);
  await loadCurrent(
    workflowId,
    useGraph.getState().nodes.map((n) => n.id),
  );
}

function missingText(r: RestoreResult): string {
  const m = r.missing ?? [];
  return m.length ? ` Could not restore ${m.length} node${m.length > 1 ? "s" : ""} whose results were deleted: ${m.join(", ")}.` : "";
}

export async function restoreRun(run: { id: string; workflow_id: string; label?: string }): Promise<RestoreResult | null> {
  try {
    if (useGraph.getState().workflowId === run.workflow_id) await flushDraft();
    const r = await compareApi.restoreRun(run.id);
    await reshow(r.workflow_id);
    const n = Object.keys(r.selected ?? {}).length;
    useCompare.setState({ restored: { workflowId: r.workflow_id, runId: run.id, label: run.label || "the run" } });
    toast(r.missing?.length ? "warning" : "success", `Restored ${run.label || "the run"}: ${n} nodes show its results.${missingText(r)}`);
    return r;
  } catch (e) {
    toast("error", `Restore: ${(e as Error).message}`);
    return null;
  }
}

export async function undoRestore(workflowId: string): Promise<void> {
  try {
    if (useGraph.getState().workflowId === workflowId) await flushDraft();
    const r = await compareApi.undoRestore(workflowId);
    useCompare.setState({ restored: null });
    await reshow(workflowId);
    toast("success", `Restore undone: the previous version and picks are back.${missingText(r)}`);
  } catch (e) {
    toast("error", `Undo restore: ${(e as Error).message}`);
  }
}
