// Asks for a workflow name (new workflow, rename).
import { useState } from "react";
import { Dialog } from "../panels/Dialog";

export function NameDialog({
  title,
  initial = "",
  confirm,
  onSubmit,
  onClose,
}: {
  title: string;
  initial?: string;
  confirm: string;
  onSubmit: (name: string) => Promise<void>;
  onClose: () => void;
}) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!name.trim()) {
      setError("A workflow needs a name.");
      return;
    }
    setBusy(true);
    try {
      await onSubmit(name.trim());
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      testId="name-dialog"
      confirm={{ label: confirm, form: "name-form", disabled: busy }}
    >
      <form
        id="name-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input
            className="input"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setError("");
            }}
            aria-invalid={Boolean(error)}
            data-autofocus
          />
        </label>
        {error && <p className="field-error">{error}</p>}
      </form>
    </Dialog>
  );
}

/** PasteDialog takes workflow JSON text to import. */
export function PasteDialog({ onSubmit, onClose }: { onSubmit: (text: string) => Promise<void>; onClose: () => void }) {
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await onSubmit(text);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Import from JSON text"
      onClose={onClose}
      wide
      confirm={{ label: "Import", onConfirm: () => void submit(), disabled: busy || !text.trim() }}
    >
      <label className="field">
        <span className="field-label">Workflow or bundle JSON</span>
        <textarea
          className="input mono"
          rows={14}
          value={text}
          placeholder='{"format": "flowbench.workflow/1", "name": "…", "nodes": [], "edges": []}'
          onChange={(e) => {
            setText(e.target.value);
            setError("");
          }}
          data-autofocus
        />
      </label>
      {error && <p className="field-error">{error}</p>}
    </Dialog>
  );
}
