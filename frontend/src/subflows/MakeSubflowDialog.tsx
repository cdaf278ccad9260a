// "Make subworkflow" (SPEC §15): name the new workflow, then the selection becomes one node
// running it. Also the subworkflow entries of a node's context menu.
import { useState } from "react";
import { makeSubworkflow, openChild, updateToLatest } from "../commands/subflows";
import { selectOnly } from "../lib/graphops";
import type { MenuItem } from "../plan/NodeActions";
import { Dialog } from "../panels/Dialog";
import { useGraph } from "../stores/graph";
import { useMakeDialog } from "../stores/makeSubflowDialog";
import { SUBWORKFLOW } from "../stores/subflows";
import { toast } from "../stores/ui";

/** subflowMenuItems are a node's subworkflow entries: make one of the selection (the node
 * with it), and for a subworkflow node, open it and update it to the child's latest version. */
export function subflowMenuItems(nodeId: string): MenuItem[] {
  const s = useGraph.getState();
  const n = s.nodes.find((x) => x.id === nodeId);
  const items: MenuItem[] = [
    {
      label: "Make subworkflow…",
      testId: "ctx-make-subworkflow",
      onSelect: () => {
        if (!n?.selected) useGraph.setState((st) => ({ nodes: selectOnly(st, new Set([nodeId])).nodes }));
        useMakeDialog.setState({ open: true });
      },
    },
  ];
  if (n?.data.type === SUBWORKFLOW) {
    items.push(
      { label: "Open subworkflow", testId: "ctx-open-subworkflow", onSelect: () => void openChild(nodeId) },
      { label: "Update to latest version", testId: "ctx-update-subworkflow", onSelect: () => void updateToLatest(nodeId).catch((e: Error) => toast("error", e.message)) },
    );
  }
  return items;
}

export function MakeSubflowDialog() {
  const open = useMakeDialog((s) => s.open);
  const count = useGraph((s) => s.nodes.filter((n) => n.selected).length);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  if (!open) return null;
  const close = () => {
    useMakeDialog.setState({ open: false });
    setName("");
    setBusy(false);
  };
  const submit = async () => {
    if (!name.trim()) return;
    setBusy(true);
    if (await makeSubworkflow(name.trim())) close();
    else setBusy(false);
  };
  return (
    <Dialog
      title="Make subworkflow"
      onClose={close}
      testId="make-subworkflow-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="button" className="button button-primary" disabled={busy || !name.trim() || count === 0} onClick={() => void submit()} data-testid="make-subworkflow-ok">
            Make subworkflow
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="dialog-text">
          The {count} selected node{count === 1 ? "" : "s"} become a new workflow; its inputs are the edges entering them, its outputs the edges leaving
          them. One node running it takes their place (Undo brings them back).
        </p>
        <label className="field">
          <span className="field-label">Name of the new workflow</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-autofocus data-testid="make-subworkflow-name" />
        </label>
      </form>
    </Dialog>
  );
}
