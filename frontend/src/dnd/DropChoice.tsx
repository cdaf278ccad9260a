// After files land on the canvas: a small popover saying what happened, with the other
// choice (copy into Flowbench ↔ link to the file on disk) one click away.
import { useEffect } from "react";
import { onEvent } from "../api/events";
import { useGraph } from "../stores/graph";
import { useDropChoice } from "../stores/dropChoice";
import { handleFileDrop, switchMode } from "./fileDrop";
import "./dnd.css";

/** useFileDropEvents listens to the "filedrop" event while mounted. */
export function useFileDropEvents(): void {
  useEffect(() => onEvent("filedrop", (d) => void handleFileDrop(d)), []);
}

export function DropChoice() {
  const last = useDropChoice((s) => s.last);
  const wf = useGraph((s) => s.workflowId);
  useEffect(() => {
    if (!last) return;
    const t = setTimeout(() => useDropChoice.setState({ last: null }), 12_000);
    return () => clearTimeout(t);
  }, [last]);
  if (!last || last.workflowId !== wf) return null;
  const n = last.nodes.length;
  const what = n === 1 ? "1 file" : `${n} files`;
  return (
    <div
      className="drop-choice"
      role="status"
      data-testid="drop-choice"
      style={{ left: Math.min(last.at.x, window.innerWidth - 300), top: Math.min(last.at.y + 16, window.innerHeight - 80) }}
    >
      {last.mode === "copy" ? (
        <>
          <span>Copied {what} into Flowbench.</span>
          <button type="button" onClick={() => void switchMode("link")} data-testid="drop-link-instead" title="Use the file on disk; changes to it make the node run again">
            Link instead
          </button>
        </>
      ) : (
        <>
          <span>Linked {what} on disk (watched for changes).</span>
          <button type="button" onClick={() => void switchMode("copy")} data-testid="drop-copy-instead">
            Copy instead
          </button>
        </>
      )}
      <button type="button" className="icon" aria-label="Dismiss" onClick={() => useDropChoice.setState({ last: null })}>
        ✕
      </button>
    </div>
  );
}
