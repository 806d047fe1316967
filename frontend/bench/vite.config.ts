// Builds the rendering benchmark page (bench/render.html) into bench/dist, apart from the app's build.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
// The peers' project (bench/peers, installed by scripts/bench-render.sh) brings Tailwind for
// streamdown's stylesheet; it only transforms CSS that uses Tailwind (peers/src/streamdown.css).
// Loaded only when installed: tools that read every vite config (svelte-check) must not fail.
const tailwind = await import(/* @vite-ignore */ new URL('./peers/tailwind.mjs', import.meta.url).href).then(
  (m) => m.default,
  () => null,
);

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  css: tailwind ? { postcss: { plugins: [tailwind()] } } : undefined,
  plugins: [svelte({ configFile: fileURLToPath(new URL('../svelte.config.js', import.meta.url)) })],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // Readable function names in CPU profiles (V8's speed hardly depends on it).
    minify: false,
    rollupOptions: {
      input: fileURLToPath(new URL('./render.html', import.meta.url)),
      // The peers' React packages start with "use client" (meaningless in a plain bundle).
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  preview: { host: '127.0.0.1', strictPort: false },
});
