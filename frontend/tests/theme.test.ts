import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyPreferences, PreferencesStore } from '../src/lib/preferences.svelte';
import { DARK_QUERY, ThemeFollower, type DarkQuery } from '../src/lib/theme';
import { fakeBackend, preferences } from './fakes';

/** A prefers-color-scheme query whose answer the test flips, as the OS would. */
function osDark(matches: boolean) {
  const listeners = new Set<() => void>();
  const q = {
    matches,
    addEventListener: (_: string, fn: () => void) => void listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => void listeners.delete(fn),
  };
  const flip = (dark: boolean) => {
    q.matches = dark;
    for (const fn of [...listeners]) fn();
  };
  return { query: q as unknown as DarkQuery, flip, listening: () => listeners.size };
}

// jsdom has no matchMedia; this one stands in for the OS from the document's first theme on.
const os = osDark(true);
const matchMedia = vi.fn((q: string) => {
  expect(q).toBe(DARK_QUERY);
  return os.query as MediaQueryList;
});
Object.defineProperty(window, 'matchMedia', { configurable: true, value: matchMedia });
afterAll(() => {
  delete (window as { matchMedia?: unknown }).matchMedia;
});

describe('theme follower', () => {
  it('System takes the OS’s dark and flips with it', () => {
    const root = document.createElement('html');
    const { query, flip } = osDark(true);
    const f = new ThemeFollower(root, query);
    f.apply('system');
    expect(root.dataset.theme).toBe('dark');
    flip(false);
    expect(root.dataset.theme).toBe('light');
    flip(true);
    expect(root.dataset.theme).toBe('dark');
  });

  it('explicit Light and Dark ignore the OS, and System follows it again after', () => {
    const root = document.createElement('html');
    const { query, flip } = osDark(true);
    const f = new ThemeFollower(root, query);
    f.apply('light');
    expect(root.dataset.theme).toBe('light');
    flip(false);
    flip(true);
    expect(root.dataset.theme).toBe('light');
    f.apply('dark');
    flip(false);
    expect(root.dataset.theme).toBe('dark');
    f.apply('system');
    expect(root.dataset.theme).toBe('light');
  });

  it('leaves the root alone until a theme is chosen, and stops listening on dispose', () => {
    const root = document.createElement('html');
    const { query, flip, listening } = osDark(false);
    const f = new ThemeFollower(root, query);
    flip(true);
    expect(root.hasAttribute('data-theme')).toBe(false);
    f.apply('system');
    f.dispose();
    expect(listening()).toBe(0);
    flip(false);
    expect(root.dataset.theme).toBe('dark');
  });

  it('without matchMedia, System is light', () => {
    const root = document.createElement('html');
    new ThemeFollower(root, null).apply('system');
    expect(root.dataset.theme).toBe('light');
  });
});

describe('theme through the preferences store', () => {
  const root = () => document.documentElement;

  it('System on a dark OS sets dark on <html>, an OS flip flips it, Light and Dark hold', async () => {
    const store = new PreferencesStore(fakeBackend().api);
    store.init(preferences({ theme: 'system' }));
    expect(root().dataset.theme).toBe('dark');
    os.flip(false);
    expect(root().dataset.theme).toBe('light');

    await store.update({ theme: 'dark' });
    expect(root().dataset.theme).toBe('dark');
    os.flip(true);
    os.flip(false);
    expect(root().dataset.theme).toBe('dark');

    await store.update({ theme: 'light' });
    os.flip(true);
    expect(root().dataset.theme).toBe('light');

    await store.update({ theme: 'system' });
    expect(root().dataset.theme).toBe('dark');
  });

  it('every apply on the document shares one OS listener', () => {
    for (let i = 0; i < 5; i++) applyPreferences(preferences({ theme: 'system' }));
    expect(matchMedia).toHaveBeenCalledTimes(1);
    expect(os.listening()).toBe(1);
  });
});
