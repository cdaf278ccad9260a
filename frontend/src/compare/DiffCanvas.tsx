// The graph diff drawn on a canvas: both versions' nodes (matched by id) at their places,
// added green, removed red, changed orange; edges added green, removed red and dashed.
import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useMemo } from "react";
import type { Graph, GraphNode } from "../api/types";
import { edgeKey, nodeMarks, type GraphDiff, type Mark } from "./logic";

type DiffNodeData = { id: string; type: string; label: string; mark: Mark; changed: number; selected: boolean };

const DiffNode = memo(function DiffNode({ data }: NodeProps<Node<DiffNodeData>>) {
  return (
    <div className={`cmp-node mark-${data.mark}${data.selected ? " sel" : ""}`} data-testid="diff-node" data-node-id={data.id} data-mark={data.mark}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="cmp-node-title">{data.label || data.id}</span>
      <span className="cmp-node-type">{data.type}</span>
      {data.mark !== "same" && (
        <span className="cmp-node-mark">{data.mark === "changed" ? `changed · ${data.changed} param${data.changed === 1 ? "" : "s"}` : data.mark}</span>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { diff: DiffNode };

function place(n: GraphNode, i: number): { x: number; y: number } {
  return n.position ? { x: n.position.x, y: n.position.y } : { x: (i % 8) * 240, y: Math.floor(i / 8) * 120 };
}

export function DiffCanvas({
  a,
  b,
  diff,
  selected,
  onSelect,
}: {
  a: Graph;
  b: Graph;
  diff: GraphDiff;
  selected: string | null;
  onSelect: (id: string | null) => void;
}) {
  const { nodes, edges } = useMemo(() => {
    const na = a.nodes ?? [];
    const nb = b.nodes ?? [];
    const marks = nodeMarks(diff, na.map((n) => n.id), nb.map((n) => n.id));
    const inB = new Set(nb.map((n) => n.id));
    const out: Node<DiffNodeData>[] = [];
    const mk = (n: GraphNode, i: number) => ({
      id: n.id,
      type: "diff",
      position: place(n, i),
      data: { id: n.id, type: n.type, label: n.label ?? "", mark: marks[n.id] ?? "same", changed: Object.keys(diff.nodes_changed[n.id] ?? {}).length, selected: n.id === selected },
      draggable: false,
      connectable: false,
    });
    nb.forEach((n, i) => out.push(mk(n, i)));
    na.forEach((n, i) => !inB.has(n.id) && out.push(mk(n, i)));
    const added = new Set(diff.edges_added);
    const removed = new Set(diff.edges_removed);
    const es: Edge[] = [];
    for (const e of b.edges ?? []) {
      const k = edgeKey(e);
      es.push({ id: `b:${k}`, source: e.source, target: e.target, className: added.has(k) ? "cmp-edge-added" : "cmp-edge-same" });
    }
    for (const e of a.edges ?? []) {
      const k = edgeKey(e);
      if (removed.has(k)) es.push({ id: `a:${k}`, source: e.source, target: e.target, className: "cmp-edge-removed" });
    }
    return { nodes: out, edges: es };
  }, [a, b, diff, selected]);
  // A large graph opens on what changed (drawing thousands of nodes at once is slow and shows
  // nothing readable); a small one shows whole.
  const fitOptions = useMemo(() => {
    if (nodes.length <= 300) return undefined;
    const marked = [...diff.nodes_added, ...diff.nodes_removed, ...Object.keys(diff.nodes_changed)].slice(0, 50);
    return { nodes: (marked.length ? marked : nodes.slice(0, 20).map((n) => n.id)).map((id) => ({ id })), maxZoom: 1, minZoom: 0.2 };
  }, [nodes, diff]);
  return (
    <div className="cmp-canvas" data-testid="diff-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={fitOptions}
        minZoom={0.05}
        onlyRenderVisibleElements={nodes.length > 300}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        onNodeClick={(_e, n) => onSelect(n.id === selected ? null : n.id)}
        onPaneClick={() => onSelect(null)}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
