// The dashboard's order and search of workflow cards.
import type { WorkflowCard } from "../api/types";
import { compareNames } from "../lib/order";
import { matchesWords } from "../lib/search";

/** CardSort: most recently run or saved first, or by name (numbers as numbers: "Sweep 2" before "Sweep 10"). */
export type CardSort = "recent" | "name";

export const CARD_SORTS: { value: CardSort; label: string }[] = [
  { value: "recent", label: "Recently used" },
  { value: "name", label: "Name" },
];

/** lastUsed is when a workflow was last run or saved (RFC 3339 times compare as text only in one zone: parsed). */
function lastUsed(c: WorkflowCard): number {
  const t = (s: string) => (s ? Date.parse(s) || 0 : 0);
  return Math.max(t(c.last_run_at), t(c.updated_at));
}

/** arrangeCards: the cards whose name or description has every word of query, in sort's order. */
export function arrangeCards(cards: readonly WorkflowCard[], query: string, sort: CardSort): WorkflowCard[] {
  const shown = cards.filter((c) => matchesWords(`${c.name} ${c.description}`, query));
  const name = (a: WorkflowCard, b: WorkflowCard) => compareNames(a.name, b.name) || a.id.localeCompare(b.id);
  return shown.sort(sort === "recent" ? (a, b) => lastUsed(b) - lastUsed(a) || name(a, b) : name);
}

const SORT_KEY = "flowbench.dashboardSort";

/** savedSort is the order the dashboard was last shown in ("recent" at first). */
export function savedSort(): CardSort {
  return localStorage.getItem(SORT_KEY) === "name" ? "name" : "recent";
}

export function saveSort(sort: CardSort): void {
  localStorage.setItem(SORT_KEY, sort);
}
