// A provider's API key kept in the OS keychain (SPEC §12), from Settings → Providers: where
// its key comes from, and a password field to keep one there or remove it. The key never
// comes back to the window. Without a keychain here (Linux with no Secret Service) it says so.
import { useCallback, useEffect, useState } from "react";
import * as App from "../../wailsjs/go/main/App";
import { toError } from "../api/backend";

type KeyState = "env" | "keychain" | "none" | "unavailable" | "";

const STATE_TEXT: Record<string, string> = {
  keychain: "key in the OS keychain",
  none: "no API key",
  unavailable: "no OS keychain here: name an environment variable (Edit)",
};

export function ProviderKey({ name, keyEnv }: { name: string; keyEnv: string }) {
  const [state, setState] = useState<KeyState>("");
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState("");
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setState((await App.ProviderKeyState(name)) as KeyState);
    } catch (e) {
      setError(toError(e).message);
    }
  }, [name]);
  useEffect(() => {
    void load();
  }, [load, keyEnv]);

  const save = async (key: string) => {
    setError("");
    try {
      await App.SetProviderKey(name, key);
      setEditing(false);
      setValue("");
      await load();
    } catch (e) {
      setError(toError(e).message);
    }
  };

  if (state === "env" || state === "") return null;
  return (
    <div className="provider-key" data-testid={`provider-key-${name}`} data-state={state}>
      <span className="muted">{STATE_TEXT[state]}</span>
      {state !== "unavailable" && !editing && (
        <button type="button" className="button button-small" onClick={() => setEditing(true)}>
          {state === "keychain" ? "Replace key…" : "Set key…"}
        </button>
      )}
      {state === "keychain" && !editing && (
        <button type="button" className="button button-small" onClick={() => void save("")}>
          Remove key
        </button>
      )}
      {editing && (
        <form
          className="provider-key-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (value.trim()) void save(value.trim());
          }}
        >
          <input
            type="password"
            className="input mono"
            autoComplete="off"
            aria-label={`API key of ${name}`}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoFocus
          />
          <button type="submit" className="button button-small" disabled={!value.trim()}>
            Keep in keychain
          </button>
          <button type="button" className="button button-small" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
