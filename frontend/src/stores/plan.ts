// The plan preview of a run from a node (PlanFrom) or of a changed run (PlanChanged), shown by
// colouring the canvas and in the plan panel. The engine decides; this store only asks and
// remembers the answer. The stale badges, also read from plans, are stores/stale.ts.
import { create } from "zustand";
import { api } from "../api/backend";
import { runTarget, useGraph } from "./graph";
import { compareApi } from "../compare/api";
import { sourceText, type Plan, type PlanNode } from "../plan/reasons";

interface PlanState {
  workflowId: string | null;
  /** the node the plan runs from (null: none, or a changed run's plan) */
  from: string | null;
  /** the plan is of a changed run (Run changed) */
  changed: boolean;
  plan: Plan | null;
  loading: boolean;
  error: string | null;
  /** generation id → where a cached result comes from, in words (filled after the plan) */
  sources: Record<string, string>;
}

const closed = { workflowId: null, from: null, changed: false, plan: null, loading: false, error: null, sources: {} };

export const usePlan = create<PlanState>(() => closed);

/** MAX_SOURCES bounds how many cached results a plan names (the rest keep their short id). */
const MAX_SOURCES = 200;

/** cachedSources lists the generations a plan reuses from the cache (reason cached). */
export function cachedSources(plan: Plan): string[] {
  const ids = new Set<string>();
  for (const pn of Object.values(plan.nodes ?? {})) {
    if (ids.size >= MAX_SOURCES) break;
    if (pn.action === "reuse" && pn.reasons?.includes("cached") && pn.source_generation_id) ids.add(pn.source_generation_id);
  }
  return [...ids];
}

/** nameSources reads the cached results' generations and workflows to name them; failing
 * that, the plan keeps short ids. */
async function nameSources(plan: Plan, seq: number): Promise<void> {
  const ids = cachedSources(plan);
  if (ids.length === 0) return;
  try {
    const [gens, cards] = await Promise.all([compareApi.generations(ids), api.listWorkflows()]);
    const names = Object.fromEntries(cards.map((c) => [c.id, c.name]));
    const sources: Record<string, string> = {};
    for (const [id, g] of Object.entries(gens)) sources[id] = sourceText(g, names);
    if (seq === planSeq) usePlan.setState({ sources });
  } catch {
    // the short ids stay: naming the source is a courtesy, the plan is complete without it
  }
}

let planSeq = 0;

/** planOf plans a run from nodeId (null: a changed run) of the graph being edited (unsaved
 * edits included) when it is the open workflow's, else of the saved version; an open graph
 * with no change from its base version is planned as that version (runTarget), an edited one
 * sent as its patch of the base. */
export function planOf(workflowId: string, versionId: string, nodeId: string | null): Promise<Plan> {
  const g = useGraph.getState();
  const onVersion = (v: string) => (nodeId === null ? api.planChanged(workflowId, v) : api.planFrom(workflowId, v, nodeId));
  if (g.workflowId !== workflowId) return onVersion(versionId);
  const target = runTarget(g);
  if ("graph" in target) return nodeId === null ? api.planGraphChanged(workflowId, target.graph) : api.planGraph(workflowId, target.graph, nodeId);
  if ("patch" in target)
    return nodeId === null ? api.planGraphPatchChanged(workflowId, target.patch) : api.planGraphPatch(workflowId, target.patch, nodeId);
  return onVersion(target.version_id);
}

/** previewPlan asks the engine what a run from nodeId would do. */
export function previewPlan(workflowId: string, versionId: string, nodeId: string): Promise<Plan | null> {
  return preview(workflowId, versionId, nodeId);
}

/** previewChanged asks the engine what a changed run (Run changed) would do. */
export function previewChanged(workflowId: string, versionId: string): Promise<Plan | null> {
  return preview(workflowId, versionId, null);
}

async function preview(workflowId: string, versionId: string, from: string | null): Promise<Plan | null> {
  const seq = ++planSeq;
  usePlan.setState({ ...closed, workflowId, from, changed: from === null, loading: true });
  try {
    const plan = await planOf(workflowId, versionId, from);
    if (seq === planSeq) {
      usePlan.setState({ plan, loading: false });
      void nameSources(plan, seq);
    }
    return plan;
  } catch (e) {
    if (seq === planSeq) usePlan.setState({ loading: false, error: (e as Error).message });
    return null;
  }
}

export function closePlan(): void {
  planSeq++;
  usePlan.setState(closed);
}

/** planOpen: a plan preview is shown (of a run from a node, or of a changed run). */
export function planOpen(s: Pick<PlanState, "from" | "changed">): boolean {
  return s.from !== null || s.changed;
}

/** planNodeOf is one node's decision in the plan shown for a workflow (the node's slice). */
export function planNodeOf(s: PlanState, workflowId: string | null, nodeId: string): PlanNode | undefined {
  return s.plan && s.workflowId === workflowId ? s.plan.nodes?.[nodeId] : undefined;
}
