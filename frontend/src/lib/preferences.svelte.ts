// Appearance, language, send key and proxy: the store that saves them (with rollback when Go
// refuses) and the function that applies them to the document.
import type { Backend } from './bridge';
import { toTurnError } from './errors';
import { setLanguage } from './lang.svelte';
import { themeFollower } from './theme';
import type { Preferences, TurnError } from './types';

export type PreferencesBackend = Pick<Backend, 'setPreferences'>;

export const FONT_MIN = 12;
export const FONT_MAX = 22;

export const DEFAULT_PREFERENCES: Preferences = {
  theme: 'system',
  language: 'system',
  fontSize: 15,
  sendKey: 'enter',
  proxyMode: 'system',
  proxyURL: '',
};

/** Where the last applied preferences are kept so the next start paints in the right theme at once. */
const CACHE_KEY = 'qwendesk.preferences';

/** Fills gaps and clamps what the UI depends on (older settings files lack fields). */
export function normalize(p: Partial<Preferences> | null | undefined): Preferences {
  const v = { ...DEFAULT_PREFERENCES, ...(p ?? {}) };
  const size = Number.isFinite(v.fontSize) ? Math.round(v.fontSize) : DEFAULT_PREFERENCES.fontSize;
  return { ...v, fontSize: Math.min(FONT_MAX, Math.max(FONT_MIN, size)) };
}

/**
 * Theme → data-theme on <html> ('light' or 'dark'; for system, the OS's, followed as it changes),
 * font size → --message-font-size, language → i18n.
 */
export function applyPreferences(p: Preferences, doc: Document = document): void {
  const root = doc.documentElement;
  themeFollower(doc).apply(p.theme);
  root.style.setProperty('--message-font-size', `${p.fontSize}px`);
  setLanguage(p.language);
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify({ theme: p.theme, language: p.language, fontSize: p.fontSize }));
  } catch {
    // no storage (private mode, tests): the next start just applies them a moment later
  }
}

/** Applies what the previous run stored, before the first paint (Status() confirms it later). */
export function applyCachedPreferences(doc: Document = document): void {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    if (raw) applyPreferences(normalize(JSON.parse(raw) as Partial<Preferences>), doc);
  } catch {
    // unreadable cache: ignore
  }
}

export class PreferencesStore {
  value = $state<Preferences>({ ...DEFAULT_PREFERENCES });
  saving = $state(false);
  /** Go refused the last change; the value was rolled back. */
  error = $state<TurnError | null>(null);

  private api: PreferencesBackend | null;
  /** Changes are saved one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(api: PreferencesBackend | null) {
    this.api = api;
  }

  /** Takes the stored preferences (from Status()) and applies them. */
  init(p: Partial<Preferences> | null | undefined): void {
    this.value = normalize(p);
    this.apply();
  }

  apply(): void {
    if (typeof document !== 'undefined') applyPreferences(this.value);
  }

  /**
   * Applies the change at once and saves it; when Go refuses, restores what was there before
   * and keeps the reason in `error`. Resolves true when saved.
   */
  update(patch: Partial<Preferences>): Promise<boolean> {
    const before = $state.snapshot(this.value) as Preferences;
    const next = normalize({ ...before, ...patch });
    this.value = next;
    this.error = null;
    this.apply();
    const run = async (): Promise<boolean> => {
      if (!this.api) return true;
      this.saving = true;
      try {
        const saved = await this.api.setPreferences(next);
        // Only adopt Go's answer if nothing changed meanwhile.
        if (saved && JSON.stringify($state.snapshot(this.value)) === JSON.stringify(next)) {
          this.value = normalize(saved);
          this.apply();
        }
        return true;
      } catch (err) {
        this.error = toTurnError(err);
        this.value = before;
        this.apply();
        return false;
      } finally {
        this.saving = false;
      }
    };
    const p = this.queue.then(run);
    this.queue = p.catch(() => false);
    return p;
  }

  clearError(): void {
    this.error = null;
  }
}
