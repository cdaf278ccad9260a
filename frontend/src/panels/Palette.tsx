// The node palette: every node type, searchable, grouped. Click (or Enter) adds a node at the
// centre of the canvas; dragging one onto the canvas drops it there. The other workflows (to
// add as subworkflow nodes) come first, in a section that folds away.
import { useMemo, useState } from "react";
import { PALETTE_MIME } from "../canvas/Canvas";
import { groupTitle, groupTypes, useCatalog } from "../stores/catalog";
import { WorkflowPalette } from "../subflows/WorkflowPalette";

export function Palette({ onAdd, at }: { onAdd: (type: string) => void; at: () => { x: number; y: number } }) {
  const list = useCatalog((s) => s.list);
  const error = useCatalog((s) => s.error);
  const [query, setQuery] = useState("");
  const groups = useMemo(() => groupTypes(list, query), [list, query]);
  return (
    <div className="palette">
      <div className="palette-search">
        <input
          className="input"
          type="search"
          placeholder="Search nodes"
          aria-label="Search nodes"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && groups[0]?.types[0]) onAdd(groups[0].types[0].type);
          }}
        />
      </div>
      {error && <p className="field-error">Could not load node types: {error}</p>}
      {groups.length === 0 && list.length > 0 && <p className="muted small">No node matches “{query}”.</p>}
      <div className="palette-groups">
        <WorkflowPalette query={query} at={at} />
        {groups.map((g) => (
          <section key={g.group} className="palette-group" aria-label={groupTitle(g.group)}>
            <h3 className="rail-heading">{groupTitle(g.group)}</h3>
            <ul>
              {g.types.map((t) => (
                <li key={t.type}>
                  <button
                    type="button"
                    className={`palette-item group-${t.group}`}
                    title={t.description}
                    data-testid={`palette-${t.type}`}
                    draggable
                    onDragStart={(e) => {
                      e.dataTransfer.setData(PALETTE_MIME, t.type);
                      e.dataTransfer.effectAllowed = "copy";
                    }}
                    onClick={() => onAdd(t.type)}
                  >
                    <span className="fb-dot" aria-hidden="true" />
                    <span className="palette-title">{t.title}</span>
                    <span className="palette-type">{t.type}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
