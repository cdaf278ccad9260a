// The graph diff drawn on a canvas: both versions' nodes (matched by id) at their places,
// added green, removed red, changed orange; edges added green, removed red and dashed.
// A large graph (over BIG nodes) draws only what is in view: the nodes there, and its edges
// as three SVG paths (same, added, removed) of the curves crossing the view, redone as the
// view moves. Handing React Flow all 2,000 nodes and edges took most of a second to open.
import {
  Background,
  ControlButton,
  Controls,
  Handle,
  Position,
  ReactFlow,
  ViewportPortal,
  getViewportForBounds,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
  type Viewport,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { Graph, GraphNode } from "../api/types";
import { edgeKey, nodeMarks, type GraphDiff, type Mark } from "./logic";
import { bounds, edgePath, inView, startView, viewRect, type Box } from "./viewport";

/** BIG is the node count above which the canvas draws only what is in view. */
export const BIG = 300;

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

type EdgeMark = "same" | "added" | "removed";

export function DiffCanvas(props: { a: Graph; b: Graph; diff: GraphDiff; selected: string | null; onSelect: (id: string | null) => void }) {
  const { a, b, diff, selected } = props;
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
    const es: (Edge & { mark: EdgeMark })[] = [];
    for (const e of b.edges ?? []) {
      const k = edgeKey(e);
      const mark = added.has(k) ? "added" : "same";
      es.push({ id: `b:${k}`, source: e.source, target: e.target, className: `cmp-edge-${mark}`, mark });
    }
    for (const e of a.edges ?? []) {
      const k = edgeKey(e);
      if (removed.has(k)) es.push({ id: `a:${k}`, source: e.source, target: e.target, className: "cmp-edge-removed", mark: "removed" });
    }
    return { nodes: out, edges: es };
  }, [a, b, diff, selected]);
  return nodes.length > BIG ? <BigCanvas nodes={nodes} edges={edges} {...props} /> : <SmallCanvas nodes={nodes} edges={edges} {...props} />;
}

type CanvasProps = {
  nodes: Node<DiffNodeData>[];
  edges: (Edge & { mark: EdgeMark })[];
  selected: string | null;
  onSelect: (id: string | null) => void;
};

function SmallCanvas({ nodes, edges, selected, onSelect }: CanvasProps) {
  return (
    <div className="cmp-canvas" data-testid="diff-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        minZoom={0.05}
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

function BigCanvas({ nodes, edges, diff, selected, onSelect }: CanvasProps & { diff: GraphDiff }) {
  const wrap = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  // the canvas' size before the first paint, to open on the right place
  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const read = () => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) setSize((s) => (s && s.w === r.width && s.h === r.height ? s : { w: r.width, h: r.height }));
    };
    read();
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const boxes = useMemo<Box[]>(() => nodes.map((n) => ({ id: n.id, x: n.position.x, y: n.position.y })), [nodes]);
  const boxOf = useMemo(() => new Map(boxes.map((b) => [b.id, b])), [boxes]);
  const start = useMemo(
    () => (size ? startView(boxes, [...diff.nodes_added, ...diff.nodes_removed, ...Object.keys(diff.nodes_changed)], size.w, size.h) : null),
    // where it opens is decided once (a live comparison's updates keep the view)
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [size === null],
  );
  const [view, setView] = useState<Viewport | null>(null);
  const frame = useRef(0);
  const onMove = useCallback((_e: unknown, v: Viewport) => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setView(v));
  }, []);
  const cur = view ?? start;
  const shown = useMemo(() => {
    if (!cur || !size) return null;
    const { ids, edges: es } = inView(boxes, edges, viewRect(cur, size.w, size.h));
    const paths: Record<EdgeMark, string[]> = { same: [], added: [], removed: [] };
    for (const e of es) paths[e.mark].push(edgePath(boxOf.get(e.source)!, boxOf.get(e.target)!));
    return { nodes: nodes.filter((n) => ids.has(n.id)), paths };
  }, [cur, size, boxes, boxOf, nodes, edges]);
  return (
    <div className="cmp-canvas cmp-canvas-big" data-testid="diff-canvas" ref={wrap}>
      {start && shown && size && (
        <ReactFlow
          nodes={shown.nodes}
          edges={[]}
          nodeTypes={nodeTypes}
          defaultViewport={start}
          minZoom={0.05}
          onMove={onMove}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          onNodeClick={(_e, n) => onSelect(n.id === selected ? null : n.id)}
          onPaneClick={() => onSelect(null)}
          proOptions={{ hideAttribution: true }}
        >
          <ViewportPortal>
            <svg className="cmp-edges" data-testid="diff-edges">
              {(["same", "added", "removed"] as const).map((m) =>
                shown.paths[m].length ? <path key={m} className={`cmp-edge-path cmp-edge-${m}`} d={shown.paths[m].join(" ")} data-edges={shown.paths[m].length} /> : null,
              )}
            </svg>
          </ViewportPortal>
          <Background />
          <Controls showInteractive={false} showFitView={false}>
            <FitAll boxes={boxes} w={size.w} h={size.h} />
          </Controls>
        </ReactFlow>
      )}
    </div>
  );
}

/** FitAll shows the whole graph (React Flow's own fit button would fit the nodes drawn). */
function FitAll({ boxes, w, h }: { boxes: Box[]; w: number; h: number }) {
  const flow = useReactFlow();
  return (
    <ControlButton
      className="react-flow__controls-fitview"
      title="fit view"
      aria-label="fit view"
      data-testid="diff-fit-all"
      onClick={() => void flow.setViewport(getViewportForBounds(bounds(boxes), w, h, 0.05, 1, 0.1))}
    >
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30">
        <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.63zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
      </svg>
    </ControlButton>
  );
}
