// The version selector in the editor header: every version (label, notes, date) newest first
// with the current one marked; switch current, or make a new version from any of them.
import { useEffect, useRef, useState } from "react";
import type { VersionHead } from "../api/types";
import { dateTime } from "../lib/time";
import { useCompare } from "../stores/compare";
import { createVersionFrom, discardDraft, switchVersion } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { toast } from "../stores/ui";
import { Dialog } from "./Dialog";

function NewVersionDialog({ from, onClose }: { from: VersionHead; onClose: () => void }) {
  const [notes, setNotes] = useState("");
  const [error, setError] = useState("");
  return (
    <Dialog
      title={`New version from ${from.label}`}
      onClose={onClose}
      confirm={{
        label: "Create",
        onConfirm: async () => {
          try {
            const v = await createVersionFrom(from.id, notes);
            toast("success", `Created ${v.label} from ${from.label}. The current version did not change.`);
            onClose();
          } catch (e) {
            setError((e as Error).message);
          }
        },
      }}
    >
      <label className="field">
        <span className="field-label">Notes</span>
        <textarea className="input" rows={3} value={notes} placeholder={`copy of ${from.label}`} onChange={(e) => setNotes(e.target.value)} />
      </label>
      {error && <p className="field-error">{error}</p>}
    </Dialog>
  );
}

export function VersionMenu() {
  const versions = useGraph((s) => s.versions);
  const currentId = useGraph((s) => s.currentVersionId);
  const dirty = useGraph((s) => s.dirty);
  const [open, setOpen] = useState(false);
  const [newFrom, setNewFrom] = useState<VersionHead | null>(null);
  const [busy, setBusy] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const current = versions.find((v) => v.id === currentId);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  const use = async (v: VersionHead) => {
    setBusy(true);
    try {
      await switchVersion(v.id);
      toast("success", `${v.label} is now the current version.`);
      setOpen(false);
    } catch (e) {
      toast("error", (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="version-menu" ref={root} onKeyDown={(e) => e.key === "Escape" && open && (e.stopPropagation(), setOpen(false))}>
      <button
        type="button"
        className="button version-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        data-testid="version-menu"
        title="Versions"
        onClick={() => setOpen((o) => !o)}
      >
        {current?.label ?? "—"} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="version-pop" role="dialog" aria-label="Versions">
          <ol className="version-list">
            {versions.map((v) => {
              const isCurrent = v.id === currentId;
              return (
                <li key={v.id} className={`version-row${isCurrent ? " current" : ""}`} data-testid={`version-${v.label}`}>
                  <div className="version-main">
                    <span className="version-label">{v.label}</span>
                    {isCurrent && <span className="badge">current</span>}
                    <span className="muted small version-date">{dateTime(v.created_at)}</span>
                  </div>
                  {v.notes && <p className="version-notes small">{v.notes}</p>}
                  <div className="version-actions">
                    {!isCurrent && (
                      <button type="button" className="link-button" disabled={busy} onClick={() => void use(v)}>
                        Use this version
                      </button>
                    )}
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => {
                        setNewFrom(v);
                        setOpen(false);
                      }}
                    >
                      New version from {v.label}…
                    </button>
                    {versions.length > 1 && (
                      <button
                        type="button"
                        className="link-button"
                        data-testid="version-compare-with"
                        onClick={() => {
                          const other = isCurrent ? versions.find((x) => x.id !== v.id)! : current ?? versions[0];
                          useCompare.getState().open({ kind: "versions", workflowId: v.workflow_id, a: v.id, b: other.id });
                          setOpen(false);
                        }}
                      >
                        Compare with…
                      </button>
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
          {dirty && (
            <div className="version-foot">
              <button
                type="button"
                className="link-button danger"
                onClick={async () => {
                  setOpen(false);
                  try {
                    await discardDraft();
                    toast("info", "Draft discarded.");
                  } catch (e) {
                    toast("error", (e as Error).message);
                  }
                }}
              >
                Discard the draft and show {current?.label ?? "the current version"}
              </button>
            </div>
          )}
        </div>
      )}
      {newFrom && <NewVersionDialog from={newFrom} onClose={() => setNewFrom(null)} />}
    </div>
  );
}
