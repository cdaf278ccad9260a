// The dashboard: workflow cards, new/import/export, and example workflows to open in a click.
// Workflow JSON can also be dropped on it or pasted into it.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api/backend";
import { onEvent } from "../api/events";
import type { WorkflowCard } from "../api/types";
import { setWindowTitle } from "../api/window";
import { ConfirmDialog, Dialog } from "../panels/Dialog";
import { toast, useUI } from "../stores/ui";
import { plural } from "../lib/time";
import { arrangeCards, CARD_SORTS, savedSort, saveSort, type CardSort } from "./arrange";
import { EXAMPLES, type Example } from "./examples";
import { NameDialog, PasteDialog } from "./NameDialog";
import { WorkflowCardView, type CardActions } from "./WorkflowCardView";
import "./dashboard.css";

type DialogState =
  | null
  | { kind: "new" }
  | { kind: "paste" }
  | { kind: "rename"; card: WorkflowCard }
  | { kind: "delete"; card: WorkflowCard }
  // the delete was refused because other workflows use it as a subworkflow (the message names them)
  | { kind: "deleteInUse"; card: WorkflowCard; message: string };

/** isInUse: the backend refused a delete because the workflow is used as a subworkflow. */
function isInUse(message: string): boolean {
  return message.includes("used as a subworkflow");
}

function isField(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return Boolean(el && (el.closest("input, textarea, select, [contenteditable=true]") || el.isContentEditable));
}

export function Dashboard() {
  const [cards, setCards] = useState<WorkflowCard[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [dialog, setDialog] = useState<DialogState>(null);
  const [dropping, setDropping] = useState(false);
  const [version, setVersion] = useState("");
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<CardSort>(savedSort);
  const shown = useMemo(() => (cards ? arrangeCards(cards, query, sort) : []), [cards, query, sort]);
  const searchRef = useRef<HTMLInputElement>(null);
  // "/" or Ctrl+F (⌘F) goes to the search of workflows
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const find = e.key === "/" || ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f");
      if (!find || isField(e.target) || useUI.getState().overlay || !searchRef.current) return;
      e.preventDefault();
      searchRef.current.focus();
      searchRef.current.select();
    };
    document.addEventListener("keydown", onKey);
    // Edit → Find… of the native menu
    const offMenu = onEvent("menu", (action) => {
      if (action === "find") searchRef.current?.focus();
    });
    return () => {
      document.removeEventListener("keydown", onKey);
      offMenu();
    };
  }, []);
  const navigate = useUI((s) => s.navigate);
  const intent = useUI((s) => s.intent);

  useEffect(() => {
    api.version().then(setVersion, () => setVersion(""));
  }, []);

  const reload = useCallback(async () => {
    try {
      setCards(await api.listWorkflows());
      setLoadError("");
    } catch (e) {
      setLoadError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    setWindowTitle();
    localStorage.removeItem("flowbench.lastWorkflow"); // the window reopens where it was left
    void reload();
  }, [reload]);

  useEffect(() => {
    if (intent === "new") {
      setDialog({ kind: "new" });
      useUI.getState().setIntent(null);
    }
  }, [intent]);

  const open = (id: string) => navigate({ page: "editor", workflowId: id });

  const importText = useCallback(
    async (text: string) => {
      const r = await api.importJSON(text, "");
      toast("success", `Imported as ${r.version_label}.`);
      navigate({ page: "editor", workflowId: r.workflow_id });
    },
    [navigate],
  );

  // Pasting workflow JSON anywhere on the dashboard imports it.
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      if (isField(e.target) || useUI.getState().overlay) return;
      const text = e.clipboardData?.getData("text/plain") ?? "";
      if (!text.trim().startsWith("{")) return;
      e.preventDefault();
      importText(text).catch((err: Error) => toast("error", `Import failed: ${err.message}`));
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [importText]);

  const onDrop = async (e: React.DragEvent) => {
    e.preventDefault();
    setDropping(false);
    const files = [...e.dataTransfer.files].filter((f) => f.name.endsWith(".json") || f.type.includes("json"));
    const text = e.dataTransfer.getData("text/plain");
    try {
      if (files.length) {
        for (const f of files) await importText(await f.text());
      } else if (text.trim().startsWith("{")) {
        await importText(text);
      } else {
        toast("warning", "Drop a workflow .json file to import it.");
      }
    } catch (err) {
      toast("error", `Import failed: ${(err as Error).message}`);
    }
  };

  const importFile = async () => {
    try {
      const r = await api.importDialog();
      if (r) {
        toast("success", `Imported as ${r.version_label}.`);
        open(r.workflow_id);
      }
    } catch (e) {
      toast("error", `Import failed: ${(e as Error).message}`);
    }
  };

  const openExample = async (ex: Example) => {
    const existing = cards?.find((c) => c.name === ex.name);
    if (existing) return open(existing.id);
    try {
      await importText(ex.text);
    } catch (e) {
      toast("error", `Could not open the example: ${(e as Error).message}`);
    }
  };

  const actions: CardActions = {
    open: (c) => open(c.id),
    rename: (card) => setDialog({ kind: "rename", card }),
    duplicate: async (c) => {
      try {
        const w = await api.duplicateWorkflow(c.id);
        toast("success", `Duplicated as "${w.name}".`);
        await reload();
      } catch (e) {
        toast("error", (e as Error).message);
      }
    },
    exportFile: async (c, bundle) => {
      try {
        const path = await api.exportDialog(c.id, "", bundle);
        if (path) toast("success", `Exported to ${path}`);
      } catch (e) {
        toast("error", `Export failed: ${(e as Error).message}`);
      }
    },
    remove: (card) => setDialog({ kind: "delete", card }),
  };

  return (
    <div
      className={`dashboard${dropping ? " dropping" : ""}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files") || e.dataTransfer.types.includes("text/plain")) {
          e.preventDefault();
          setDropping(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDropping(false);
      }}
      onDrop={(e) => void onDrop(e)}
    >
      <div className="dash-head">
        <h2 className="dash-title">Workflows</h2>
        <div className="dash-actions">
          <button type="button" className="button" onClick={() => useUI.getState().setSettingsOpen(true)}>
            Settings…
          </button>
          <button type="button" className="button" onClick={() => setDialog({ kind: "paste" })}>
            Paste JSON…
          </button>
          <button type="button" className="button" onClick={() => void importFile()}>
            Import…
          </button>
          <button type="button" className="button button-primary" onClick={() => setDialog({ kind: "new" })}>
            New workflow
          </button>
        </div>
      </div>

      {loadError && <p className="field-error">Could not list workflows: {loadError}</p>}
      {cards === null && !loadError && <p className="muted">Loading…</p>}
      {cards && cards.length === 0 && (
        <div className="empty-state">
          <p className="empty-title">No workflows yet</p>
          <p className="empty-hint">Create one, import a workflow file (or drop it here), or start from an example below.</p>
        </div>
      )}
      {cards && cards.length > 0 && (
        <div className="dash-tools">
          <input
            type="search"
            className="input dash-search"
            ref={searchRef}
            placeholder="Search workflows"
            title="Search workflows by words of their names and descriptions (/ or Ctrl+F)"
            aria-label="Search workflows"
            data-testid="dashboard-search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") setQuery("");
            }}
          />
          <label className="dash-sort">
            Sort by{" "}
            <select
              className="input"
              data-testid="dashboard-sort"
              value={sort}
              onChange={(e) => {
                const v = e.target.value as CardSort;
                setSort(v);
                saveSort(v);
              }}
            >
              {CARD_SORTS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          {query.trim() && (
            <span className="muted small" data-testid="dashboard-found">
              {shown.length} of {plural(cards.length, "workflow")}
            </span>
          )}
        </div>
      )}
      {cards && cards.length > 0 && shown.length === 0 && (
        <p className="muted" data-testid="dashboard-none">
          No workflow has “{query.trim()}” in its name or description.
        </p>
      )}
      {shown.length > 0 && (
        <ul className="cards" aria-label="Workflows">
          {shown.map((c) => (
            <WorkflowCardView key={c.id} card={c} actions={actions} />
          ))}
        </ul>
      )}

      <h2 className="dash-title dash-sub">Examples</h2>
      <ul className="cards examples" aria-label="Examples">
        {EXAMPLES.map((ex) => (
          <li key={ex.name} className="card card-example">
            <button type="button" className="card-main" onClick={() => void openExample(ex)}>
              <span className="card-title">{ex.name}</span>
              <span className="card-desc">{ex.description}</span>
            </button>
            <div className="card-foot">
              <span className="muted">{ex.tags.filter((t) => t !== "examples").join(", ")}</span>
              {ex.needs.length > 0 && (
                <span className="card-needs" title="The servers this example uses (Settings → Providers)" data-testid="example-needs">
                  needs {ex.needs.join(", ")}
                </span>
              )}
              <span className="card-open">Open →</span>
            </div>
          </li>
        ))}
      </ul>
      {version && (
        <p className="dash-version muted" data-testid="app-version">
          Flowbench {version}
        </p>
      )}

      {dialog?.kind === "new" && (
        <NameDialog
          title="New workflow"
          confirm="Create"
          onClose={() => setDialog(null)}
          onSubmit={async (name) => {
            const w = await api.createWorkflow(name);
            setDialog(null);
            open(w.id);
          }}
        />
      )}
      {dialog?.kind === "rename" && (
        <NameDialog
          title={`Rename "${dialog.card.name}"`}
          initial={dialog.card.name}
          confirm="Rename"
          onClose={() => setDialog(null)}
          onSubmit={async (name) => {
            await api.renameWorkflow(dialog.card.id, name);
            setDialog(null);
            await reload();
          }}
        />
      )}
      {dialog?.kind === "paste" && (
        <PasteDialog
          onClose={() => setDialog(null)}
          onSubmit={async (text) => {
            await importText(text);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title="Delete workflow"
          message={
            <>
              Delete <strong>{dialog.card.name}</strong> with its {plural(dialog.card.versions, "version")}, runs and results? This cannot
              be undone.
            </>
          }
          confirm="Delete"
          danger
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const c = dialog.card;
            setDialog(null);
            try {
              await api.deleteWorkflow(c.id);
              toast("success", `Deleted "${c.name}".`);
            } catch (e) {
              const msg = (e as Error).message;
              if (isInUse(msg)) {
                setDialog({ kind: "deleteInUse", card: c, message: msg });
                return;
              }
              toast("error", msg);
            }
            await reload();
          }}
        />
      )}
      {dialog?.kind === "deleteInUse" && (
        <Dialog
          title={`"${dialog.card.name}" is used as a subworkflow`}
          testId="delete-in-use-dialog"
          wide
          onClose={() => setDialog(null)}
          confirm={{
            label: "Delete anyway — its users will fail validation",
            danger: true,
            testId: "delete-anyway",
            onConfirm: async () => {
              const c = dialog.card;
              setDialog(null);
              try {
                await api.deleteWorkflowAnyway(c.id);
                toast("success", `Deleted "${c.name}"; the workflows that used it will fail validation.`);
              } catch (e) {
                toast("error", (e as Error).message);
              }
              await reload();
            },
          }}
        >
          <p className="dialog-text">{dialog.message.replace(/: used as a subworkflow$/, "")}</p>
        </Dialog>
      )}
    </div>
  );
}
