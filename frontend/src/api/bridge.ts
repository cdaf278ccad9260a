// The Wails bridge (window.go bindings and window.runtime) is injected by the host page. In
// the desktop window it exists before our scripts run; served by the dev-tag binary to a
// browser it arrives a moment later. bridgeReady waits for it once.

interface BridgeWindow {
  go?: { main?: { App?: unknown } };
  runtime?: { EventsOn?: unknown };
}

let ready: Promise<boolean> | null = null;

function present(): boolean {
  const w = window as unknown as BridgeWindow;
  return Boolean(w.go?.main?.App && w.runtime?.EventsOn);
}

/** bridgeReady resolves true once the bindings exist, false if they never came (timeoutMs). */
export function bridgeReady(timeoutMs = 15_000): Promise<boolean> {
  if (!ready) {
    ready = new Promise((resolve) => {
      if (present()) return resolve(true);
      const started = Date.now();
      const timer = setInterval(() => {
        if (present()) {
          clearInterval(timer);
          resolve(true);
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(timer);
          resolve(false);
        }
      }, 20);
    });
  }
  return ready;
}
