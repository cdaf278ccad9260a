// Copy and paste of canvas nodes: the selected nodes with the edges between them, pasted
// with new ids (offset so the copy is visible beside the original).
import type { GraphEdge, GraphNode } from "../api/types";
import { uniqueId } from "./ids";

export interface Clip {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** copyNodes takes the chosen nodes (and children of chosen groups) with their inner edges. */
export function copyNodes(nodes: GraphNode[], edges: GraphEdge[], chosen: Set<string>): Clip {
  const ids = new Set(chosen);
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of nodes) {
      if (n.parentId && ids.has(n.parentId) && !ids.has(n.id)) {
        ids.add(n.id);
        grew = true;
      }
    }
  }
  return {
    nodes: nodes.filter((n) => ids.has(n.id)).map((n) => structuredClone(n)),
    edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ ...e, id: undefined })),
  };
}

/** pasteClip renames every clip node to a fresh id and shifts the pasted nodes by offset (children of a
 * pasted group move with it). */
export function pasteClip(clip: Clip, taken: Set<string>, offset = { x: 40, y: 40 }): Clip & { idMap: Map<string, string> } {
  const used = new Set(taken);
  const idMap = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = uniqueId(n.id, used);
    used.add(id);
    idMap.set(n.id, id);
  }
  const nodes = clip.nodes.map((n) => {
    const copy: GraphNode = structuredClone(n);
    copy.id = idMap.get(n.id)!;
    const insideCopiedGroup = Boolean(copy.parentId && idMap.has(copy.parentId));
    // A child copied without its group is pasted into the same group.
    if (copy.parentId) copy.parentId = idMap.get(copy.parentId) ?? copy.parentId;
    if (!insideCopiedGroup) {
      const p = copy.position ?? { x: 0, y: 0 };
      copy.position = { x: p.x + offset.x, y: p.y + offset.y };
    }
    return copy;
  });
  const edges = clip.edges.map((e) => {
    const out: GraphEdge = {
      source: idMap.get(e.source)!,
      sourceHandle: e.sourceHandle,
      target: idMap.get(e.target)!,
      targetHandle: e.targetHandle,
    };
    return out;
  });
  return { nodes, edges, idMap };
}
