// "Save version": the edited graph becomes a new current version with notes. The backend
// refuses an invalid graph; its problems are listed here.
import { useState } from "react";
import { saveVersion } from "../commands/editor";
import { useGraph } from "../stores/graph";
import { toast, useUI } from "../stores/ui";
import { Dialog } from "./Dialog";

export function SaveVersionDialog() {
  const close = useUI((s) => s.close);
  const problems = useGraph((s) => s.problems);
  const [notes, setNotes] = useState("");
  const [error, setError] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError([]);
    try {
      const v = await saveVersion(notes.trim());
      toast("success", `Saved as ${v.label}.`);
      close();
    } catch (e) {
      setError((e as Error).message.split("; "));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Save version"
      onClose={close}
      testId="save-version-dialog"
      confirm={{ label: "Save version", onConfirm: () => void submit(), disabled: busy, testId: "save-version-submit" }}
    >
      <label className="field">
        <span className="field-label">Notes</span>
        <textarea
          className="input"
          rows={3}
          value={notes}
          placeholder="What changed?"
          onChange={(e) => setNotes(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
          }}
          data-autofocus
        />
      </label>
      {problems.length > 0 && error.length === 0 && (
        <p className="small warn-text">The graph has {problems.length} problem{problems.length === 1 ? "" : "s"}; a version must be valid.</p>
      )}
      {error.length > 0 && (
        <div role="alert" data-testid="save-version-error">
          <p className="field-error">The version was not saved:</p>
          <ul className="problems">
            {error.map((m, i) => (
              <li key={i} className="problem">
                {m}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Dialog>
  );
}
