// Quick add: a floating, searchable list of node types opened with "/" or Ctrl+K, at the
// pointer over the canvas or at its centre. Arrow keys choose, Enter adds, Escape closes.
import { useMemo, useState } from "react";
import { groupTypes, useCatalog } from "../stores/catalog";
import { addNode } from "../commands/editor";
import { useUI } from "../stores/ui";
import { PickList } from "./PickList";
import { canvasCenterScreen, useFlowPoint } from "./useCanvasPoint";

export function QuickAdd() {
  const at = useUI((s) => s.quickAddAt) ?? canvasCenterScreen();
  const close = useUI((s) => s.close);
  const list = useCatalog((s) => s.list);
  const [query, setQuery] = useState("");
  const toFlow = useFlowPoint();
  const items = useMemo(
    () => groupTypes(list, query).flatMap((g) => g.types.map((t) => ({ key: t.type, title: t.title, detail: t.type, group: t.group }))),
    [list, query],
  );
  const left = Math.min(Math.max(8, at.x - 160), innerWidth - 340);
  const top = Math.min(Math.max(56, at.y - 20), innerHeight - 380);
  return (
    <div className="quickadd-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="quickadd" style={{ left, top }} role="dialog" aria-label="Add a node" data-testid="quick-add">
        <PickList
          items={items}
          query={query}
          onQuery={setQuery}
          onPick={(type) => {
            addNode(type, toFlow(at));
            close();
          }}
          onClose={close}
          placeholder="Add a node…"
          label="Search node types"
          listLabel="Node types"
        />
      </div>
    </div>
  );
}
