// The editor's "needs a server" bar: the providers the open workflow's nodes name that are not
// set up or do not answer, each with its nodes and the cause, and a button to Settings →
// Providers. Checked when the workflow opens, when its providers change, and after Settings.
import { memo, useCallback, useEffect, useMemo, useState } from "react";
import { useGraph } from "../stores/graph";
import { needState, needText, serverNeeds, type NeedState } from "./needs";
import { providersApi, type ProviderInfo, type ProviderTest } from "./providers";
import { ProvidersDialog } from "./ProvidersDialog";
import "./providers.css";

/** needsKey is the providers the nodes name, as one string (stable while they do not change). */
function needsKey(nodes: ReturnType<typeof useGraph.getState>["nodes"]): string {
  return JSON.stringify(serverNeeds(nodes));
}

export const NeedsServer = memo(function NeedsServer() {
  const key = useGraph((s) => needsKey(s.nodes));
  const needs = useMemo(() => JSON.parse(key) as ReturnType<typeof serverNeeds>, [key]);
  const [states, setStates] = useState<NeedState[]>([]);
  const [settings, setSettings] = useState(false);
  const [round, setRound] = useState(0);

  const check = useCallback(async (signal: { live: boolean }) => {
    if (needs.length === 0) {
      setStates([]);
      return;
    }
    let providers: ProviderInfo[];
    try {
      providers = await providersApi.list();
    } catch {
      return;
    }
    if (!signal.live) return;
    setStates(needs.map((n) => needState(n, providers, undefined)));
    const tests: Record<string, ProviderTest> = {};
    await Promise.all(
      needs
        .filter((n) => providers.some((p) => p.name === n.provider))
        .map(async (n) => {
          try {
            tests[n.provider] = await providersApi.test(n.provider);
          } catch (e) {
            tests[n.provider] = { name: n.provider, kind: "", ok: false, urls: [], error: (e as Error).message };
          }
        }),
    );
    if (signal.live) setStates(needs.map((n) => needState(n, providers, tests[n.provider])));
  }, [needs]);

  useEffect(() => {
    const signal = { live: true };
    void check(signal);
    return () => {
      signal.live = false;
    };
  }, [check, round]);

  const unmet = states.filter((s) => s.state === "missing" || s.state === "down");
  return (
    <>
      {unmet.length > 0 && (
        <div className="needs-server" role="status" data-testid="needs-server">
          <span className="needs-server-title">Needs a server</span>
          <ul>
            {unmet.map((s) => (
              <li key={s.provider}>{needText(s)}</li>
            ))}
          </ul>
          <button type="button" className="button button-primary" onClick={() => setSettings(true)}>
            Settings → Providers
          </button>
          <button type="button" className="button" onClick={() => setRound((r) => r + 1)} title="Test the providers again">
            Check again
          </button>
        </div>
      )}
      {settings && (
        <ProvidersDialog
          onClose={() => {
            setSettings(false);
            setRound((r) => r + 1);
          }}
        />
      )}
    </>
  );
});
