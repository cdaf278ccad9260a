// How the backend's validation problems (CheckGraph) are shown while a graph is edited: a
// problem about one param goes under that field in the inspector, the rest on top; the node
// carries a badge whose tooltip lists them all.
import type { Problem } from "../api/types";

/** nodeProblems splits a node's problems into those shown under a param field (by param name,
 * for the params the inspector has a field for) and the others. */
export function nodeProblems(
  problems: Problem[],
  nodeId: string,
  fields: string[],
): { byParam: Record<string, string>; other: Problem[] } {
  const byParam: Record<string, string> = {};
  const other: Problem[] = [];
  for (const p of problems) {
    if (p.node_id !== nodeId) continue;
    if (p.param && fields.includes(p.param)) {
      byParam[p.param] = byParam[p.param] ? `${byParam[p.param]}\n${p.message}` : p.message;
    } else {
      other.push(p);
    }
  }
  return { byParam, other };
}

/** problemText is one problem as a line of a node's badge tooltip. */
export function problemText(p: Problem): string {
  if (p.param) return `${p.param}: ${p.message}`;
  if (p.handle) return `${p.handle}: ${p.message}`;
  if (p.input) return `{{${p.input}}}: ${p.message}`;
  return p.message;
}

/** badgeTitle is the tooltip of a node's problem badge. */
export function badgeTitle(problems: Problem[], nodeId: string): string {
  return problems
    .filter((p) => p.node_id === nodeId)
    .map(problemText)
    .join("\n");
}
