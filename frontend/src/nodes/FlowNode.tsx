// The one node component: everything it shows comes from the node type's schema (title,
// handles with their types, params), from the focused run's record of this node (status,
// progress, duration, error) and from the node's current generation (its preview, the
// "picked" mark). A plan preview colours it; a stale badge says why its result is out of
// date; hovering shows "Run from here". Memoised; each part subscribes to its own slice.
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { CurrentPreview, PickedMark, PlanTag, StaleBadge, usePlanAction } from "../generations/NodeMarks";
import { NodeRunToolbar, useHoverIntent } from "../plan/NodeActions";
import type { HandleSpec, InputDecl } from "../api/types";
import { inputHandles, outputHandles, typeClass } from "../lib/compat";
import type { FbNode } from "../lib/flowtypes";
import { paramSummary } from "../lib/params";
import { useCatalog } from "../stores/catalog";
import { useGraph } from "../stores/graph";
import { focusedNodeRun, useRuns } from "../stores/runs";
import { NodeError, NodeProgress, NodeStatus, statusClass } from "./NodeStatus";
import "./canvas.css";

const NO_INPUTS: InputDecl[] = [];

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

function FlowNodeView({ id, data, selected }: NodeProps<FbNode>) {
  const t = useCatalog((s) => s.types[data.type]);
  const declared = useGraph((s) => (t?.dynamic_outputs ? s.inputs : NO_INPUTS));
  const workflowId = useGraph((s) => s.workflowId);
  const problemCount = useGraph((s) => s.problems.filter((p) => p.node_id === id).length);
  const record = useRuns((s) => focusedNodeRun(s, workflowId, id));
  const plan = usePlanAction(workflowId, id);
  const { hover, enter, leave } = useHoverIntent();

  const ins = inputHandles(t);
  const outs = outputHandles(t, declared);
  const rows = Math.max(ins.length, outs.length);
  const summary = paramSummary(t, data.params);
  const title = data.label || t?.title || data.type;

  return (
    <div
      className={`fb-node group-${t?.group ?? "unknown"} ${statusClass(record?.status)}${selected ? " selected" : ""}${t?.container ? " container" : ""}${plan ? ` plan-${plan}` : ""}`}
      data-testid={`node-${id}`}
      aria-label={`${title} (${id})`}
      onMouseEnter={enter}
      onMouseLeave={leave}
    >
      <NodeRunToolbar nodeId={id} visible={hover} onEnter={enter} onLeave={leave} />
      <div className="fb-head">
        <span className="fb-dot" aria-hidden="true" />
        <span className="fb-title">{title}</span>
        <StaleBadge workflowId={workflowId} nodeId={id} />
        <PickedMark nodeId={id} />
        <NodeStatus record={record} />
      </div>
      <NodeProgress record={record} />
      <div className="fb-sub">
        <span className="fb-id">{id}</span>
        <span className="fb-type">{data.type}</span>
        {problemCount > 0 && (
          <span className="fb-problems" title="This node has problems; see the inspector">
            ⚠ {problemCount}
          </span>
        )}
      </div>
      {!t && <div className="fb-unknown">Unknown node type</div>}
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
        <CurrentPreview
          nodeId={id}
          type={data.type}
          asset={data.params.asset}
          live={record?.status === "running" ? record.stream : undefined}
        />
      )}
    </div>
  );
}

export const FlowNode = memo(FlowNodeView);

/** nodeTypes maps React Flow's node type to the one component (module level: stable). */
export const nodeTypes = { fb: FlowNode };
