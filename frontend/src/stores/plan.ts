// The plan preview of a run from a node (PlanFrom), shown by colouring the canvas and in the
// plan panel. The engine decides; this store only asks and remembers the answer. The stale
// badges, also read from plans, are stores/stale.ts.
import { create } from "zustand";
import { api } from "../api/backend";
import { graphOf, useGraph } from "./graph";
import type { Plan, PlanNode } from "../plan/reasons";

interface PlanState {
  workflowId: string | null;
  /** the node the plan runs from */
  from: string | null;
  plan: Plan | null;
  loading: boolean;
  error: string | null;
}

export const usePlan = create<PlanState>(() => ({ workflowId: null, from: null, plan: null, loading: false, error: null }));

let planSeq = 0;

/** planOf plans from the graph being edited (unsaved edits included) when it is the open
 * workflow's, else from the saved version. */
export function planOf(workflowId: string, versionId: string, nodeId: string): Promise<Plan> {
  const g = useGraph.getState();
  if (g.workflowId === workflowId) return api.planGraph(workflowId, graphOf(g), nodeId);
  return api.planFrom(workflowId, versionId, nodeId);
}

/** previewPlan asks the engine what a run from nodeId would do. */
export async function previewPlan(workflowId: string, versionId: string, nodeId: string): Promise<Plan | null> {
  const seq = ++planSeq;
  usePlan.setState({ workflowId, from: nodeId, plan: null, loading: true, error: null });
  try {
    const plan = await planOf(workflowId, versionId, nodeId);
    if (seq === planSeq) usePlan.setState({ plan, loading: false });
    return plan;
  } catch (e) {
    if (seq === planSeq) usePlan.setState({ loading: false, error: (e as Error).message });
    return null;
  }
}

export function closePlan(): void {
  planSeq++;
  usePlan.setState({ workflowId: null, from: null, plan: null, loading: false, error: null });
}

/** planNodeOf is one node's decision in the plan shown for a workflow (the node's slice). */
export function planNodeOf(s: PlanState, workflowId: string | null, nodeId: string): PlanNode | undefined {
  return s.plan && s.workflowId === workflowId ? s.plan.nodes?.[nodeId] : undefined;
}
