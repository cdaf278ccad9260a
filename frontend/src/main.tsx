// Stylesheets first, so component stylesheets imported below come after the base.
import "@xyflow/react/dist/style.css";
import "./style.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { api } from "./api/backend";
import { bridgeReady } from "./api/bridge";
import App from "./App";
import { useCatalog } from "./stores/catalog";
import { connectRunEvents } from "./stores/runs";
import { useUI } from "./stores/ui";

const root = document.getElementById("root");
if (!root) throw new Error("missing #root element");

/** startRoute: the URL hash, else the workflow open when the window last closed (if it
 * still exists), else the dashboard. */
async function startRoute() {
  if (location.hash.startsWith("#/workflow/")) return;
  const last = localStorage.getItem("flowbench.lastWorkflow");
  if (!last) return;
  try {
    const cards = await api.listWorkflows();
    if (cards.some((c) => c.id === last)) useUI.getState().navigate({ page: "editor", workflowId: last });
    else localStorage.removeItem("flowbench.lastWorkflow");
  } catch {
    // the dashboard shows the error
  }
}

void bridgeReady().then(async (ok) => {
  if (ok) {
    connectRunEvents();
    void useCatalog.getState().load();
    await startRoute();
  }
  createRoot(root).render(
    <StrictMode>
      {ok ? (
        <App />
      ) : (
        <div className="app-main">
          <p className="empty-title">Flowbench could not reach its backend.</p>
        </div>
      )}
    </StrictMode>,
  );
});
