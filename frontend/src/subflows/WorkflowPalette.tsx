// The palette's "Workflows" section (SPEC §15): every other workflow, to drag (or click) in as
// a subworkflow node pinned to its current version. It sits at the top of the palette, where
// a person looks first; its heading folds it away (remembered), and a search always shows it.
// The most recently used come first; with many, the first few show until "Show all" (a search
// shows every match), so the node types stay in reach below.
import { useEffect, useState } from "react";
import { api } from "../api/backend";
import type { WorkflowCard } from "../api/types";
import { addSubworkflow, WORKFLOW_MIME } from "../commands/subflows";
import { arrangeCards } from "../dashboard/arrange";
import { plural } from "../lib/time";
import { useGraph } from "../stores/graph";
import { toast } from "../stores/ui";
import "./subflows.css";

const OPEN_KEY = "flowbench.palette.workflows.open";
/** FEW is how many workflows the section lists before "Show all". */
const FEW = 8;

function readOpen(): boolean {
  try {
    return localStorage.getItem(OPEN_KEY) !== "0";
  } catch {
    return true;
  }
}

export function WorkflowPalette({ query, at }: { query: string; at: () => { x: number; y: number } }) {
  const current = useGraph((s) => s.workflowId);
  const [cards, setCards] = useState<WorkflowCard[]>([]);
  const [open, setOpen] = useState(readOpen);
  const [all, setAll] = useState(false);
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
  const q = query.trim();
  const shown = arrangeCards(
    cards.filter((c) => c.id !== current),
    q,
    "recent",
  );
  if (shown.length === 0) return null;
  const listed = q || all ? shown : shown.slice(0, FEW);
  const expanded = open || q !== "";
  const toggle = () => {
    setOpen(!open);
    try {
      localStorage.setItem(OPEN_KEY, open ? "0" : "1");
    } catch {
      // storage unavailable: the choice lasts this session
    }
  };
  return (
    <section className="palette-group palette-workflows" aria-label="Workflows" data-testid="palette-workflows">
      <h3 className="rail-heading">
        <button
          type="button"
          className="palette-fold"
          aria-expanded={expanded}
          disabled={q !== ""}
          onClick={toggle}
          data-testid="palette-workflows-toggle"
          title={expanded ? "Hide the workflows" : "Show the workflows to add as subworkflow nodes"}
        >
          <span className="palette-fold-mark" aria-hidden="true">
            {expanded ? "▾" : "▸"}
          </span>
          Workflows <span className="palette-fold-count">{shown.length}</span>
        </button>
      </h3>
      {expanded && (
        <ul>
          {listed.map((c) => (
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
                <span className="palette-type">{plural(c.versions, "version")}</span>
              </button>
            </li>
          ))}
          {!q && shown.length > FEW && (
            <li>
              <button type="button" className="link-button palette-more" data-testid="palette-workflows-all" onClick={() => setAll(!all)}>
                {all ? "Show fewer" : `Show all ${shown.length}`}
              </button>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
