// Quick add: a floating, searchable list of node types opened with "/" or Ctrl+K, at the
// pointer over the canvas or at its centre. Arrow keys choose, Enter adds, Escape closes.
import { useMemo, useState } from "react";
import { groupTypes, useCatalog } from "../stores/catalog";
import { addNode } from "../commands/editor";
import { useUI } from "../stores/ui";
import { canvasCenterScreen, useFlowPoint } from "./useCanvasPoint";

export function QuickAdd() {
  const at = useUI((s) => s.quickAddAt) ?? canvasCenterScreen();
  const close = useUI((s) => s.close);
  const list = useCatalog((s) => s.list);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const toFlow = useFlowPoint();
  const flat = useMemo(() => groupTypes(list, query).flatMap((g) => g.types), [list, query]);
  const pick = (type: string) => {
    addNode(type, toFlow(at));
    close();
  };
  const left = Math.min(Math.max(8, at.x - 160), innerWidth - 340);
  const top = Math.min(Math.max(56, at.y - 20), innerHeight - 380);
  return (
    <div className="quickadd-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="quickadd" style={{ left, top }} role="dialog" aria-label="Add a node" data-testid="quick-add">
        <input
          className="input"
          autoFocus
          placeholder="Add a node…"
          aria-label="Search node types"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, flat.length - 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === "Enter" && flat[active]) {
              e.preventDefault();
              pick(flat[active].type);
            } else if (e.key === "Escape") {
              e.preventDefault();
              close();
            }
          }}
        />
        <ul className="quickadd-list" role="listbox" aria-label="Node types">
          {flat.length === 0 && <li className="muted small quickadd-empty">No node matches.</li>}
          {flat.map((t, i) => (
            <li
              key={t.type}
              role="option"
              aria-selected={i === active}
              className={`quickadd-item group-${t.group}${i === active ? " active" : ""}`}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(t.type);
              }}
              ref={i === active ? (el) => el?.scrollIntoView({ block: "nearest" }) : undefined}
            >
              <span className="fb-dot" aria-hidden="true" />
              <span className="palette-title">{t.title}</span>
              <span className="palette-type">{t.type}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
