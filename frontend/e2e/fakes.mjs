// Helpers for specs that talk to the fake AI servers (cmd/fakeserver) and the CLI.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

/** cli runs the flowbench binary on the test's data home and returns its stdout. */
export async function cli(...args) {
  const { stdout } = await promisify(execFile)(process.env.E2E_BIN, [...args, "--home", process.env.E2E_HOME], {
    env: { ...process.env, DISPLAY: "" },
  });
  return stdout;
}

/** startFake starts cmd/fakeserver (-kind kind, plus flags) and resolves to its base URL and a
 * stop function. */
export function startFake(kind, ...flags) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.E2E_FAKESERVER, ["-kind", kind, ...flags], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.on("error", reject);
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve({ url: line.trim(), stop: () => child.kill("SIGTERM") });
    });
  });
}
