// Find a node of the graph by words of its id, label or type (the editor's Ctrl+F).
import type { FbNode } from "./flowtypes";
import { compareIds } from "./order";
import { matchesWords } from "./search";

export interface FoundNode {
  id: string;
  label: string;
  type: string;
}

/**
 * findNodes lists the nodes with every word of query in their id, label or type (any order,
 * abbreviated too): an id equal to the query first, then by id with numbers as numbers; at most
 * limit of them, and how many more matched.
 */
export function findNodes(nodes: readonly FbNode[], query: string, limit = 50): { found: FoundNode[]; more: number } {
  const q = query.trim();
  const hits: FoundNode[] = [];
  for (const n of nodes) {
    const label = n.data.label ?? "";
    if (matchesWords(`${n.id} ${label} ${n.data.type}`, q)) hits.push({ id: n.id, label, type: n.data.type });
  }
  const exact = q.toLowerCase();
  hits.sort((a, b) => Number(b.id.toLowerCase() === exact) - Number(a.id.toLowerCase() === exact) || compareIds(a.id, b.id));
  return { found: hits.slice(0, limit), more: Math.max(0, hits.length - limit) };
}
