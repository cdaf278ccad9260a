// What the canvas shows on each node (SPEC §6 "What the canvas shows"): with a run in the
// lens, that run's record of every node — the generation it wrote, or for a node it reused,
// the generation it fed downstream; nodes it did not touch are dimmed. In "Current" mode,
// each node's current generation. The generations a run names are summarised from its node
// events as they arrive, and fetched (RunGenerations) for what the events did not carry.
import { create } from "zustand";
import { api } from "../api/backend";
import type { Generation, RunEvent } from "../api/types";
import { isFinishedRun } from "../api/types";
import { summarizeOutputs, summarizePreview, type Summary } from "../previews/classify";
import { focusedNodeRun, focusedRun, useRuns, type NodeRun, type RunState } from "./runs";
import { useCurrentGens } from "./currentGens";

/** ShownGen is a generation as a node on the canvas shows it. */
export interface ShownGen {
  id: string;
  summary: Summary;
  /** the summary came from an event's short preview; the stored generation may say more */
  partial?: boolean;
}

interface LensState {
  /** workflow id → true when its canvas shows current generations instead of a run */
  current: Record<string, boolean>;
  /** generation id → what a node shows of it */
  gens: Record<string, ShownGen | undefined>;
}

export const useLens = create<LensState>(() => ({ current: {}, gens: {} }));

/** setShowCurrent switches a workflow's canvas between its run in the lens and "Current". */
export function setShowCurrent(workflowId: string, on: boolean): void {
  useLens.setState((s) => ({ current: { ...s.current, [workflowId]: on } }));
}

/** fromGenerations adds stored generations to the cache. */
export function addGenerations(gens: Iterable<Generation>): void {
  const add: Record<string, ShownGen> = {};
  for (const g of gens) add[g.id] = { id: g.id, summary: summarizeOutputs(g.outputs) };
  if (Object.keys(add).length) useLens.setState((s) => ({ gens: { ...s.gens, ...add } }));
}

/** applyLensEvents summarises the generations node events name (their short previews). */
export function applyLensEvents(events: readonly RunEvent[]): void {
  let add: Record<string, ShownGen> | null = null;
  const have = useLens.getState().gens;
  for (const e of events) {
    if (e.type !== "node" || !e.generation_id || !e.preview || have[e.generation_id]) continue;
    add ??= {};
    add[e.generation_id] = { id: e.generation_id, summary: summarizePreview(e.preview), partial: true };
  }
  if (add) {
    const a = add;
    useLens.setState((s) => ({ gens: { ...a, ...s.gens } }));
  }
}

/** runs whose generations were fetched: "final" once fetched after the run ended */
const fetched = new Map<string, "partial" | "final" | "loading">();

/**
 * needGenerations fetches the generations a run names when some are not known yet: once
 * while it runs, once more after it ended (what it reused, what it wrote last).
 */
export function needGenerations(run: Pick<RunState, "id" | "status" | "final">): void {
  const done = isFinishedRun(run.status) && run.final;
  const st = fetched.get(run.id);
  if (st === "loading" || st === "final" || (st === "partial" && !done)) return;
  fetched.set(run.id, "loading");
  api.runGenerations(run.id).then(
    (m) => {
      fetched.set(run.id, done ? "final" : "partial");
      addGenerations(Object.values(m));
    },
    () => fetched.set(run.id, done ? "final" : "partial"),
  );
}

/** forgetLens drops the cache (tests). */
export function resetLens(): void {
  fetched.clear();
  useLens.setState({ current: {}, gens: {} });
}

export type ShownKind = "run" | "current";

/** LensNode is what one node shows: whose record, and which generation. */
export interface LensNode {
  kind: ShownKind;
  /** the focused run's record of the node (run mode) */
  record?: NodeRun;
  /** the generation shown; undefined when none */
  genId?: string;
  /** the run did not touch this node: it is dimmed */
  untouched: boolean;
}

/**
 * lensNode decides what a node shows. runStatus is the status of the run in the lens ("" when
 * none) and record its record of the node. In run mode the record's generation (failed nodes
 * show their error, running ones their live text); a node the run did not touch is dimmed
 * once the run has ended (while it goes, a node may still be reached).
 */
export function lensNode(runStatus: string, record: NodeRun | undefined, showCurrent: boolean, currentGenId: string | undefined): LensNode {
  if (!runStatus || showCurrent) return { kind: "current", genId: currentGenId, untouched: false };
  const untouched = (!record && isFinishedRun(runStatus)) || record?.status === "untouched";
  return { kind: "run", record, genId: record?.generationId, untouched };
}

/**
 * lensPhase is all lensNode needs of the lens run's status: none (""), going ("running") or
 * finished ("completed"). A node selects it rather than the status, so that a run moving on
 * (queued → running, running → paused, completed after running) renders no node whose own
 * drawing does not change: only the run's end, which dims untouched nodes, is seen.
 */
export function lensPhase(status: string): "" | "running" | "completed" {
  if (!status) return "";
  return isFinishedRun(status) ? "completed" : "running";
}

/** useShowCurrent: whether the open workflow's canvas is in "Current" mode. */
export function useShowCurrent(workflowId: string | null): boolean {
  return useLens((s) => (workflowId ? !!s.current[workflowId] : false));
}

/** useLensNode is lensNode for a node of the open workflow, from slices that change only
 * when this node's record, the run's status or the node's current generation do. */
export function useLensNode(workflowId: string | null, nodeId: string): LensNode {
  const showCurrent = useShowCurrent(workflowId);
  // the run's phase only, not its status: a run going from queued to running, or from running
  // to completed, would otherwise draw every node of the canvas again (2,000 at once)
  const runStatus = useRuns((s) => (showCurrent ? "" : lensPhase(focusedRun(s, workflowId)?.status ?? "")));
  const record = useRuns((s) => (showCurrent ? undefined : focusedNodeRun(s, workflowId, nodeId)));
  const currentId = useCurrentGens((s) => s.byNode[nodeId]?.id);
  return lensNode(runStatus, record, showCurrent, currentId);
}

/**
 * lensDrawKey is all a node drawn far out shows of the lens: its status in the lens run and
 * whether it is dimmed, as "status|untouched" ("" for neither). A string, so a far node renders
 * only when its own drawing changes — not when a run goes onto the canvas, its status moves
 * on, or its record is replaced by an equal one (the stored record merged at the end).
 */
export function lensDrawKey(
  s: Parameters<typeof focusedRun>[0],
  workflowId: string | null,
  nodeId: string,
  showCurrent: boolean,
): string {
  if (showCurrent) return "";
  const run = focusedRun(s, workflowId);
  if (!run) return "";
  const n = lensNode(lensPhase(run.status), run.nodes[nodeId], false, undefined);
  const status = n.record?.status ?? "";
  return status || n.untouched ? `${status}|${n.untouched ? 1 : 0}` : "";
}

/** useLensDraw is lensDrawKey for a node of the open workflow: its status and dimming. */
export function useLensDraw(workflowId: string | null, nodeId: string): { status?: string; untouched: boolean } {
  const showCurrent = useShowCurrent(workflowId);
  const key = useRuns((s) => lensDrawKey(s, workflowId, nodeId, showCurrent));
  if (!key) return { untouched: false };
  const [status, untouched] = key.split("|");
  return { status: status || undefined, untouched: untouched === "1" };
}

/** shownGenerationId is the generation the canvas shows on a node (the viewer opens on it). */
export function shownGenerationId(workflowId: string, nodeId: string): string | undefined {
  const showCurrent = !!useLens.getState().current[workflowId];
  const s = useRuns.getState();
  const run = showCurrent ? null : focusedRun(s, workflowId);
  return lensNode(run?.status ?? "", run?.nodes[nodeId], showCurrent, useCurrentGens.getState().byNode[nodeId]?.id).genId;
}

/** useShownGenerationId is shownGenerationId as a hook. */
export function useShownGenerationId(workflowId: string | null, nodeId: string): string | undefined {
  return useLensNode(workflowId, nodeId).genId;
}
