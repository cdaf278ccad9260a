// Edges: the default bezier when the canvas shows nodes in full; zoomed far out a straight
// line with no hit area (thousands of curves and their invisible interaction paths are most
// of what an edge costs to draw).
import { BezierEdge, type EdgeProps } from "@xyflow/react";
import { memo, useContext } from "react";
import { DetailContext } from "./detail";

function FbEdgeView(props: EdgeProps) {
  const detail = useContext(DetailContext);
  if (detail === "far") {
    const { sourceX, sourceY, targetX, targetY } = props;
    return <path className="react-flow__edge-path fb-edge-far" d={`M${sourceX},${sourceY}L${targetX},${targetY}`} />;
  }
  return <BezierEdge {...props} />;
}

export const FbEdge = memo(FbEdgeView);

/** edgeTypes replaces React Flow's default edge (module level: stable). */
export const edgeTypes = { default: FbEdge };
