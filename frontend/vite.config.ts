/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import type { Plugin } from 'vite';

/**
 * Test builds only (scripts/e2e-variants.sh sets QWENDESK_E2E_RELAXED_CSP=1): drops index.html's
 * <meta> policy, so the e2e-only Go build's relaxed header is the only policy and the sanitizer
 * can be tested on its own. Every other build keeps the tag.
 */
function e2eRelaxedCsp(): Plugin {
  // The config is type-checked without Node's types.
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  return {
    name: 'qwendesk-e2e-relaxed-csp',
    transformIndexHtml: (html) =>
      env.QWENDESK_E2E_RELAXED_CSP === '1'
        ? html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
        : html,
  };
}

export default defineConfig({
  plugins: [svelte(), svelteTesting(), e2eRelaxedCsp()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    restoreMocks: true,
  },
});
