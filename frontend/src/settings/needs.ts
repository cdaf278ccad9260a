// Which servers a workflow needs (the providers its nodes name) and whether they answer: the
// editor says so, with a way to Settings → Providers, before a run fails on it.
import type { ProviderInfo, ProviderTest } from "./providers";

export interface Need {
  provider: string;
  /** the nodes naming it */
  nodes: string[];
}

/** serverNeeds lists the providers a workflow's nodes name, sorted, with the nodes that do.
 * A templated name ("{{p}}") is known only at run time and is left out. */
export function serverNeeds(nodes: readonly { id: string; data: { params?: Record<string, unknown> } }[]): Need[] {
  const by = new Map<string, string[]>();
  for (const n of nodes) {
    const p = n.data.params?.provider;
    if (typeof p !== "string" || p.trim() === "" || p.includes("{{")) continue;
    const name = p.trim();
    by.set(name, [...(by.get(name) ?? []), n.id]);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([provider, ids]) => ({ provider, nodes: ids.sort() }));
}

export type NeedState =
  | { provider: string; nodes: string[]; state: "missing" }
  | { provider: string; nodes: string[]; state: "checking" }
  | { provider: string; nodes: string[]; state: "ok" }
  | { provider: string; nodes: string[]; state: "down"; detail: string };

/** needState is one need's state given the providers set up and its test (if any yet). */
export function needState(need: Need, providers: readonly ProviderInfo[], test: ProviderTest | undefined): NeedState {
  if (!providers.some((p) => p.name === need.provider)) return { ...need, state: "missing" };
  if (!test) return { ...need, state: "checking" };
  if (test.urls.some((u) => u.ok)) return { ...need, state: "ok" };
  const first = test.urls.find((u) => u.error);
  return { ...need, state: "down", detail: test.error || (first ? urlError(first.url, first.error ?? "") : "no URL answers") };
}

/** urlError names the URL once: the test's error may already start with it. */
function urlError(url: string, err: string): string {
  return err.includes(url) ? err : `${url}: ${err}`;
}

/** needText is one line of the banner for a need that is not met. */
export function needText(s: NeedState): string {
  const who = s.nodes.length === 1 ? `node ${s.nodes[0]}` : `nodes ${s.nodes.join(", ")}`;
  switch (s.state) {
    case "missing":
      return `Provider "${s.provider}" (${who}) is not set up.`;
    case "down":
      return `Provider "${s.provider}" (${who}) does not answer — ${s.detail}.`;
    default:
      return "";
  }
}
