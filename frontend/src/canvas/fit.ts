// "Fit view" for the whole graph: the Controls button, the F key, after auto-layout.
import type { ReactFlowInstance } from "@xyflow/react";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { useGraph } from "../stores/graph";
import { CANVAS_FROM } from "./farview";
import { graphBounds } from "./lod";

/** fitGraph shows the whole graph. React Flow's own fitView fits the nodes it holds, which for
 * a large graph (CANVAS_FROM on) are only those near the view: that one fits the graph's box. */
export function fitGraph(rf: Pick<ReactFlowInstance<FbNode, FbEdge>, "fitBounds" | "fitView">, duration = 0): void {
  const nodes = useGraph.getState().nodes;
  const bounds = nodes.length >= CANVAS_FROM ? graphBounds(nodes) : null;
  if (bounds) void rf.fitBounds(bounds, { padding: 0.2, duration });
  else void rf.fitView({ maxZoom: 1, padding: 0.2, duration });
}
