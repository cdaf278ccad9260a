import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";
import react from "@vitejs/plugin-react";

const outDir = fileURLToPath(new URL("./dist", import.meta.url));

// keepGitkeep restores dist/.gitkeep after Vite empties dist/: main.go embeds
// frontend/dist, and a clean clone must compile before the frontend is built.
function keepGitkeep(): Plugin {
  return {
    name: "flowbench-keep-gitkeep",
    apply: "build",
    closeBundle() {
      const keep = resolve(outDir, ".gitkeep");
      if (!existsSync(keep)) writeFileSync(keep, "");
    },
  };
}

// Vite builds the window's assets into dist/, which main.go embeds.
export default defineConfig({
  plugins: [react(), keepGitkeep()],
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
  },
});
