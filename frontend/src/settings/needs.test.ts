import { describe, expect, it } from "vitest";
import { needState, needText, serverNeeds } from "./needs";
import type { ProviderInfo, ProviderTest } from "./providers";

const node = (id: string, provider?: unknown) => ({ id, data: { params: provider === undefined ? {} : { provider } } });

describe("serverNeeds", () => {
  it("lists the providers nodes name, with the nodes, leaving out templated and empty names", () => {
    expect(serverNeeds([node("b", "ollama"), node("a", "ollama"), node("c", "images"), node("d", ""), node("e", "{{p}}"), node("f")])).toEqual([
      { provider: "images", nodes: ["c"] },
      { provider: "ollama", nodes: ["a", "b"] },
    ]);
  });
});

describe("needState", () => {
  const providers = [{ name: "ollama", kind: "openai", urls: ["http://127.0.0.1:11434"], concurrency: 4, api_key_env: "", pool: [] }] as ProviderInfo[];
  const test = (ok: boolean): ProviderTest => ({
    name: "ollama",
    kind: "openai",
    ok,
    urls: [{ url: "http://127.0.0.1:11434", ok, models: [], error: ok ? undefined : "connection refused", duration_ms: 1 }],
  });
  it("tells missing, checking, ok and down apart, naming nodes, URL and cause", () => {
    expect(needState({ provider: "images", nodes: ["gen"] }, providers, undefined).state).toBe("missing");
    expect(needText(needState({ provider: "images", nodes: ["gen"] }, providers, undefined))).toBe('Provider "images" (node gen) is not set up.');
    expect(needState({ provider: "ollama", nodes: ["a"] }, providers, undefined).state).toBe("checking");
    expect(needState({ provider: "ollama", nodes: ["a"] }, providers, test(true)).state).toBe("ok");
    const down = needState({ provider: "ollama", nodes: ["a", "b"] }, providers, test(false));
    expect(needText(down)).toBe('Provider "ollama" (nodes a, b) does not answer — http://127.0.0.1:11434: connection refused.');
    const t = test(false);
    t.urls[0].error = "cannot reach http://127.0.0.1:11434: connection refused";
    expect(needText(needState({ provider: "ollama", nodes: ["a"] }, providers, t))).toBe(
      'Provider "ollama" (node a) does not answer — cannot reach http://127.0.0.1:11434: connection refused.',
    );
  });
});
