// The window's shell: the dashboard or the editor of one workflow (from the URL hash), toasts,
// the Settings dialog, and the native menu's file commands.
import { useEffect } from "react";
import { api } from "./api/backend";
import { onEvent } from "./api/events";
import { Editor } from "./canvas/Editor";
import { Dashboard } from "./dashboard/Dashboard";
import { watchOpenedFile } from "./dashboard/openedFile";
import { CompareRoot } from "./compare/CompareRoot";
import { Toasts } from "./panels/Toasts";
import { OrphanedRunsDialog } from "./queue/OrphanedRunsDialog";
import { QueueOverlay } from "./queue/QueueOverlay";
import { ProvidersDialog } from "./settings/ProvidersDialog";
import { useGraph } from "./stores/graph";
import { flushDraft } from "./stores/persist";
import { toast, useUI } from "./stores/ui";

function DashboardShell() {
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Flowbench</h1>
      </header>
      <main className="app-main app-scroll">
        <Dashboard />
      </main>
      <QueueOverlay inWindow />
    </div>
  );
}

export default function App() {
  const route = useUI((s) => s.route);
  const settingsOpen = useUI((s) => s.settingsOpen);

  useEffect(() => {
    const onHash = () => useUI.getState().setRouteFromHash(location.hash);
    window.addEventListener("hashchange", onHash);
    const offMenu = onEvent("menu", async (action) => {
      const ui = useUI.getState();
      if (action === "new") {
        ui.setIntent("new");
        ui.navigate({ page: "dashboard" });
      } else if (action === "import") {
        try {
          const r = await api.importDialog();
          if (r) {
            toast("success", `Imported as ${r.version_label}.`);
            ui.navigate({ page: "editor", workflowId: r.workflow_id });
          }
        } catch (e) {
          toast("error", `Import failed: ${(e as Error).message}`);
        }
      } else if (action === "settings") {
        ui.setSettingsOpen(true);
      } else if (action === "about") {
        try {
          toast("info", `Flowbench ${await api.version()}`);
        } catch (e) {
          toast("error", (e as Error).message);
        }
      } else if (action === "export") {
        const wf = useGraph.getState().workflowId;
        if (ui.route.page !== "editor" || !wf) {
          toast("info", "Open a workflow to export it, or use a card's menu.");
          return;
        }
        try {
          await flushDraft();
          const path = await api.exportDialog(wf, "", false);
          if (path) toast("success", `Exported to ${path}`);
        } catch (e) {
          toast("error", `Export failed: ${(e as Error).message}`);
        }
      }
    });
    // `flowbench FILE.json`: the file the window was started with opens in the editor.
    const offOpened = watchOpenedFile(api.takeOpenedFile, (o) => {
      if (o.kind === "error") {
        toast("error", o.message);
      } else if (o.kind === "open") {
        toast("success", o.message);
        useUI.getState().navigate({ page: "editor", workflowId: o.workflowId });
      }
    });
    return () => {
      window.removeEventListener("hashchange", onHash);
      offMenu();
      offOpened();
    };
  }, []);

  return (
    <>
      {route.page === "editor" ? <Editor key={route.workflowId} workflowId={route.workflowId} /> : <DashboardShell />}
      <CompareRoot />
      <OrphanedRunsDialog />
      {settingsOpen && <ProvidersDialog onClose={() => useUI.getState().setSettingsOpen(false)} />}
      <Toasts />
    </>
  );
}
