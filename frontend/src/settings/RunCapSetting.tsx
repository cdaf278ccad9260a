// Settings → runs at once (runcap.ts): the field, saved to the data home's run_cap setting. A
// raised cap starts queued runs at once; a lowered one lets running runs finish.
import { useEffect, useState } from "react";
import { settingsApi, settingValue } from "./ffmpeg";
import { parseRunCap, RUN_CAP, RUN_CAP_MAX } from "./runcap";

export function RunCapSetting() {
  const [text, setText] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    let live = true;
    settingsApi.get(RUN_CAP).then(
      (v) => {
        if (!live) return;
        setText(v);
        setSaved(v);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, []);

  const save = async () => {
    setError("");
    const n = parseRunCap(text);
    if (n instanceof Error) {
      setError(n.message);
      return;
    }
    try {
      const v = settingValue(await settingsApi.set(RUN_CAP, String(n)), RUN_CAP);
      setText(v);
      setSaved(v);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const dirty = saved !== null && text.trim() !== saved;
  return (
    <section className="settings-section" aria-label="Runs at once" data-testid="run-cap-setting">
      <h3>Runs at once</h3>
      <p className="muted">
        How many runs execute at the same time; the others wait in the queue, first in, first out. The window and every
        flowbench command on this data home share it.
      </p>
      <form
        className="settings-row"
        noValidate // parseRunCap says what is wrong, in the app's words, on every engine
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="run-cap-label">
          <span>Runs at once</span>
          <input
            className="input run-cap-input"
            type="number"
            min={1}
            max={RUN_CAP_MAX}
            step={1}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label="Runs at once"
          />
        </label>
        <button type="submit" className="button" disabled={!dirty}>
          Save
        </button>
        {saved !== null && !dirty && !error && <span className="muted small">{saved === "1" ? "one run at a time" : `up to ${saved} runs at a time`}</span>}
      </form>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
