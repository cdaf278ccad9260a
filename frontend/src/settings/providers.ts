// Settings → Providers: the typed calls and the pure helpers of the providers dialog.
import * as App from "../../wailsjs/go/main/App";
import type { engine, main } from "../../wailsjs/go/models";
import { toError } from "../api/backend";
import type { Plain } from "../api/types";

export type Provider = Plain<engine.Provider>;
export type ProviderInfo = Plain<main.ProviderInfo>;
export type ProviderTest = Plain<engine.ProviderTest>;
export type URLState = Plain<engine.URLState>;

export const PROVIDER_KINDS = ["openai", "comfyui", "a1111"] as const;

/** KIND_HELP says what each kind is for, under the kind field. */
export const KIND_HELP: Record<string, string> = {
  openai: "Any OpenAI-compatible server: Ollama, llama.cpp, LM Studio, LocalAI, vLLM (4 jobs at once per URL by default).",
  comfyui: "A ComfyUI server (one job at a time per URL by default).",
  a1111: "Automatic1111 / Forge / SD.Next started with --api (one job at a time per URL by default).",
};

async function call<T>(p: () => Promise<unknown>): Promise<T> {
  try {
    return (await p()) as T;
  } catch (e) {
    throw toError(e);
  }
}

export const providersApi = {
  list: () => call<ProviderInfo[]>(() => App.ListProviders()).then((l) => l ?? []),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  set: (p: Provider) => call<Provider>(() => App.SetProvider(p as any)),
  test: (name: string) => call<ProviderTest>(() => App.TestProvider(name)),
  remove: (name: string) => call<void>(() => App.RemoveProvider(name)),
};

/** parseURLs splits the URL box: one URL per line (or separated by spaces or commas). */
export function parseURLs(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** parseConcurrency reads the concurrency box: empty is 0 (the kind's default). */
export function parseConcurrency(text: string): number | Error {
  const t = text.trim();
  if (t === "") return 0;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1) return new Error(`Concurrency "${t}": want a whole number of at least 1`);
  return n;
}

/** testSummary sums a test up like the CLI: ok, unreachable, or "1 of 2 URLs reachable". */
export function testSummary(t: ProviderTest): string {
  if (t.error) return t.error;
  const ok = t.urls.filter((u) => u.ok).length;
  if (ok === t.urls.length) return "ok";
  if (ok === 0) return "unreachable";
  return `${ok} of ${t.urls.length} URLs reachable`;
}

/** urlStateText is one URL of a pool as the list shows it. */
export function urlStateText(s: URLState, now: number): string {
  const parts = [`${s.busy}/${s.concurrency} busy`, `${s.jobs} job${s.jobs === 1 ? "" : "s"}`];
  const until = s.set_aside_until ? Date.parse(String(s.set_aside_until)) : NaN;
  if (!Number.isNaN(until) && until > now) {
    parts.push(`set aside ${Math.ceil((until - now) / 1000)} s${s.last_error ? ` (${s.last_error})` : ""}`);
  }
  return parts.join(" · ");
}

// ---- a node's model field: the models its provider lists ----

const modelCache = new Map<string, Promise<string[]>>();

/** providerModels lists a provider's models ("" = the default provider), asked once per
 * provider while the window is open (Settings → Providers → Test asks again). */
export function providerModels(name: string, fetch: (n: string) => Promise<string[]> = fetchModels): Promise<string[]> {
  let p = modelCache.get(name);
  if (!p) {
    p = fetch(name).catch(() => {
      modelCache.delete(name);
      return [];
    });
    modelCache.set(name, p);
  }
  return p;
}

/** forgetModels drops the cached model lists (after a provider changed). */
export function forgetModels() {
  modelCache.clear();
}

function fetchModels(name: string): Promise<string[]> {
  return call<string[]>(() => App.ProviderModels(name)).then((l) => l ?? []);
}

/** modelSource is the provider a node's model field lists models of: its provider param,
 * else none when it names a base_url, else the default provider (""). */
export function modelSource(params: Record<string, unknown> | undefined): string | null {
  const provider = typeof params?.provider === "string" ? params.provider.trim() : "";
  if (provider) return provider;
  const base = typeof params?.base_url === "string" ? params.base_url.trim() : "";
  return base ? null : "";
}
