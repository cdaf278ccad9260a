// The plan preview of a run from a node (PlanFrom), shown by colouring the canvas and in the
// plan panel, and the stale badges: which nodes' current results are out of date and why.
// The engine decides both; this store only asks and remembers the answer.
import { create } from "zustand";
import type { RunEvent } from "../api/types";
import { api } from "../api/backend";
import { graphOf, useGraph } from "../stores/graph";
import { staleReasons, staleText, type Plan, type PlanNode } from "./reasons";

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
function planOf(workflowId: string, versionId: string, nodeId: string): Promise<Plan> {
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

// ---- stale badges ------------------------------------------------------------------------

export interface StaleMark {
  reasons: string[];
  text: string;
}

interface StaleState {
  workflowId: string | null;
  byNode: Readonly<Record<string, StaleMark | undefined>>;
}

export const useStale = create<StaleState>(() => ({ workflowId: null, byNode: {} }));

/** sinks are the nodes nothing else reads from: a plan from each covers the whole graph. */
export function sinks(nodeIds: readonly string[], edges: readonly { source: string; target: string }[]): string[] {
  const feeds = new Set(edges.map((e) => e.source));
  return nodeIds.filter((id) => !feeds.has(id));
}

const OWN_STALE = ["config_changed", "file_changed", "input_changed"];

/**
 * staleFromPlans merges plans from several nodes into stale marks. A node with a result is
 * stale when a plan reruns it because its settings, its linked file or a value it reads
 * changed; its downstream nodes that rerun because of it (upstream_changed) are stale too.
 * A node without a result, or one rerun only because something before it failed or never
 * ran, is not called stale.
 */
export function staleFromPlans(
  plans: readonly Plan[],
  edges: readonly { source: string; target: string }[],
): Record<string, StaleMark> {
  const reasons = new Map<string, Set<string>>();
  for (const p of plans) {
    for (const [id, pn] of Object.entries(p.nodes ?? {})) {
      if (pn.action !== "rerun" || (pn.reasons ?? []).includes("no_prior_result")) continue;
      const set = reasons.get(id) ?? new Set<string>();
      for (const r of staleReasons(pn.reasons)) set.add(r);
      if (set.size) reasons.set(id, set);
    }
  }
  const out: Record<string, StaleMark> = {};
  const queue: string[] = [];
  for (const [id, set] of reasons) {
    const own = [...set].filter((r) => OWN_STALE.includes(r));
    if (own.length) {
      out[id] = { reasons: own, text: staleText(own) };
      queue.push(id);
    }
  }
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  while (queue.length) {
    const id = queue.shift()!;
    for (const t of next.get(id) ?? []) {
      if (!reasons.get(t)?.has("upstream_changed")) continue;
      const m = out[t];
      if (m?.reasons.includes("upstream_changed")) continue;
      const merged = [...(m?.reasons ?? []), "upstream_changed"];
      out[t] = { reasons: merged, text: staleText(merged) };
      queue.push(t);
    }
  }
  return out;
}

let staleSeq = 0;

/**
 * recomputeStale asks the engine to plan from every sink of the edited graph and keeps the
 * nodes whose current result is out of date. Nodes never run are not stale (no result yet).
 */
export async function recomputeStale(
  workflowId: string,
  versionId: string,
  nodeIds: readonly string[],
  edges: readonly { source: string; target: string }[],
): Promise<void> {
  const seq = ++staleSeq;
  const from = sinks(nodeIds, edges);
  const plans: Plan[] = [];
  for (const id of from) {
    try {
      plans.push(await planOf(workflowId, versionId, id));
    } catch {
      // a graph that does not validate yet cannot be planned: nothing to say about it yet
    }
  }
  if (seq !== staleSeq) return;
  useStale.setState({ workflowId, byNode: staleFromPlans(plans, edges) });
}

/** applyStaleEvent marks a node whose linked file changed (a "stale" event). */
export function applyStaleEvent(e: RunEvent): void {
  const s = useStale.getState();
  if (!e.node_id || (s.workflowId && s.workflowId !== e.workflow_id)) return;
  const prev = s.byNode[e.node_id];
  const reasons = [...new Set([...(prev?.reasons ?? []), ...(e.reasons?.length ? e.reasons : ["file_changed"])])];
  const detail = e.text ? ` (${e.text})` : "";
  useStale.setState({
    workflowId: e.workflow_id,
    byNode: { ...s.byNode, [e.node_id]: { reasons, text: staleText(reasons) + detail } },
  });
}

export function resetStale(workflowId: string | null = null): void {
  staleSeq++;
  useStale.setState({ workflowId, byNode: {} });
}
