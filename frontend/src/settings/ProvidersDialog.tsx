// Settings → Providers: the AI servers generative nodes use (SPEC §12). Add, edit, test (a
// result per URL with its models) and remove providers; each URL's pool state in this window.
import { useCallback, useEffect, useState } from "react";
import { Dialog } from "../panels/Dialog";
import { CacheSwitch } from "./CacheSwitch";
import { RunCapSetting } from "./RunCapSetting";
import {
  forgetModels,
  KIND_HELP,
  PROVIDER_KINDS,
  parseConcurrency,
  parseURLs,
  providersApi,
  testSummary,
  urlStateText,
  type ProviderInfo,
  type ProviderTest,
} from "./providers";
import { FFmpegSetting } from "./FFmpegSetting";
import { ProviderKey } from "./ProviderKey";
import "./providers.css";

type Draft = { name: string; kind: string; urls: string; concurrency: string; keyEnv: string; isNew: boolean };

const emptyDraft: Draft = { name: "", kind: "openai", urls: "", concurrency: "", keyEnv: "", isNew: true };

export function ProvidersDialog({ onClose }: { onClose: () => void }) {
  const [list, setList] = useState<ProviderInfo[] | null>(null);
  const [error, setError] = useState("");
  const [tests, setTests] = useState<Record<string, ProviderTest | "testing">>({});
  const [draft, setDraft] = useState<Draft | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const reload = useCallback(async () => {
    try {
      setList(await providersApi.list());
      setNow(Date.now());
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void reload();
    const t = window.setInterval(() => void reload(), 2000); // pool state changes while runs go
    return () => window.clearInterval(t);
  }, [reload]);

  const test = async (name: string) => {
    forgetModels();
    setTests((t) => ({ ...t, [name]: "testing" }));
    try {
      const res = await providersApi.test(name);
      setTests((t) => ({ ...t, [name]: res }));
    } catch (e) {
      setTests((t) => {
        const next = { ...t };
        delete next[name];
        return next;
      });
      setError((e as Error).message);
    }
  };

  const remove = async (name: string) => {
    try {
      await providersApi.remove(name);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <Dialog
      title="Settings — Providers"
      onClose={onClose}
      wide
      testId="providers-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={() => setDraft({ ...emptyDraft })} disabled={draft !== null}>
            Add provider
          </button>
          <button type="button" className="button button-primary" onClick={onClose}>
            Done
          </button>
        </>
      }
    >
      <p className="muted providers-intro">
        Providers are the AI servers nodes such as <span className="mono">llm.chat</span> and{" "}
        <span className="mono">image.generate</span> use. Give a provider several URLs to spread jobs over several
        machines. API keys are read from an environment variable or kept in the OS keychain, never in Flowbench’s database.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {draft && (
        <ProviderForm
          draft={draft}
          onCancel={() => setDraft(null)}
          onSaved={async (name) => {
            setDraft(null);
            await reload();
            void test(name);
          }}
        />
      )}
      {list === null && !error && <p className="muted">Loading…</p>}
      {list && list.length === 0 && <p className="muted">No providers. Add one to use AI nodes.</p>}
      <ul className="providers" aria-label="Providers">
        {list?.map((p) => {
          const t = tests[p.name];
          return (
            <li key={p.name} className="provider" data-testid={`provider-${p.name}`}>
              <div className="provider-head">
                <span className="provider-name">{p.name}</span>
                <span className="badge">{p.kind}</span>
                <span className="muted">×{p.concurrency} per URL</span>
                {p.api_key_env && <span className="muted mono">key from ${p.api_key_env}</span>}
                <span className="provider-actions">
                  <button type="button" className="button" disabled={t === "testing"} onClick={() => void test(p.name)}>
                    {t === "testing" ? "Testing…" : "Test"}
                  </button>
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      setDraft({
                        name: p.name,
                        kind: p.kind,
                        urls: p.urls.join("\n"),
                        concurrency: String(p.concurrency),
                        keyEnv: p.api_key_env,
                        isNew: false,
                      })
                    }
                  >
                    Edit
                  </button>
                  <button type="button" className="button button-danger" onClick={() => void remove(p.name)}>
                    Remove
                  </button>
                </span>
              </div>
              <ProviderKey name={p.name} keyEnv={p.api_key_env} />
              {t && t !== "testing" && (
                <p className={`provider-summary ${t.ok ? "ok" : "failed"}`} data-testid="provider-test-summary">
                  Test: {testSummary(t)}
                </p>
              )}
              <ul className="provider-urls">
                {p.urls.map((u, i) => {
                  const r = t && t !== "testing" ? t.urls.find((x) => x.url === u) : undefined;
                  const st = p.pool[i];
                  return (
                    <li key={u} className="provider-url">
                      <span className="mono">{u}</span>
                      {st && <span className="muted">{urlStateText(st, now)}</span>}
                      {r && r.ok && (
                        <span className="url-ok">
                          ok · {r.models.length} model{r.models.length === 1 ? "" : "s"}
                          {r.models.length > 0 && `: ${r.models.slice(0, 8).join(", ")}${r.models.length > 8 ? "…" : ""}`}
                        </span>
                      )}
                      {r && !r.ok && <span className="url-failed">{r.error}</span>}
                    </li>
                  );
                })}
              </ul>
            </li>
          );
        })}
      </ul>
      <FFmpegSetting />
      <RunCapSetting />
      <CacheSwitch />
    </Dialog>
  );
}

function ProviderForm({
  draft,
  onCancel,
  onSaved,
}: {
  draft: Draft;
  onCancel: () => void;
  onSaved: (name: string) => Promise<void>;
}) {
  const [d, setD] = useState(draft);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const concurrency = parseConcurrency(d.concurrency);
    if (concurrency instanceof Error) {
      setError(concurrency.message);
      return;
    }
    setBusy(true);
    try {
      const saved = await providersApi.set({
        name: d.name.trim(),
        kind: d.kind,
        urls: parseURLs(d.urls),
        concurrency: d.kind !== draft.kind && d.concurrency === draft.concurrency ? 0 : concurrency,
        api_key_env: d.keyEnv.trim().replace(/^\$/, ""),
      });
      await onSaved(saved.name);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <form
      className="provider-form"
      aria-label={d.isNew ? "New provider" : `Edit provider ${d.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="provider-form-row">
        <label className="field">
          <span className="field-label">Name</span>
          <input
            className="input"
            value={d.name}
            disabled={!d.isNew}
            placeholder="gpus"
            onChange={(e) => setD({ ...d, name: e.target.value })}
            data-autofocus
          />
        </label>
        <label className="field">
          <span className="field-label">Kind</span>
          <select className="input" value={d.kind} onChange={(e) => setD({ ...d, kind: e.target.value })}>
            {PROVIDER_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Jobs at once per URL</span>
          <input
            className="input"
            value={d.concurrency}
            placeholder="default"
            inputMode="numeric"
            onChange={(e) => setD({ ...d, concurrency: e.target.value })}
          />
        </label>
        <label className="field">
          <span className="field-label">API key variable</span>
          <input
            className="input mono"
            value={d.keyEnv}
            placeholder="none"
            onChange={(e) => setD({ ...d, keyEnv: e.target.value })}
          />
        </label>
      </div>
      <p className="field-help">{KIND_HELP[d.kind]}</p>
      <label className="field">
        <span className="field-label">URLs, one per line</span>
        <textarea
          className="input mono"
          rows={3}
          value={d.urls}
          placeholder={d.kind === "comfyui" ? "http://127.0.0.1:8188" : d.kind === "a1111" ? "http://127.0.0.1:7860" : "http://127.0.0.1:11434"}
          onChange={(e) => setD({ ...d, urls: e.target.value })}
        />
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="provider-form-foot">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy}>
          Save and test
        </button>
      </div>
    </form>
  );
}
