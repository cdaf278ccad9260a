// The plan preview of a run from a node (PlanFrom), shown by colouring the canvas and in the
// plan panel. The engine decides; this store only asks and remembers the answer. The stale
// badges, also read from plans, are stores/stale.ts.
import { create } from "zustand";
import { api } from "../api/backend";
import { runTarget, useGraph } from "./graph";
import { compareApi } from "../compare/api";
import { sourceText, type Plan, type PlanNode } from "../plan/reasons";

interface PlanState {
  workflowId: string | null;
  /** the node the plan runs from */
  from: string | null;
  plan: Plan | null;
  loading: boolean;
  error: string | null;
  /** generation id → where a cached result comes from, in words (filled after the plan) */
  sources: Record<string, string>;
}

export const usePlan = create<PlanState>(() => ({ workflowId: null, from: null, plan: null, loading: false, error: null, sources: {} }));

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

/** planOf plans from the graph being edited (unsaved edits included) when it is the open
 * workflow's, else from the saved version; an open graph with no change from its base version
 * is planned as that version (runTarget), an edited one sent as its patch of the base. */
export function planOf(workflowId: string, versionId: string, nodeId: string): Promise<Plan> {
  const g = useGraph.getState();
  if (g.workflowId !== workflowId) return api.planFrom(workflowId, versionId, nodeId);
  const target = runTarget(g);
  if ("graph" in target) return api.planGraph(workflowId, target.graph, nodeId);
  if ("patch" in target) return api.planGraphPatch(workflowId, target.patch, nodeId);
  return api.planFrom(workflowId, target.version_id, nodeId);
}

/** previewPlan asks the engine what a run from nodeId would do. */
export async function previewPlan(workflowId: string, versionId: string, nodeId: string): Promise<Plan | null> {
  const seq = ++planSeq;
  usePlan.setState({ workflowId, from: nodeId, plan: null, loading: true, error: null, sources: {} });
  try {
    const plan = await planOf(workflowId, versionId, nodeId);
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
  usePlan.setState({ workflowId: null, from: null, plan: null, loading: false, error: null, sources: {} });
}

/** planNodeOf is one node's decision in the plan shown for a workflow (the node's slice). */
export function planNodeOf(s: PlanState, workflowId: string | null, nodeId: string): PlanNode | undefined {
  return s.plan && s.workflowId === workflowId ? s.plan.nodes?.[nodeId] : undefined;
}
