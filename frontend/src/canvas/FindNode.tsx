// Find node (Ctrl+F, Edit → Find node…): a searchable list of the graph's nodes by id, label or
// type; Enter (or a click) selects the node and brings it to the middle of the canvas, at a
// readable zoom. Arrow keys choose, Escape closes. Made for large graphs, where a node is
// easier named than looked for.
import { useReactFlow } from "@xyflow/react";
import { useMemo, useState } from "react";
import { findNodes } from "../lib/findnodes";
import type { FbEdge, FbNode } from "../lib/flowtypes";
import { selectOnly } from "../lib/graphops";
import { useGraph } from "../stores/graph";
import { FAR_H } from "./farview";
import { NODE_W } from "./lod";
import { useUI } from "../stores/ui";

export function FindNode() {
  const close = useUI((s) => s.close);
  const nodes = useGraph((s) => s.nodes);
  const rf = useReactFlow<FbNode, FbEdge>();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const { found, more } = useMemo(() => findNodes(nodes, query), [nodes, query]);
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
        <input
          className="input"
          autoFocus
          placeholder="Find a node by id, label or type…"
          aria-label="Find a node"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, found.length - 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === "Enter" && found[active]) {
              e.preventDefault();
              pick(found[active].id);
            } else if (e.key === "Escape") {
              e.preventDefault();
              close();
            }
          }}
        />
        <ul className="quickadd-list" role="listbox" aria-label="Nodes">
          {found.length === 0 && <li className="muted small quickadd-empty">No node matches.</li>}
          {found.map((f, i) => (
            <li
              key={f.id}
              role="option"
              aria-selected={i === active}
              data-testid={`find-node-${f.id}`}
              className={`quickadd-item${i === active ? " active" : ""}`}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(f.id);
              }}
              ref={i === active ? (el) => el?.scrollIntoView({ block: "nearest" }) : undefined}
            >
              <span className="palette-title">{f.label || f.id}</span>
              <span className="palette-type">
                {f.label ? `${f.id} · ` : ""}
                {f.type}
              </span>
            </li>
          ))}
          {more > 0 && <li className="muted small quickadd-empty">and {more} more: type more of the name</li>}
        </ul>
      </div>
    </div>
  );
}
