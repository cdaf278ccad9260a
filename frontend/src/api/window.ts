// The native window: its title. Guarded so the page also works without the Wails runtime
// (unit tests, a plain browser).
import { WindowSetTitle } from "../../wailsjs/runtime/runtime";

/** setWindowTitle names the window "Flowbench" or "Flowbench — {name}". */
export function setWindowTitle(workflowName?: string): void {
  const title = workflowName ? `Flowbench — ${workflowName}` : "Flowbench";
  document.title = title;
  if (typeof window !== "undefined" && (window as unknown as { runtime?: unknown }).runtime) {
    try {
      WindowSetTitle(title);
    } catch {
      // the dev bridge may lack window calls; the document title is set anyway
    }
  }
}
