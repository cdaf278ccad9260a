// The canvas: React Flow over the graph store. Connections are checked while dragging (type
// compatibility, cycles) and a refused one says why; an input handle takes one edge.
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  type Connection,
  type FinalConnectionState,
  type IsValidConnection,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { DropChoice, useFileDropEvents } from "../dnd/DropChoice";
import { setDropContext } from "../dnd/fileDrop";
import { ContextMenu, nodeMenuItems } from "../plan/NodeActions";
import { QueueOverlay } from "../queue/QueueOverlay";
import { checkConnection, outputHandles, typeClass } from "../lib/compat";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { connect, selectOnly } from "../lib/graphops";
import { reparent } from "../lib/groups";
import { boundsOf, readableViewport } from "../lib/viewport";
import { nodeTypes } from "../nodes/FlowNode";
import { useCatalog } from "../stores/catalog";
import { addNode } from "../stores/editor";
import { useGraph } from "../stores/graph";
import { toast } from "../stores/ui";

export const PALETTE_MIME = "application/x-flowbench-node";

/** dropSpot is where a node dropped at a canvas point goes: the pointer on the middle of its
 * title bar, at any zoom (the offset is in canvas units, not screen pixels). */
export function dropSpot(p: { x: number; y: number }): { x: number; y: number } {
  return { x: p.x - 110, y: p.y - 14 };
}

/** Past this many nodes the canvas drops per-frame effects (the running pulse): repainting
 * a large graph every frame would make the window sluggish while runs go. */
const MANY_NODES = 60;

function shape() {
  const s = useGraph.getState();
  return {
    g: { nodes: s.nodes.map((n) => ({ id: n.id, type: n.data.type, parentId: n.parentId })), edges: s.edges },
    inputs: s.inputs,
  };
}

function verdict(c: { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }) {
  const { g, inputs } = shape();
  return checkConnection(
    { source: c.source, sourceHandle: c.sourceHandle, target: c.target, targetHandle: c.targetHandle },
    g,
    useCatalog.getState().types,
    inputs,
  );
}

const isValidConnection: IsValidConnection<FbEdge> = (c) => verdict(c).ok;

export function Canvas() {
  const nodes = useGraph((s) => s.nodes);
  const edges = useGraph((s) => s.edges);
  const inputs = useGraph((s) => s.inputs);
  const types = useCatalog((s) => s.types);
  const onNodesChange = useGraph((s) => s.onNodesChange);
  const onEdgesChange = useGraph((s) => s.onEdgesChange);
  const rf = useReactFlow<FbNode, FbEdge>();
  const [menu, setMenu] = useState<{ at: { x: number; y: number }; nodeId: string } | null>(null);

  // Files dropped from the OS land at the drop point on this canvas.
  useFileDropEvents();
  useEffect(() => {
    setDropContext({ toFlow: (p) => rf.screenToFlowPosition(p) });
    return () => setDropContext(null);
  }, [rf]);

  // A workflow opens at a zoom whose text is readable: whole when it fits so, else from its
  // start (fit view bounded by a readable minimum zoom).
  const workflowId = useGraph((s) => s.workflowId);
  const hasNodes = useGraph((s) => s.nodes.length > 0);
  const initialized = useNodesInitialized();
  const fitted = useRef<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!workflowId || fitted.current === workflowId) return;
    if (!hasNodes) {
      fitted.current = workflowId; // opened empty: nodes added later stay where they are put
      return;
    }
    const fit = () => {
      const el = box.current;
      const b = boundsOf(useGraph.getState().nodes.filter((n) => !n.parentId));
      if (!el || !b || fitted.current === workflowId) return;
      fitted.current = workflowId;
      void rf.setViewport(readableViewport(b, { width: el.clientWidth, height: el.clientHeight }));
    };
    if (initialized) return fit();
    // a large graph drawn only where it is visible is never measured whole: go by positions
    const t = setTimeout(fit, 500);
    return () => clearTimeout(t);
  }, [workflowId, hasNodes, initialized, rf]);

  const onNodeContextMenu = useCallback((e: React.MouseEvent, n: FbNode) => {
    e.preventDefault();
    setMenu({ at: { x: e.clientX, y: e.clientY }, nodeId: n.id });
  }, []);

  // Edges take the colour of the value type they carry. Keyed on node ids and types only, so
  // dragging a node does not rebuild every edge.
  const nodeTypesKey = useGraph((s) => s.nodes.map((n) => `${n.id}\u0000${n.data.type}`).join("\n"));
  const typedEdges = useMemo(() => {
    const typeOf = new Map(nodeTypesKey.split("\n").map((l) => l.split("\u0000") as [string, string]));
    return edges.map((e): FbEdge => {
      const srcType = typeOf.get(e.source);
      const out = outputHandles(srcType ? types[srcType] : undefined, inputs).find((h) => h.name === e.sourceHandle);
      const cls = typeClass(out?.type ?? "any");
      return e.className === cls ? e : { ...e, className: cls };
    });
  }, [edges, nodeTypesKey, types, inputs]);

  const onConnect = useCallback((c: Connection) => {
    const v = verdict(c);
    if (!v.ok) {
      toast("error", v.reason);
      return;
    }
    useGraph.getState().edit((f) => connect(f, c));
  }, []);

  const onConnectEnd = useCallback((_e: MouseEvent | TouchEvent, st: FinalConnectionState) => {
    if (!st.fromHandle || !st.toHandle || st.isValid) return;
    const from = st.fromHandle;
    const to = st.toHandle;
    const c =
      from.type === "source"
        ? { source: from.nodeId, sourceHandle: from.id, target: to.nodeId, targetHandle: to.id }
        : { source: to.nodeId, sourceHandle: to.id, target: from.nodeId, targetHandle: from.id };
    if (from.type === to.type) {
      toast("error", `Connect an output (right side) to an input (left side).`);
      return;
    }
    const v = verdict(c);
    if (!v.ok) toast("error", v.reason);
  }, []);

  // A node dropped on a loop group's frame joins its body; a child dragged out of its frame
  // leaves it. (Groups do not go inside groups.)
  const dragStart = useRef<{ id: string; position: { x: number; y: number } } | null>(null);
  const onNodeDragStart = useCallback((_e: MouseEvent | TouchEvent, node: FbNode) => {
    dragStart.current = { id: node.id, position: node.position };
  }, []);
  const onNodeDragStop = useCallback(
    (_e: MouseEvent | TouchEvent, node: FbNode) => {
      const types = useCatalog.getState().types;
      const isGroup = (n: FbNode) => Boolean(types[n.data.type]?.container);
      if (isGroup(node)) return;
      const hit = rf.getIntersectingNodes(node).find((n) => n.id !== node.id && isGroup(n) && !n.parentId);
      const group = hit?.id ?? null;
      if (group === (node.parentId ?? null)) return;
      if (group && types[node.data.type]?.pauses) {
        const start = dragStart.current;
        if (start?.id === node.id) {
          useGraph.getState().edit((f) => ({ ...f, nodes: f.nodes.map((n) => (n.id === node.id ? { ...n, position: start.position } : n)) }));
        }
        toast("error", "An approval cannot go inside a loop: a run pauses for a person between nodes, not once per item.");
        return;
      }
      const abs = (id: string) => rf.getInternalNode(id)?.internals.positionAbsolute;
      useGraph.getState().edit((f) => reparent(f, node.id, group, abs));
      const title = (id: string) => useGraph.getState().nodes.find((n) => n.id === id)?.data.label || id;
      toast("info", group ? `${title(node.id)} now runs inside ${title(group)}, once per item` : `${title(node.id)} left its loop`);
    },
    [rf],
  );

  const onDragOver = useCallback((e: React.DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const type = e.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      e.preventDefault();
      addNode(type, dropSpot(rf.screenToFlowPosition({ x: e.clientX, y: e.clientY })), true);
    },
    [rf],
  );

  return (
    <div ref={box} className={`canvas${nodes.length > MANY_NODES ? " many-nodes" : ""}`} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<FbNode, FbEdge>
        nodes={nodes}
        edges={typedEdges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onNodeContextMenu={onNodeContextMenu}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        colorMode="system"
        fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ type: "default" }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        <MiniMap position="top-right" pannable zoomable nodeStrokeWidth={2} ariaLabel="Minimap" style={{ width: 160, height: 110 }} />
      </ReactFlow>
      <QueueOverlay />
      <DropChoice />
      {menu && (
        <ContextMenu
          at={menu.at}
          onClose={() => setMenu(null)}
          items={[
            ...nodeMenuItems(menu.nodeId),
            {
              label: "Show its generations",
              testId: "ctx-generations",
              onSelect: () => useGraph.setState((s) => ({ nodes: selectOnly(s, new Set([menu.nodeId])).nodes })),
            },
          ]}
        />
      )}
      {nodes.length === 0 && (
        <div className="canvas-empty" aria-live="polite">
          <p className="empty-title">An empty workflow</p>
          <p className="empty-hint">
            Add nodes from the palette on the left, or press <kbd>/</kbd> to search for one.
          </p>
        </div>
      )}
    </div>
  );
}
