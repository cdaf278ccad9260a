// Run-from-block decisions in plain words. The engine decides (SPEC §7); the window only
// explains: each reason word becomes a phrase a person reads without knowing the engine.
import type { Plan, PlanNode } from "../api/types";
import { compareIds } from "../lib/order";

export type { Plan, PlanNode };

/** REASONS are SPEC §7's reason words with what they mean for the node. */
export const REASONS: Readonly<Record<string, string>> = {
  target: "you are running from this node",
  downstream_of_target: "it comes after the node you run from",
  inputs_unchanged: "its inputs turned out the same as last time, so its result was kept",
  no_prior_result: "it has no result yet",
  prior_error: "its last result was an error",
  config_changed: "its settings changed since its last result",
  file_changed: "its linked file changed on disk",
  upstream_changed: "a node before it runs again",
  input_changed: "a value it reads changed (a flow input, or the picked result of a node before it)",
  loop_restart: "it is inside a loop that runs again",
  selected: "you picked this result",
  resume: "the run resumes from here",
  shared: "another run was computing the same thing at the same time; its result was recorded here too",
  changed: "it changed since its last result (a changed run starts from it)",
  cached: "a result with exactly these inputs already existed (in this or another workflow), so it was reused",
};

/** reasonText is one reason in plain words; an unknown word is shown as it is. */
export function reasonText(reason: string): string {
  return REASONS[reason] ?? reason.replace(/_/g, " ");
}

/** actionWord names what the plan does with a node. */
export function actionWord(action: string, reasons?: readonly string[] | null): string {
  switch (action) {
    case "rerun":
      return "Runs again";
    case "reuse":
      return reasons?.includes("cached") ? "Reuses an existing result" : "Reuses its result";
    case "untouched":
      return "Not needed";
    default:
      return action;
  }
}

/**
 * explainNode is one sentence for a planned node: what happens and why, e.g.
 * "Runs again: its settings changed since its last result."
 */
export function explainNode(pn: Pick<PlanNode, "action" | "reasons" | "may_be_cached"> | undefined): string {
  if (!pn) return "Not in this plan.";
  const reasons = (pn.reasons ?? []).map(reasonText);
  if (pn.action === "untouched") return "Not needed: nothing this run computes depends on it.";
  if (pn.action === "reuse") {
    const whose = pn.reasons?.includes("cached") ? "an existing result" : "its current result";
    return reasons.length ? `Reuses ${whose}: ${joinWords(reasons)}.` : `Reuses ${whose}: nothing it depends on changed.`;
  }
  const s = reasons.length ? `${actionWord(pn.action)}: ${joinWords(reasons)}.` : `${actionWord(pn.action)}.`;
  return pn.may_be_cached ? `${s} ${MAY_BE_CACHED}` : s;
}

/** MAY_BE_CACHED explains a rerun node the cache may still serve (SPEC §14, may_be_cached). */
export const MAY_BE_CACHED =
  "It may be reused from the cache instead, if what the nodes before it compute matches a result that already exists.";

function joinWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return parts.slice(0, -1).join("; ") + "; and " + parts[parts.length - 1];
}

/** explainWhy is the reason part alone, as a sentence: "Its settings changed since …". */
export function explainWhy(
  pn: (Pick<PlanNode, "action" | "reasons"> & Partial<Pick<PlanNode, "may_be_cached" | "source_generation_id">>) | undefined,
  /** where a cached result comes from, in words (sourceText), once known */
  source?: string,
): string {
  if (!pn) return "";
  const reasons = (pn.reasons ?? []).map(reasonText);
  const maybe = pn.action === "rerun" && pn.may_be_cached ? MAY_BE_CACHED : "";
  if (reasons.length === 0) {
    return pn.action === "reuse" ? "Nothing it depends on changed." : pn.action === "untouched" ? "Nothing this run computes depends on it." : maybe;
  }
  const s = joinWords(reasons);
  const from =
    pn.action === "reuse" && pn.reasons?.includes("cached") && pn.source_generation_id ? ` (${source || `result ${shortID(pn.source_generation_id)}`})` : "";
  return s.charAt(0).toUpperCase() + s.slice(1) + from + "." + (maybe ? " " + maybe : "");
}

/** SourceGeneration is what sourceText needs of a cached result's generation. */
export interface SourceGeneration {
  id: string;
  workflow_id: string;
  version_label: string;
  run_label: string;
  run_id: string;
}

/**
 * sourceText names where a cached result comes from: `result of "Blur" v3, Run #12`. The
 * workflow is named when the caller knows it (names: workflow id → name).
 */
export function sourceText(g: SourceGeneration, names: Readonly<Record<string, string>>): string {
  const wf = names[g.workflow_id];
  const run = g.run_label || (g.run_id ? `run ${g.run_id.slice(0, 8)}` : "");
  const where = [wf ? `"${wf}"` : "", g.version_label].filter(Boolean).join(" ");
  return `result of ${[where, run].filter(Boolean).join(", ") || shortID(g.id)}`;
}

/** shortID is the end of a generation id (its start is a time, alike for results made together). */
export function shortID(id: string): string {
  return id.length > 8 ? "…" + id.slice(-8) : id;
}

export interface PlanSummary {
  rerun: number;
  reuse: number;
  untouched: number;
  text: string;
}

/** summarize counts a plan's decisions: "3 nodes run again, 2 reused, 1 not needed". */
export function summarize(plan: Pick<Plan, "nodes">): PlanSummary {
  let rerun = 0;
  let reuse = 0;
  let untouched = 0;
  for (const pn of Object.values(plan.nodes ?? {})) {
    if (pn.action === "rerun") rerun++;
    else if (pn.action === "reuse") reuse++;
    else untouched++;
  }
  const parts = [`${rerun} node${rerun === 1 ? " runs" : "s run"} again`, `${reuse} reused`];
  if (untouched) parts.push(`${untouched} not needed`);
  return { rerun, reuse, untouched, text: parts.join(", ") };
}

/** planOrder lists a plan's nodes: reruns first, then reuses, then the rest, by id (n2 before n10). */
export function planOrder(plan: Pick<Plan, "nodes">): [string, PlanNode][] {
  const rank: Record<string, number> = { rerun: 0, reuse: 1, untouched: 2 };
  return Object.entries(plan.nodes ?? {}).sort(
    ([a, x], [b, y]) => (rank[x.action] ?? 3) - (rank[y.action] ?? 3) || compareIds(a, b),
  );
}

/** STALE_REASONS make a node's current result out of date (its badge explains which). */
export const STALE_REASONS = ["config_changed", "file_changed", "input_changed", "upstream_changed"] as const;

/** staleReasons picks the reasons that make a node's current result out of date. */
export function staleReasons(reasons: readonly string[] | null | undefined): string[] {
  return (reasons ?? []).filter((r) => (STALE_REASONS as readonly string[]).includes(r));
}

/** staleText is the badge's explanation: "Out of date: its settings changed …". */
export function staleText(reasons: readonly string[]): string {
  const words = staleReasons(reasons).map(reasonText);
  return words.length ? `Out of date: ${joinWords(words)}.` : "";
}
