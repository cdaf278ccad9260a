// While a workflow is open in the editor: its nodes' current generations (canvas previews,
// picked marks) and stale badges follow what happens — node events of its runs, runs that
// finish, linked files that change, picks and versions.
import { api } from "../api/backend";
import { onEvent } from "../api/events";
import { isFinishedRun } from "../api/types";
import { closePlan } from "../stores/plan";
import { applyStaleEvent, recomputeStale, resetStale } from "../stores/stale";
import { loadRunHistory } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { onRunEvents, useRuns } from "../stores/runs";
import { applyNodeEvents, loadCurrent, resetCurrent } from "../stores/currentGens";
import { applyLensEvents, setShowCurrent } from "../stores/shown";

const STALE_DEBOUNCE_MS = 400;

let staleTimer: ReturnType<typeof setTimeout> | null = null;

/** refreshStale asks the engine again (debounced) which nodes of the open workflow are stale. */
export function refreshStale(delay = STALE_DEBOUNCE_MS): void {
  if (staleTimer) clearTimeout(staleTimer);
  staleTimer = setTimeout(() => {
    staleTimer = null;
    const s = useGraph.getState();
    if (!s.workflowId) return;
    const version = s.baseVersionId || s.currentVersionId;
    if (!version) return;
    // the saved version's graph is what the engine plans; the canvas may hold a draft. The
    // editor holds its base version's graph; another one is asked for (lists carry none).
    const wf = s.workflowId;
    const held = s.base?.versionId === version ? s.base.graph : null;
    void (held ? Promise.resolve(held) : api.getVersion(wf, version).then((v) => v.graph))
      .then((g) => recomputeStale(wf, version, (g.nodes ?? []).map((n) => n.id), g.edges ?? []))
      .catch((e: Error) => console.error("stale: reading version", version, e));
  }, delay);
}

/** startEditorSync starts following a freshly opened workflow; it returns the stop function. */
export function startEditorSync(workflowId: string): () => void {
  resetStale(workflowId);
  closePlan();
  void loadCurrent(workflowId);
  refreshStale(0);

  const offRuns = onRunEvents((evs) => {
    applyNodeEvents(evs);
    applyLensEvents(evs);
    if (evs.some((e) => e.type === "run" && e.workflow_id === workflowId && e.status && isFinishedRun(e.status))) refreshStale();
  });
  const offStale = onEvent("stale", (e) => {
    if (e.workflow_id !== workflowId) return;
    applyStaleEvent(e);
    refreshStale();
  });
  // another process (a command-line run, a pick) changed the workflow's generations: show
  // what it made, list its runs, and ask again what is stale
  const offOthers = onEvent("generations", (e) => {
    if (e.workflow_id !== workflowId) return;
    void loadCurrent(
      workflowId,
      useGraph.getState().nodes.map((n) => n.id),
    );
    void loadRunHistory(workflowId).catch(() => undefined);
    refreshStale();
  });
  // a saved or switched version changes what the engine compares with
  let version = useGraph.getState().baseVersionId;
  const offGraph = useGraph.subscribe((s) => {
    if (s.workflowId === workflowId && s.baseVersionId !== version) {
      version = s.baseVersionId;
      refreshStale();
    }
  });
  // a run put on the canvas (started here, a click on its card) is what the canvas shows
  const offFocus = useRuns.subscribe((s, prev) => {
    const id = s.focused[workflowId];
    if (id && id !== prev.focused[workflowId]) setShowCurrent(workflowId, false);
  });
  return () => {
    offRuns();
    offFocus();
    offStale();
    offOthers();
    offGraph();
    if (staleTimer) clearTimeout(staleTimer);
    staleTimer = null;
    resetCurrent();
    resetStale();
    closePlan();
  };
}
