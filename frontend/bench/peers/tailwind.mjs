// Tailwind's PostCSS plugin, resolved from this project's node_modules for bench/vite.config.ts.
export { default } from '@tailwindcss/postcss';
