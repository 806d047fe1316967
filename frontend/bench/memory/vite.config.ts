// Builds the memory benchmark's stand-in for Go (backend.ts) into one classic script,
// backend.js, apart from the app's build: scripts/bench-app.sh runs
//   npx vite build --config bench/memory/vite.config.ts --outDir DIR
// and cmd/benchapp serves it beside the unchanged frontend/dist.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    lib: {
      entry: fileURLToPath(new URL('./backend.ts', import.meta.url)),
      formats: ['iife'],
      name: 'QwenDeskBenchBackend',
      fileName: () => 'backend.js',
    },
  },
});
