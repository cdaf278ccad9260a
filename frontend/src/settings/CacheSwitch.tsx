// Settings → the cache across workflows (SPEC §14): on, a run from a block or a changed run
// reuses a completed result with the same inputs from any workflow (reason "cached") instead
// of computing it again; full runs always compute. The same setting as
// `flowbench settings set cache on|off`.
import { useEffect, useState } from "react";
import { settingsApi, settingValue } from "./ffmpeg";

export function CacheSwitch() {
  const [on, setOn] = useState<boolean | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    settingsApi
      .get("cache")
      .then((v) => setOn(v !== "off"))
      .catch((e: Error) => setError(e.message));
  }, []);
  const change = async (next: boolean) => {
    setError("");
    try {
      const list = await settingsApi.set("cache", next ? "on" : "off");
      setOn(settingValue(list, "cache") !== "off");
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="cache-switch">
      <label>
        <input type="checkbox" checked={on ?? true} disabled={on === null} onChange={(e) => void change(e.target.checked)} data-testid="cache-switch" />{" "}
        Reuse results across workflows
      </label>
      <p className="muted small">
        A run from a block or a changed run reuses a completed result with the same inputs from any workflow instead of
        computing it again. Full runs always compute.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
