import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { applyCachedPreferences } from './lib/preferences.svelte';

// Theme, font size and language as last saved, before the first paint (Status() confirms them).
applyCachedPreferences();

// In a plain browser during development, ?mock=<scenario> stands in for the Go side.
// The whole branch is compiled out of production builds.
if (import.meta.env.DEV) {
  const scenario = new URLSearchParams(location.search).get('mock');
  if (scenario !== null && !('go' in window)) {
    const { installMock } = await import('./dev/mock');
    installMock(scenario);
  }
}

const app = mount(App, { target: document.getElementById('app')! });

export default app;
