// Everything of the compare feature that floats over the window: the bar of chosen runs,
// the open compare view, and the banner that undoes a restore.
import { useEffect } from "react";
import { CompareBar, RestoreBanner } from "./Controls";
import { CompareRunsView } from "./CompareView";
import { useCompare } from "../stores/compare";
import { SweepGrid } from "./SweepGrid";
import { VersionCompareView } from "./VersionCompare";

export function CompareRoot() {
  const view = useCompare((s) => s.view);
  const close = () => useCompare.getState().close();
  useEffect(() => {
    if (!view) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && close();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [view]);
  return (
    <>
      <RestoreBanner />
      {!view && <CompareBar />}
      {view?.kind === "runs" && <CompareRunsView key={`${view.a}:${view.b}`} a={view.a} b={view.b} onClose={close} />}
      {view?.kind === "grid" && <SweepGrid ids={view.ids} onClose={close} />}
      {view?.kind === "versions" && <VersionCompareView workflowId={view.workflowId} a={view.a} b={view.b} onClose={close} />}
    </>
  );
}
