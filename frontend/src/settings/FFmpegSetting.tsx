// Settings → ffmpeg: where the video and audio nodes find ffmpeg (the ffmpeg_path setting;
// empty searches PATH), saved and checked with `ffmpeg -version`, the result shown.
import { useEffect, useState } from "react";
import { checkText, FFMPEG_PATH, settingsApi, type FFmpegCheck } from "./ffmpeg";

export function FFmpegSetting() {
  const [path, setPath] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const [check, setCheck] = useState<FFmpegCheck | "checking" | null>(null);
  const [error, setError] = useState("");

  const runCheck = async () => {
    setCheck("checking");
    try {
      setCheck(await settingsApi.checkFFmpeg());
    } catch (e) {
      setCheck(null);
      setError((e as Error).message);
    }
  };

  useEffect(() => {
    let live = true;
    settingsApi.get(FFMPEG_PATH).then(
      (v) => {
        if (!live) return;
        setPath(v);
        setSaved(v);
      },
      (e: Error) => live && setError(e.message),
    );
    void runCheck();
    return () => {
      live = false;
    };
  }, []);

  const save = async () => {
    setError("");
    try {
      await settingsApi.set(FFMPEG_PATH, path.trim());
      setSaved(path.trim());
      await runCheck();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const dirty = saved !== null && path.trim() !== saved;
  return (
    <section className="settings-section" aria-label="ffmpeg" data-testid="ffmpeg-setting">
      <h3>ffmpeg</h3>
      <p className="muted">
        The video and audio nodes run ffmpeg and ffprobe. Leave the path empty to find them on PATH, or give the ffmpeg
        executable or the folder holding both.
      </p>
      <form
        className="settings-row"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label>
          <span>ffmpeg path</span>
          <input
            className="input mono"
            value={path}
            placeholder="(found on PATH)"
            onChange={(e) => setPath(e.target.value)}
            spellCheck={false}
            aria-label="ffmpeg path"
          />
        </label>
        <button type="submit" className="button" disabled={!dirty}>
          Save and check
        </button>
        <button type="button" className="button" onClick={() => void runCheck()} disabled={check === "checking"}>
          Check
        </button>
      </form>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {check === "checking" && <p className="muted">Checking…</p>}
      {check && check !== "checking" && (
        <p className={check.ok ? "ffmpeg-ok" : "field-error"} data-testid="ffmpeg-check" data-ok={check.ok ? "yes" : "no"}>
          {check.ok ? "✓ " : "✗ "}
          {checkText(check)}
        </p>
      )}
    </section>
  );
}
