// The palette's "Workflows" section (SPEC §15): every other workflow, to drag (or click) in as
// a subworkflow node pinned to its current version.
import { useEffect, useState } from "react";
import { api } from "../api/backend";
import type { WorkflowCard } from "../api/types";
import { addSubworkflow, WORKFLOW_MIME } from "../commands/subflows";
import { useGraph } from "../stores/graph";
import { toast } from "../stores/ui";

export function WorkflowPalette({ query, at }: { query: string; at: () => { x: number; y: number } }) {
  const current = useGraph((s) => s.workflowId);
  const [cards, setCards] = useState<WorkflowCard[]>([]);
  useEffect(() => {
    let live = true;
    api
      .listWorkflows()
      .then((l) => live && setCards(l))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [current]);
  const q = query.trim().toLowerCase();
  const shown = cards.filter((c) => c.id !== current && (!q || c.name.toLowerCase().includes(q)));
  if (shown.length === 0) return null;
  return (
    <section className="palette-group" aria-label="Workflows" data-testid="palette-workflows">
      <h3 className="rail-heading">Workflows</h3>
      <ul>
        {shown.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="palette-item group-flow palette-workflow"
              title={`Run ${c.name} as one node, pinned to its current version`}
              data-testid={`palette-workflow-${c.name}`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData(WORKFLOW_MIME, c.id);
                e.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => void addSubworkflow(c.id, at()).catch((e: Error) => toast("error", e.message))}
            >
              <span className="fb-dot" aria-hidden="true" />
              <span className="palette-title">{c.name}</span>
              <span className="palette-type">{c.versions} version{c.versions === 1 ? "" : "s"}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
