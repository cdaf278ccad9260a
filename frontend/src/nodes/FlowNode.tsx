// The one node component: everything it shows comes from the node type's schema (title,
// handles with their types, params), from the focused run's record of this node (status,
// progress, duration, error) and from the node's current generation (its preview, the
// "picked" mark). A plan preview colours it; a stale badge says why its result is out of
// date; hovering shows "Run from here". Memoised; each part subscribes to its own slice.
// Zoomed far out (canvas/lod.ts) a node is drawn as its title and status colour only.
import { Handle, Position, useStoreApi, type NodeProps } from "@xyflow/react";
import { createContext, memo, useContext, useLayoutEffect, useRef } from "react";
import { DetailContext } from "../canvas/detail";
import { PickedMark, PlanTag, ShownPreview, StaleBadge, usePlanAction } from "../generations/NodeMarks";
import { useLensDraw, useLensNode } from "../stores/shown";
import { NodeRunToolbar, useHoverIntent } from "../plan/NodeActions";
import type { HandleSpec, InputDecl } from "../api/types";
import { inputHandles, outputHandles, typeClass } from "../lib/compat";
import type { FbNode } from "../lib/flowtypes";
import { frameSize } from "../lib/groups";
import { paramSummary } from "../lib/params";
import { badgeTitle } from "../lib/problems";
import { useCatalog } from "../stores/catalog";
import { useGraph } from "../stores/graph";
import { pinOf, useSubflowSpec } from "../stores/subflows";
import { SubflowLine } from "../subflows/SubflowNode";
import { NodeError, NodeProgress, NodeStatus, statusClass } from "./NodeStatus";
import "./canvas.css";

const NO_INPUTS: InputDecl[] = [];

/** frameOf is the frame size of group id as "WxHxD" (a string, so the selector is stable):
 * sized to the children not being dragged; D is 1 while one of them is. */
function frameOf(nodes: readonly FbNode[], id: string): string {
  let dragging = 0;
  const kids = [];
  for (const n of nodes) {
    if (n.parentId !== id) continue;
    if (n.dragging) dragging = 1;
    else kids.push({ x: n.position.x, y: n.position.y, width: n.measured?.width ?? 220, height: n.measured?.height ?? 110 });
  }
  const f = frameSize(kids);
  return `${f.width}x${f.height}x${dragging}`;
}

/** useFrame is a group's frame size. While one of its children is dragged the frame keeps the
 * size it had (it neither follows the child out nor shrinks under it), so a child dropped
 * outside it leaves the group. */
function useFrame(id: string, container: boolean): { width: number; height: number } | undefined {
  const frame = useGraph((s) => (container ? frameOf(s.nodes, id) : ""));
  const stable = useRef({ width: 0, height: 0 });
  if (!frame) return undefined;
  const [width, height, dragging] = frame.split("x").map(Number);
  if (!dragging) {
    stable.current = { width, height };
    return stable.current;
  }
  return { width: Math.max(width, stable.current.width), height: Math.max(height, stable.current.height) };
}

function HandleRow({ nodeId, input, output }: { nodeId: string; input?: HandleSpec; output?: HandleSpec }) {
  return (
    <div className="fb-row">
      <div className="fb-port fb-port-in">
        {input && (
          <>
            <Handle
              type="target"
              position={Position.Left}
              id={input.name}
              className={`fb-handle ${typeClass(input.type)}`}
              data-testid={`handle-in-${nodeId}-${input.name}`}
              aria-label={`input ${input.name} (${input.type})`}
              title={`${input.name}: ${input.type}${input.description ? ` — ${input.description}` : ""}`}
            />
            <span className="fb-port-name">{input.name}</span>
            <span className="fb-port-type">{input.type}</span>
          </>
        )}
      </div>
      <div className="fb-port fb-port-out">
        {output && (
          <>
            <span className="fb-port-type">{output.type}</span>
            <span className="fb-port-name">{output.name}</span>
            <Handle
              type="source"
              position={Position.Right}
              id={output.name}
              className={`fb-handle ${typeClass(output.type)}`}
              data-testid={`handle-out-${nodeId}-${output.name}`}
              aria-label={`output ${output.name} (${output.type})`}
              title={`${output.name}: ${output.type}${output.description ? ` — ${output.description}` : ""}`}
            />
          </>
        )}
      </div>
    </div>
  );
}

type Root = { rootRef: React.RefObject<HTMLDivElement | null> };

function FullNode({ id, data, selected, rootRef }: NodeProps<FbNode> & Root) {
  const t = useCatalog((s) => s.types[data.type]);
  const declared = useGraph((s) => (t?.dynamic_outputs ? s.inputs : NO_INPUTS));
  const workflowId = useGraph((s) => s.workflowId);
  const problemTitle = useGraph((s) => badgeTitle(s.problems, id));
  const problemCount = useGraph((s) => s.problems.filter((p) => p.node_id === id).length);
  // what the canvas shows on this node: the lens run's record, or its current generation
  const lens = useLensNode(workflowId, id);
  const record = lens.record;
  const plan = usePlanAction(workflowId, id);
  const { hover, enter, leave } = useHoverIntent();

  const pin = t?.subflow ? pinOf(data.params) : null;
  const sub = useSubflowSpec(pin?.workflow ?? "", pin?.version ?? "");
  const ins = pin ? (sub.spec?.inputs ?? []) : inputHandles(t);
  const outs = pin ? (sub.spec?.outputs ?? []) : outputHandles(t, declared);
  const rows = Math.max(ins.length, outs.length);
  const summary = pin ? [] : paramSummary(t, data.params); // a subworkflow says it in SubflowLine
  const title = data.label || t?.title || data.type;
  const container = Boolean(t?.container);
  const frame = useFrame(id, container);
  const empty = useGraph((s) => container && !s.nodes.some((n) => n.parentId === id));

  const content = (
    <>
      <div className="fb-head">
        <span className="fb-dot" aria-hidden="true" />
        <span className="fb-title">{title}</span>
        <StaleBadge workflowId={workflowId} nodeId={id} />
        <PickedMark nodeId={id} shownId={lens.kind === "run" ? (lens.genId ?? "") : undefined} />
        <NodeStatus record={record} />
      </div>
      <NodeProgress record={record} />
      <div className="fb-sub">
        <span className="fb-id">{id}</span>
        <span className="fb-type">{data.type}</span>
        {problemCount > 0 && (
          <span className="fb-problems" data-testid="node-problems" role="img" aria-label={`${problemCount} problem${problemCount === 1 ? "" : "s"}: ${problemTitle}`} title={problemTitle}>
            {problemCount > 1 ? `! ${problemCount}` : "!"}
          </span>
        )}
      </div>
      {!t && <div className="fb-unknown">Unknown node type</div>}
      {pin && <SubflowLine spec={sub.spec} error={sub.error} />}
      {rows > 0 && (
        <div className="fb-ports">
          {Array.from({ length: rows }, (_, i) => (
            <HandleRow key={i} nodeId={id} input={ins[i]} output={outs[i]} />
          ))}
        </div>
      )}
      {t?.dynamic_outputs && outs.length === 0 && <div className="fb-hint">Declare inputs in the Inputs tab</div>}
      {summary.length > 0 && (
        <dl className="fb-params">
          {summary.map((p) => (
            <div key={p.name} className="fb-param">
              <dt>{p.name}</dt>
              <dd>{p.text}</dd>
            </div>
          ))}
        </dl>
      )}
      <PlanTag workflowId={workflowId} nodeId={id} />
      {record?.status === "failed" && record.error ? (
        <NodeError error={record.error} />
      ) : (
        <ShownPreview workflowId={workflowId} nodeId={id} type={data.type} asset={data.params.asset} lens={lens} />
      )}
    </>
  );

  return (
    <div
      ref={rootRef}
      className={`fb-node group-${t?.group ?? "unknown"} ${statusClass(record?.status)}${selected ? " selected" : ""}${container ? " container" : ""}${plan ? ` plan-${plan}` : ""}${lens.untouched ? " lens-untouched" : ""}`}
      data-testid={`node-${id}`}
      data-lens={lens.untouched ? "untouched" : lens.kind}
      aria-label={`${title} (${id})`}
      style={frame}
      onMouseEnter={enter}
      onMouseLeave={leave}
    >
      {/* mounted only while hovered: a node toolbar follows every pan and every change of
          any node (React Flow's NodeToolbar selects over all nodes), which cost O(n²) per
          frame with one on every node */}
      {hover && <NodeRunToolbar nodeId={id} visible onEnter={enter} onLeave={leave} />}
      {container ? (
        <>
          <div className="fb-group-head">{content}</div>
          <div className="fb-group-body" data-testid={`group-body-${id}`}>
            {empty && <span>Drop nodes here: they run once per item</span>}
          </div>
        </>
      ) : (
        content
      )}
    </div>
  );
}

/** FarNode is a node zoomed far out: its title on its status colour, no ports, params or
 * previews, and as few subscriptions as can be (thousands are drawn at once). */
function FarNode({ id, data, selected, rootRef }: NodeProps<FbNode> & Root) {
  const t = useCatalog((s) => s.types[data.type]);
  const workflowId = useContext(WorkflowContext);
  // the lens, as on a node drawn in full: the shown run's status of it, untouched nodes
  // dimmed (one string selected: the node renders only when its own drawing changes)
  const lens = useLensDraw(workflowId, id);
  const status = lens.status;
  const plan = usePlanAction(workflowId, id);
  const title = data.label || t?.title || data.type;
  const className = `fb-node fb-far group-${t?.group ?? "unknown"} ${statusClass(status)}${selected ? " selected" : ""}${plan ? ` plan-${plan}` : ""}${lens.untouched ? " lens-untouched" : ""}`;
  const label = `${title} (${id})${status && status !== "untouched" ? `: ${status}` : ""}`;
  if (t?.container) return <FarGroup id={id} className={className} label={label} title={title} rootRef={rootRef} />;
  return (
    <div ref={rootRef} className={className} data-testid={`node-${id}`} data-detail="far" aria-label={label}>
      <FarHandles />
      <span className="fb-far-title">{title}</span>
    </div>
  );
}

function FarGroup({ id, className, label, title, rootRef }: { id: string; className: string; label: string; title: string } & Root) {
  const frame = useFrame(id, true);
  return (
    <div ref={rootRef} className={`${className} container`} data-testid={`node-${id}`} data-detail="far" aria-label={label} style={frame}>
      <FarHandles />
      <span className="fb-far-title">{title}</span>
    </div>
  );
}

/**
 * FarHandles are one anchor on each side for the node's edges. Plain elements with the
 * classes and attributes React Flow measures handles by: its Handle component subscribes to
 * the canvas store (every pan frame), which for thousands of nodes costs more than drawing
 * them. React Flow attaches an edge to a node's only handle whatever the edge's handle name;
 * they cannot be dragged from (zoom in to connect).
 */
function FarHandles() {
  return (
    <>
      <div className="react-flow__handle react-flow__handle-left target fb-far-handle" data-handlepos="left" />
      <div className="react-flow__handle react-flow__handle-right source fb-far-handle" data-handlepos="right" />
    </>
  );
}

/** WorkflowContext is the open workflow's id, given once by the canvas rather than selected
 * from the graph store by every node. */
export const WorkflowContext = createContext<string | null>(null);

/** The batch of nodes whose drawing changed level this frame: React Flow measures their
 * handles again in one update (a node keeping its size is not measured on its own). */
const remeasure = new Map<string, { id: string; nodeElement: HTMLDivElement; force: boolean }>();
let remeasureFrame = 0;

function FlowNodeView(props: NodeProps<FbNode>) {
  const detail = useContext(DetailContext);
  const store = useStoreApi<FbNode>();
  const rootRef = useRef<HTMLDivElement | null>(null);
  const drawn = useRef(detail);
  useLayoutEffect(() => {
    if (drawn.current === detail) return;
    drawn.current = detail;
    const el = rootRef.current?.closest<HTMLDivElement>(".react-flow__node");
    if (!el) return;
    remeasure.set(props.id, { id: props.id, nodeElement: el, force: true });
    if (remeasureFrame) return;
    remeasureFrame = requestAnimationFrame(() => {
      remeasureFrame = 0;
      const updates = new Map(remeasure);
      remeasure.clear();
      store.getState().updateNodeInternals(updates, { triggerFitView: false });
    });
  }, [detail, props.id, store]);
  return detail === "far" ? <FarNode {...props} rootRef={rootRef} /> : <FullNode {...props} rootRef={rootRef} />;
}

export const FlowNode = memo(FlowNodeView);

/** nodeTypes maps React Flow's node type to the one component (module level: stable). */
export const nodeTypes = { fb: FlowNode };
