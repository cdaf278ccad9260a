// Find node (Ctrl+F, Edit → Find…): a searchable list of the graph's nodes by id, label or
// type; Enter (or a click) selects the node and brings it to the middle of the canvas, at a
// readable zoom. Arrow keys choose, Escape closes. Made for large graphs, where a node is
// easier named than looked for.
import { useReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import { findNodes } from "../lib/findnodes";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { selectOnly } from "../lib/graphops";
import { useGraph } from "../stores/graph";
import { useUI } from "../stores/ui";
import { FAR_H } from "./farview";
import { NODE_W } from "./lod";
import { PickList } from "./PickList";

export function FindNode() {
  const close = useUI((s) => s.close);
  const nodes = useGraph((s) => s.nodes);
  const rf = useReactFlow<FbNode, FbEdge>();
  const [query, setQuery] = useState("");
  const { found, more } = useMemo(() => findNodes(nodes, query), [nodes, query]);
  const items = useMemo(
    () => found.map((f) => ({ key: f.id, title: f.label || f.id, detail: f.label ? `${f.id} · ${f.type}` : f.type, testId: `find-node-${f.id}` })),
    [found],
  );
  const pick = (id: string) => {
    useGraph.setState((s) => selectOnly(s, new Set([id])));
    // from the graph, not React Flow's own nodes: a large graph hands it only those in view
    const n = nodes.find((x) => x.id === id);
    if (n) {
      const parent = n.parentId ? nodes.find((x) => x.id === n.parentId) : undefined;
      const x = n.position.x + (parent?.position.x ?? 0) + (n.measured?.width ?? NODE_W) / 2;
      const y = n.position.y + (parent?.position.y ?? 0) + (n.measured?.height ?? FAR_H) / 2;
      void rf.setCenter(x, y, { zoom: Math.max(1, rf.getZoom()), duration: 0 });
    }
    close();
  };
  return (
    <div className="quickadd-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="quickadd findnode" role="dialog" aria-label="Find a node" data-testid="find-node">
        <PickList
          items={items}
          query={query}
          onQuery={setQuery}
          onPick={pick}
          onClose={close}
          placeholder="Find a node by id, label or type…"
          label="Find a node"
          listLabel="Nodes"
          footer={more > 0 && <li className="muted small quickadd-empty">and {more} more: type more of the name</li>}
        />
      </div>
    </div>
  );
}
