// The keyboard shortcuts sheet ("?").
import { Fragment } from "react";
import { useUI } from "../stores/ui";
import { Dialog } from "./Dialog";

/** SHORTCUTS: alternative key combinations for each action. */
export const SHORTCUTS: [string[], string][] = [
  [["/", "Ctrl+K"], "Add a node (search)"],
  [["Ctrl+F"], "Find a node of the graph by id, label or type"],
  [["Ctrl+Z"], "Undo"],
  [["Ctrl+Shift+Z", "Ctrl+Y"], "Redo"],
  [["Ctrl+C"], "Copy the selected nodes"],
  [["Ctrl+V"], "Paste"],
  [["Ctrl+A"], "Select all nodes"],
  [["Delete", "Backspace"], "Delete the selection"],
  [["Shift+drag"], "Select an area"],
  [["F"], "Fit the graph in view"],
  [["L"], "Auto-layout"],
  [["Ctrl+S"], "Save version"],
  [["Ctrl+Enter"], "Run"],
  [["Ctrl+Shift+Enter"], "Run changed: what changed since its last result, and what depends on it"],
  [["Escape"], "Close a dialog, clear the selection"],
  [["?"], "This sheet"],
];

export function HelpSheet() {
  const close = useUI((s) => s.close);
  return (
    <Dialog title="Keyboard shortcuts" onClose={close} testId="help-sheet">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={what}>
              <td>
                {keys.map((k, i) => (
                  <Fragment key={k}>
                    {i > 0 && <span className="muted"> or </span>}
                    <kbd>{k}</kbd>
                  </Fragment>
                ))}
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">On macOS, Cmd works wherever Ctrl is listed.</p>
    </Dialog>
  );
}
