// The canvas: React Flow over the graph store. Connections are checked while dragging (type
// compatibility, cycles) and a refused one says why; an input handle takes one edge.
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useStore,
  useStoreApi,
  type Connection,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
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
import { WorkflowContext, nodeTypes } from "../nodes/FlowNode";
import { useCatalog } from "../stores/catalog";
import { addNode } from "../commands/editor";
import { addSubworkflow, openChild, WORKFLOW_MIME } from "../commands/subflows";
import { MakeSubflowDialog, subflowMenuItems } from "../subflows/MakeSubflowDialog";
import { SubflowBreadcrumb } from "../subflows/SubflowNode";
import { SUBWORKFLOW, subflowHandles } from "../stores/subflows";
import { useGraph } from "../stores/graph";
import { toast, useUI } from "../stores/ui";
import { DetailContext } from "./detail";
import { edgeTypes } from "./edges";
import { FarCanvas } from "./FarCanvas";
import { MiniCanvas } from "./MiniCanvas";
import { fitGraph } from "./fit";
import { CANVAS_FROM, drawRects, handedIds, hitTest, insideBox, normBox, unselectUnheld } from "./farview";
import { placeView, useChunkedDrawing, useDetail, useWindow } from "./view";
import { FIRST_CHUNK, VIRTUALIZE_FROM, graphBounds, minZoomFor } from "./lod";

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
    g: { nodes: s.nodes.map((n) => ({ id: n.id, type: n.data.type, parentId: n.parentId, params: n.data.params })), edges: s.edges },
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
    (n) => (n.type === SUBWORKFLOW ? (subflowHandles(n.params) ?? { inputs: [], outputs: [] }) : undefined),
  );
}

const isValidConnection: IsValidConnection<FbEdge> = (c) => verdict(c).ok;

const FIT_VIEW = { maxZoom: 1, padding: 0.2 };

const NO_IDS: ReadonlySet<string> = new Set();

/** coloured keeps the coloured copy of each stored edge (see typedEdges). */
const coloured = new WeakMap<FbEdge, FbEdge>();

export function Canvas() {
  const nodes = useGraph((s) => s.nodes);
  const edges = useGraph((s) => s.edges);
  const loadSeq = useGraph((s) => s.loadSeq);
  const openWf = useGraph((s) => s.workflowId);
  const routeWf = useUI((s) => (s.route.page === "editor" ? s.route.workflowId : null));
  const paneSize = useStore((s) => `${s.width}x${s.height}`);
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

  const onNodeDoubleClick = useCallback((_: React.MouseEvent, n: FbNode) => {
    if (n.data.type === SUBWORKFLOW) void openChild(n.id);
  }, []);

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
      if (e.className === cls) return e;
      // the same coloured edge for the same stored edge: React Flow redraws an edge whose
      // object changed, and this list is rebuilt for every node added or removed
      const known = coloured.get(e);
      if (known?.className === cls) return known;
      const next = { ...e, className: cls };
      coloured.set(e, next);
      return next;
    });
  }, [edges, nodeTypesKey, types, inputs]);

  // The least zoom lets "fit view" show the whole graph (10,000 nodes need about 0.02).
  // Follows the node count and pane size, not every move.
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const paneRef = useRef<HTMLDivElement | null>(null);
  // The graph's box, as a string so the least zoom follows it (after an auto-layout a chain is
  // one long row) without a new value for every render.
  const boundsKey = useMemo(() => {
    const b = graphBounds(nodes);
    return b ? `${Math.round(b.width)}x${Math.round(b.height)}` : "";
  }, [nodes]);
  const minZoom = useMemo(() => {
    const [w, h] = paneSize.split("x").map(Number);
    const el = paneRef.current;
    return minZoomFor(graphBounds(nodesRef.current), { width: el?.clientWidth || w, height: el?.clientHeight || h });
  }, [boundsKey, loadSeq, paneSize]); // eslint-disable-line react-hooks/exhaustive-deps

  const detail = useDetail();
  // A large graph (CANVAS_FROM nodes on) is drawn far out on one canvas element (FarCanvas),
  // and zoomed in React Flow holds only the nodes near the view (useWindow): it never holds,
  // measures or indexes thousands of nodes at once.
  const large = nodes.length >= CANVAS_FROM;
  const farCanvas = large && detail === "far";
  const win = useWindow(large && !farCanvas);
  const rects = useMemo(() => (large ? drawRects(nodes, types) : []), [large, nodes, types]);
  const held = useMemo(() => (large && !farCanvas && win ? handedIds(nodes, rects, win) : null), [large, farCanvas, win, nodes, rects]);
  const handed = useMemo(() => (!large ? nodes : held ? nodes.filter((n) => held.has(n.id)) : []), [large, nodes, held]);
  const handedEdges = useMemo(
    () => (!large ? typedEdges : held ? typedEdges.filter((e) => held.has(e.source) && held.has(e.target)) : []),
    [large, typedEdges, held],
  );
  const selectedIds = useMemo(() => {
    if (!large) return NO_IDS;
    const s = new Set<string>();
    for (const n of nodes) if (n.selected) s.add(n.id);
    return s;
  }, [large, nodes]);
  const drawing = useChunkedDrawing(handed.length, loadSeq, minZoom, paneRef);
  const drawnNodes = useMemo(() => (drawing.done ? handed : handed.slice(0, drawing.count)), [handed, drawing.done, drawing.count]);
  const drawnEdges = useMemo(() => {
    if (drawing.done) return handedEdges;
    const ids = new Set(drawnNodes.map((n) => n.id));
    return handedEdges.filter((e) => ids.has(e.source) && ids.has(e.target));
  }, [handedEdges, drawnNodes, drawing.done]);

  // The far canvas: a click selects the node under it (the inspector shows it), a double-click
  // zooms to it, the pointer over one shows its name, a right-click its menu, and a drag with
  // Shift selects the nodes inside the box (React Flow holds none of them at this level).
  const hover = useRef<string | null>(null);
  const redraw = useRef<(() => void) | null>(null);
  const rectsRef = useRef(rects);
  rectsRef.current = rects;
  const farRef = useRef(farCanvas);
  farRef.current = farCanvas;
  const hitAt = useCallback((e: { clientX: number; clientY: number }) => hitTest(rectsRef.current, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY })), [rf]);
  const select = useCallback((ids: Set<string>) => {
    const g = useGraph.getState();
    if (ids.size === 0 && !g.nodes.some((n) => n.selected) && !g.edges.some((e) => e.selected)) return;
    const next = selectOnly(g, ids);
    useGraph.setState({ nodes: next.nodes, edges: next.edges });
  }, []);
  const onPaneClick = useCallback(
    (e: React.MouseEvent) => {
      if (!farRef.current) return;
      const id = hitAt(e);
      select(id ? new Set([id]) : new Set());
    },
    [hitAt, select],
  );
  const onPaneMouseMove = useCallback(
    (e: React.MouseEvent) => {
      if (!farRef.current && !hover.current) return;
      const id = farRef.current ? hitAt(e) : null;
      if (id === hover.current) return;
      hover.current = id;
      const el = e.currentTarget as HTMLElement;
      const r = id ? rectsRef.current.find((x) => x.id === id) : undefined;
      el.style.cursor = r ? "pointer" : "";
      el.title = r ? `${r.title} (${r.id}): click to select, double-click to zoom in` : "";
      redraw.current?.();
    },
    [hitAt],
  );
  const onPaneMouseLeave = useCallback((e: React.MouseEvent) => {
    if (!hover.current) return;
    hover.current = null;
    const el = e.currentTarget as HTMLElement;
    el.style.cursor = "";
    el.title = "";
    redraw.current?.();
  }, []);
  const onPaneContextMenu = useCallback(
    (e: React.MouseEvent | MouseEvent) => {
      if (!farRef.current) return;
      const id = hitAt(e);
      if (!id) return;
      e.preventDefault();
      select(new Set([id]));
      setMenu({ at: { x: e.clientX, y: e.clientY }, nodeId: id });
    },
    [hitAt, select],
  );
  const onFarDoubleClick = useCallback(
    (e: React.MouseEvent) => {
      if (!farRef.current || !(e.target as HTMLElement).closest?.(".react-flow__pane")) return;
      const id = hitAt(e);
      const r = id ? rectsRef.current.find((x) => x.id === id) : undefined;
      if (r) {
        select(new Set([r.id]));
        void rf.setCenter(r.x + r.width / 2, r.y + r.height / 2, { zoom: 1, duration: 0 });
        return;
      }
      // the pane's own double-click zoom (turned off while the far canvas is drawn, so that a
      // double-click on a node is not a zoom step as well)
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const k = Math.min(2, rf.getZoom() * 2);
      void rf.setCenter(p.x, p.y, { zoom: k, duration: 0 });
    },
    [hitAt, rf, select],
  );
  const boxFrom = useRef<{ x: number; y: number } | null>(null);
  const rfStore = useStoreApi<FbNode, FbEdge>();
  const onSelectionStart = useCallback(() => {
    // React Flow calls this on the first move of the drag; where it began is in its store
    // (in canvas units)
    const r = rfStore.getState().userSelectionRect;
    boxFrom.current = farRef.current && r ? { x: r.startX, y: r.startY } : null;
  }, [rfStore]);
  const onSelectionEnd = useCallback(
    (e: React.MouseEvent) => {
      const from = boxFrom.current;
      boxFrom.current = null;
      if (!from || !farRef.current) return;
      const to = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      select(new Set(insideBox(rectsRef.current, normBox(from, to))));
    },
    [rf, select],
  );
  const onFitView = useCallback(() => {
    if (useGraph.getState().nodes.length >= CANVAS_FROM) fitGraph(rf);
  }, [rf]);
  const opening = routeWf !== null && openWf !== routeWf;

  // Once a small graph is drawn and measured, its view is placed again with the real sizes
  // (once per opening: nodes added later, or dropped, stay where they are put).
  const initialized = useNodesInitialized();
  const placed = useRef(-1);
  useEffect(() => {
    if (!drawing.done || placed.current === loadSeq) return;
    const all = useGraph.getState().nodes;
    // a large graph was placed from positions; React Flow measures its nodes only once zoomed
    // in (the far canvas gives it none), and placing the view then would undo that zoom
    if (all.length === 0 || all.length > FIRST_CHUNK || all.length >= CANVAS_FROM) {
      placed.current = loadSeq;
      return;
    }
    if (!initialized) return;
    placed.current = loadSeq;
    const el = paneRef.current;
    const size = { width: el?.clientWidth ?? 0, height: el?.clientHeight ?? 0 };
    void rf.setViewport(placeView(graphBounds(all), size, all.length, minZoom));
  }, [drawing.done, initialized, loadSeq, minZoom, rf]);

  // React Flow selecting one node alone (a click, a drag of an unselected node, a box drawn
  // zoomed in) unselects the nodes it holds; the selected nodes it does not hold (a large
  // graph zoomed in) are unselected with them: the selection is the graph store's.
  const onNodesChangeAll = useCallback(
    (changes: NodeChange<FbNode>[]) => {
      onNodesChange(changes);
      const st = rfStore.getState();
      if (st.multiSelectionActive || !changes.some((c) => c.type === "select" && c.selected)) return;
      const g = useGraph.getState();
      if (g.nodes.length < CANVAS_FROM) return;
      const nodes = unselectUnheld(g.nodes, st.nodeLookup);
      if (nodes !== g.nodes) useGraph.setState({ nodes });
    },
    [onNodesChange, rfStore],
  );

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
  // In a large graph React Flow holds only the nodes near the view, so it drags only the
  // selected nodes it holds; when the drag ends, every other selected node moves as far
  // (moveAlong), in the same undo step.
  const dragStart = useRef<{ id: string; position: { x: number; y: number }; dragged: Set<string> } | null>(null);
  const onDragBegin = useCallback((node: FbNode | undefined, dragged: FbNode[]) => {
    const first = node ?? dragged[0];
    dragStart.current = first ? { id: first.id, position: first.position, dragged: new Set(dragged.map((n) => n.id)) } : null;
  }, []);
  const onDragEnd = useCallback((node: FbNode | undefined, dragged: FbNode[]) => {
    const start = dragStart.current;
    const now = node?.id === start?.id ? node : dragged.find((n) => n.id === start?.id);
    if (!start || !now || useGraph.getState().nodes.length < CANVAS_FROM) return;
    useGraph.getState().moveAlong(start.dragged, { x: now.position.x - start.position.x, y: now.position.y - start.position.y });
  }, []);
  const onNodeDragStart = useCallback((_e: unknown, node: FbNode, dragged: FbNode[]) => onDragBegin(node, dragged), [onDragBegin]);
  const onSelectionDragStart = useCallback((_e: unknown, dragged: FbNode[]) => onDragBegin(undefined, dragged), [onDragBegin]);
  const onSelectionDragStop = useCallback((_e: unknown, dragged: FbNode[]) => onDragEnd(undefined, dragged), [onDragEnd]);
  const onNodeDragStop = useCallback(
    (_e: MouseEvent | TouchEvent, node: FbNode, dragged: FbNode[]) => {
      onDragEnd(node, dragged);
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
    [rf, onDragEnd],
  );

  const onDragOver = useCallback((e: React.DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME) || e.dataTransfer.types.includes(WORKFLOW_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const wf = e.dataTransfer.getData(WORKFLOW_MIME);
      if (wf) {
        e.preventDefault();
        void addSubworkflow(wf, dropSpot(rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }))).catch((err: Error) => toast("error", err.message));
        return;
      }
      const type = e.dataTransfer.getData(PALETTE_MIME);
      if (!type) return;
      e.preventDefault();
      addNode(type, dropSpot(rf.screenToFlowPosition({ x: e.clientX, y: e.clientY })), true);
    },
    [rf],
  );

  return (
    <div
      ref={paneRef}
      className={`canvas${nodes.length > MANY_NODES ? " many-nodes" : ""}`}
      data-testid="canvas"
      data-drawing={farCanvas ? "canvas" : "dom"}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onDoubleClick={onFarDoubleClick}
    >
      <WorkflowContext.Provider value={openWf}>
      <DetailContext.Provider value={detail}>
      <ReactFlow<FbNode, FbEdge>
        nodes={drawnNodes}
        edges={drawnEdges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onlyRenderVisibleElements={nodes.length >= VIRTUALIZE_FROM}
        onNodesChange={onNodesChangeAll}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onNodeContextMenu={onNodeContextMenu}
        onNodeDoubleClick={onNodeDoubleClick}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStart={onSelectionDragStart}
        onSelectionDragStop={onSelectionDragStop}
        onPaneClick={onPaneClick}
        onPaneMouseMove={onPaneMouseMove}
        onPaneMouseLeave={onPaneMouseLeave}
        onPaneContextMenu={onPaneContextMenu}
        onSelectionStart={onSelectionStart}
        onSelectionEnd={onSelectionEnd}
        zoomOnDoubleClick={!farCanvas}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        colorMode="system"
        fitViewOptions={FIT_VIEW}
        minZoom={minZoom}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ type: "default" }}
      >
        <Background gap={20} size={1} />
        {large && (
          <FarCanvas
            mode={farCanvas ? "far" : "near"}
            rects={rects}
            edges={typedEdges}
            selected={selectedIds}
            held={held}
            workflowId={openWf}
            hover={hover}
            redrawRef={redraw}
          />
        )}
        <Controls showInteractive={false} onFitView={onFitView} />
        {/* the minimap draws every node again: it joins once the graph is drawn, not for
            every chunk; a large graph's is drawn from every node's box (React Flow holds only
            the nodes near the view) */}
        {drawing.done && large && <MiniCanvas rects={rects} />}
        {drawing.done && !large && <MiniMap position="top-right" pannable zoomable nodeStrokeWidth={2} ariaLabel="Minimap" style={{ width: 160, height: 110 }} />}
      </ReactFlow>
      </DetailContext.Provider>
      </WorkflowContext.Provider>
      {(opening || !drawing.done) && (
        <div className="canvas-loading" role="status" aria-live="polite" data-testid="canvas-loading">
          <span className="canvas-loading-text">
            {opening || drawing.count === 0
              ? "Opening the workflow…"
              : `Drawing ${Math.min(drawing.count, handed.length).toLocaleString()} of ${handed.length.toLocaleString()} nodes…`}
          </span>
          <progress max={handed.length || 1} value={opening || drawing.count === 0 ? undefined : Math.min(drawing.count, handed.length)} />
        </div>
      )}
      <QueueOverlay />
      <DropChoice />
      <MakeSubflowDialog />
      <SubflowBreadcrumb />
      {menu && (
        <ContextMenu
          at={menu.at}
          onClose={() => setMenu(null)}
          items={[
            ...nodeMenuItems(menu.nodeId),
            ...subflowMenuItems(menu.nodeId),
            {
              label: "Show its generations",
              testId: "ctx-generations",
              onSelect: () => useGraph.setState((s) => ({ nodes: selectOnly(s, new Set([menu.nodeId])).nodes })),
            },
          ]}
        />
      )}
      {nodes.length === 0 && !opening && (
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
