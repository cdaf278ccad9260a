// The current generation of each node of the open workflow (selected ?? latest successful):
// what the canvas shows on a node, and whether the node carries a "picked" mark. Loaded in one
// call (CurrentGenerations) when a workflow opens or another process changed it, then kept up
// to date from node events (a new generation becomes current unless the node has a pick) and
// after select/delete.
import { create } from "zustand";
import type { Generation, RunEvent } from "../api/types";
import { summarizeOutputs, summarizePreview, type Summary } from "../previews/classify";
import { api } from "../api/backend";
import type { Timeline } from "../generations/timeline";

export interface CurrentGen {
  id: string;
  picked: boolean;
  summary: Summary;
}

interface CurrentState {
  workflowId: string | null;
  byNode: Readonly<Record<string, CurrentGen | undefined>>;
  /** node id → a counter bumped whenever the node's timeline changed (viewers refetch) */
  rev: Readonly<Record<string, number>>;
}

export const useCurrentGens = create<CurrentState>(() => ({ workflowId: null, byNode: {}, rev: {} }));

/** fromTimeline is the node's current generation as the canvas shows it. */
export function fromTimeline(tl: Timeline): CurrentGen | undefined {
  const g = tl.generations.find((x) => x.id === tl.current_generation_id);
  if (!g) return undefined;
  return { id: g.id, picked: !!g.selected, summary: summarizeOutputs(g.outputs) };
}

/** fromGeneration is a current generation as the canvas shows it. */
export function fromGeneration(g: Generation): CurrentGen {
  return { id: g.id, picked: !!g.selected, summary: summarizeOutputs(g.outputs) };
}

let loadSeq = 0;

/**
 * loadCurrent fetches the current generation of every node in one call. The timelines of the
 * `changed` nodes (all of them when another process changed the workflow) count as changed
 * too, so an open viewer fetches its node's again.
 */
export async function loadCurrent(workflowId: string, changed: readonly string[] = []): Promise<void> {
  const seq = ++loadSeq;
  if (useCurrentGens.getState().workflowId !== workflowId) useCurrentGens.setState({ workflowId, byNode: {}, rev: {} });
  // a node whose events arrive while the answer is on its way keeps what they said: the
  // answer may have been read before them
  const revAtStart = useCurrentGens.getState().rev;
  let gens: Record<string, Generation>;
  try {
    gens = await api.currentGenerations(workflowId);
  } catch {
    return; // a workflow deleted meanwhile: nothing to show
  }
  if (seq !== loadSeq || useCurrentGens.getState().workflowId !== workflowId) return;
  useCurrentGens.setState((s) => {
    const byNode: Record<string, CurrentGen | undefined> = {};
    for (const [id, g] of Object.entries(gens)) byNode[id] = fromGeneration(g);
    for (const id of Object.keys(s.rev)) {
      if (s.rev[id] !== revAtStart[id]) byNode[id] = s.byNode[id];
    }
    if (!changed.length) return { byNode };
    const rev = { ...s.rev };
    for (const id of changed) rev[id] = (rev[id] ?? 0) + 1;
    return { byNode, rev };
  });
}

/** refreshNode refetches one node's timeline after the user changed it (select, delete). */
export async function refreshNode(workflowId: string, nodeId: string): Promise<Timeline | null> {
  try {
    const tl = await api.nodeTimeline(workflowId, nodeId);
    if (useCurrentGens.getState().workflowId === workflowId) {
      useCurrentGens.setState((s) => ({
        byNode: { ...s.byNode, [nodeId]: fromTimeline(tl) },
        rev: { ...s.rev, [nodeId]: (s.rev[nodeId] ?? 0) + 1 },
      }));
    }
    return tl;
  } catch {
    return null;
  }
}

/**
 * becomesCurrent says whether a generation a run just made (its status) becomes its node's
 * current one: the mirror of the engine's one rule (engine/current.go, Outranks) for a new
 * generation — it must have completed, and a pick stays. currentGens.test.ts checks it on the
 * cases the Go test reads (testdata/rules/current-generation.json).
 */
export function becomesCurrent(cur: Pick<CurrentGen, "picked"> | undefined, status: string): boolean {
  return status === "completed" && !cur?.picked;
}

/** applyNodeEvents folds a batch of node events of the open workflow into the store. */
export function applyNodeEvents(events: readonly RunEvent[]): void {
  const s = useCurrentGens.getState();
  const wf = s.workflowId;
  if (!wf) return;
  let byNode: Record<string, CurrentGen | undefined> | null = null;
  let rev: Record<string, number> | null = null;
  for (const e of events) {
    if (e.type !== "node" || e.workflow_id !== wf || !e.node_id) continue;
    rev ??= { ...s.rev };
    rev[e.node_id] = (rev[e.node_id] ?? 0) + 1;
    if (e.status === "executed" && e.generation_id) {
      const cur = (byNode ?? s.byNode)[e.node_id];
      if (!becomesCurrent(cur, "completed")) continue;
      byNode ??= { ...s.byNode };
      byNode[e.node_id] = { id: e.generation_id, picked: false, summary: summarizePreview(e.preview) };
    }
  }
  if (rev) useCurrentGens.setState(byNode ? { byNode, rev } : { rev });
}

/** resetCurrent forgets the open workflow (the editor closed). */
export function resetCurrent(): void {
  loadSeq++;
  useCurrentGens.setState({ workflowId: null, byNode: {}, rev: {} });
}
