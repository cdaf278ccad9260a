// One dashboard card: "{name} — {n} versions", the last run's status and time, and actions.
import type { WorkflowCard } from "../api/types";
import { plural, relativeTime } from "../lib/time";
import { Menu } from "../panels/Menu";

export interface CardActions {
  open: (c: WorkflowCard) => void;
  rename: (c: WorkflowCard) => void;
  duplicate: (c: WorkflowCard) => void;
  exportFile: (c: WorkflowCard, bundle: boolean) => void;
  remove: (c: WorkflowCard) => void;
}

export function WorkflowCardView({ card, actions }: { card: WorkflowCard; actions: CardActions }) {
  return (
    <li className="card" data-testid="workflow-card" data-workflow-id={card.id}>
      <button type="button" className="card-main" onClick={() => actions.open(card)}>
        <span className="card-title">
          {card.name} <span className="card-count">— {plural(card.versions, "version")}</span>
        </span>
        {card.description && <span className="card-desc">{card.description}</span>}
      </button>
      <div className="card-foot">
        {card.last_run_status ? (
          <span className="card-run">
            <span className={`status-chip st-${card.last_run_status}`}>{card.last_run_status}</span>
            <span className="muted">{relativeTime(card.last_run_at)}</span>
          </span>
        ) : (
          <span className="muted">Never run</span>
        )}
        <Menu
          label={`Actions for ${card.name}`}
          testId="card-menu"
          items={[
            { label: "Open", onSelect: () => actions.open(card) },
            { label: "Rename…", onSelect: () => actions.rename(card) },
            { label: "Duplicate", onSelect: () => actions.duplicate(card) },
            { label: "Export workflow…", onSelect: () => actions.exportFile(card, false) },
            { label: "Export with all versions…", onSelect: () => actions.exportFile(card, true) },
            { label: "Delete…", onSelect: () => actions.remove(card), danger: true },
          ]}
        >
          ⋯
        </Menu>
      </div>
    </li>
  );
}
