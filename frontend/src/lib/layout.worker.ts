// Auto-layout off the main thread: a large graph's layout is computed here while the window
// keeps drawing. One message in ({ id, nodes, edges }), one out ({ id, positions }).
import { layeredLayout, type LayoutEdge, type LayoutNode } from "./layout";

self.onmessage = (e: MessageEvent<{ id: number; nodes: LayoutNode[]; edges: LayoutEdge[] }>) => {
  const { id, nodes, edges } = e.data;
  try {
    (self as unknown as Worker).postMessage({ id, positions: layeredLayout(nodes, edges) });
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, error: String(err) });
  }
};
