// Theme "System" becomes an explicit data-theme on <html>, kept in step with the OS, so the
// stylesheets write each palette once, under [data-theme], instead of again in a media query.
import type { Theme } from './types';

export const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The part of a MediaQueryList the follower uses (a fake in tests). */
export type DarkQuery = Pick<MediaQueryList, 'matches' | 'addEventListener' | 'removeEventListener'>;

/** Keeps `root`'s data-theme: the chosen theme, or for "system" what `dark` says, as it changes. */
export class ThemeFollower {
  private choice: Theme | null = null;
  private readonly onChange = () => this.paint();

  constructor(
    private readonly root: HTMLElement,
    private readonly dark: DarkQuery | null,
  ) {
    dark?.addEventListener('change', this.onChange);
  }

  apply(theme: Theme): void {
    this.choice = theme;
    this.paint();
  }

  dispose(): void {
    this.dark?.removeEventListener('change', this.onChange);
  }

  private paint(): void {
    // Before the first apply the root is left as it is: the choice is not known yet.
    if (this.choice === null) return;
    const resolved = this.choice === 'system' ? (this.dark?.matches ? 'dark' : 'light') : this.choice;
    if (this.root.dataset.theme !== resolved) this.root.dataset.theme = resolved;
  }
}

// One follower per document: the cached theme is applied before the preferences store exists
// (main.ts) and the store applies it again later; both must share one OS listener.
const followers = new WeakMap<Document, ThemeFollower>();

/** The follower of `doc`'s root, created (and listening) on first use. */
export function themeFollower(doc: Document): ThemeFollower {
  let f = followers.get(doc);
  if (!f) {
    const view = doc.defaultView;
    const dark = view && typeof view.matchMedia === 'function' ? view.matchMedia(DARK_QUERY) : null;
    f = new ThemeFollower(doc.documentElement, dark);
    followers.set(doc, f);
  }
  return f;
}
