// The stale badges: which nodes' current results are out of date and why. The engine decides
// (a plan from every sink of the edited graph); this store only asks and remembers the answer,
// and marks nodes whose linked file changed ("stale" events).
import { create } from "zustand";
import type { RunEvent } from "../api/types";
import { staleReasons, staleText, type Plan } from "../plan/reasons";
import { planOf } from "./plan";

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
 * ran, is not called stale. A node the cache will serve (reuse, reason cached: SPEC §14) is
 * stale all the same: its current result is not the one its inputs now give, though a run
 * would take the matching one from the cache instead of executing it.
 */
export function staleFromPlans(
  plans: readonly Plan[],
  edges: readonly { source: string; target: string }[],
): Record<string, StaleMark> {
  const reasons = new Map<string, Set<string>>();
  for (const p of plans) {
    for (const [id, pn] of Object.entries(p.nodes ?? {})) {
      const cached = pn.action === "reuse" && (pn.reasons ?? []).includes("cached");
      if ((pn.action !== "rerun" && !cached) || (pn.reasons ?? []).includes("no_prior_result")) continue;
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
