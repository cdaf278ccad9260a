// layoutAsync runs the layered layout in a Web Worker (lib/layout.worker.ts), so laying out
// thousands of nodes does not freeze the window. Where no worker can start (tests, a webview
// refusing it) it computes on this thread instead: same positions, just not in the background.
import { layeredLayout, type LayoutEdge, type LayoutNode, type Positions } from "./layout";

type Reply = { id: number; positions?: Positions; error?: string };

let worker: Worker | null | undefined;
let seq = 0;
const waiting = new Map<number, { resolve: (p: Positions) => void; reject: (e: Error) => void; input: [LayoutNode[], LayoutEdge[]] }>();

function startWorker(): Worker | null {
  if (worker !== undefined) return worker;
  worker = null;
  if (typeof Worker === "undefined") return null;
  try {
    const w = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    w.onmessage = (e: MessageEvent<Reply>) => {
      const job = waiting.get(e.data.id);
      if (!job) return;
      waiting.delete(e.data.id);
      if (e.data.positions) job.resolve(e.data.positions);
      else job.reject(new Error(e.data.error ?? "layout failed"));
    };
    // a worker that cannot run: the waiting jobs (and later ones) are laid out here
    w.onerror = (ev) => {
      ev.preventDefault?.();
      worker = null;
      w.terminate();
      for (const [id, job] of waiting) {
        waiting.delete(id);
        try {
          job.resolve(layeredLayout(...job.input));
        } catch (err) {
          job.reject(err as Error);
        }
      }
    };
    worker = w;
  } catch {
    worker = null;
  }
  return worker;
}

/** layoutAsync is layeredLayout(nodes, edges), computed in a worker when one can run. */
export function layoutAsync(nodes: LayoutNode[], edges: LayoutEdge[]): Promise<Positions> {
  const w = startWorker();
  // only what the layout reads goes to the worker (edges carry React Flow fields too)
  const input: [LayoutNode[], LayoutEdge[]] = [
    nodes.map((n) => ({ id: n.id, parentId: n.parentId, width: n.width, height: n.height })),
    edges.map((e) => ({ source: e.source, target: e.target })),
  ];
  if (!w) return Promise.resolve().then(() => layeredLayout(...input));
  return new Promise((resolve, reject) => {
    const id = ++seq;
    waiting.set(id, { resolve, reject, input });
    w.postMessage({ id, nodes: input[0], edges: input[1] });
  });
}
