// State behind diagrams' and previews' actions: the preview panel beside the conversation
// (one at a time) and saving through Go's save dialog. Components reach it through Svelte
// context (provideVisual in App, useVisual in Markdown and the panel), so the markdown
// renderer needs no prop threaded through every message component.
import { getContext, setContext } from 'svelte';
import type { Backend } from './bridge';
import { toTurnError } from './errors';

export type PreviewKind = 'html' | 'svg';
export type SaveKind = 'svg' | 'png' | 'html';

export interface Preview {
  kind: PreviewKind;
  source: string;
  /** Bumped by reload: the panel rebuilds its frame from scratch. */
  run: number;
}

export type SaveResult = { ok: true; path: string } | { ok: false; error: string };

export class VisualStore {
  preview = $state<Preview | null>(null);

  constructor(private readonly api: Pick<Backend, 'saveFile'>) {}

  openPreview(kind: PreviewKind, source: string): void {
    this.preview = { kind, source, run: (this.preview?.run ?? 0) + 1 };
  }

  reloadPreview(): void {
    if (this.preview) this.preview = { ...this.preview, run: this.preview.run + 1 };
  }

  closePreview(): void {
    this.preview = null;
  }

  /** Saves through the native dialog; a cancelled dialog is ok with an empty path. */
  async save(kind: SaveKind, name: string, content: string): Promise<SaveResult> {
    try {
      return { ok: true, path: await this.api.saveFile(kind, name, content) };
    } catch (err) {
      return { ok: false, error: toTurnError(err).message };
    }
  }
}

/** Exported for tests, which provide a store through render's context option. */
export const VISUAL_KEY = Symbol('qwendesk.visual');

export function provideVisual(v: VisualStore): void {
  setContext(VISUAL_KEY, v);
}

/** The store, or undefined where none was provided (a bare component in a test). */
export function useVisual(): VisualStore | undefined {
  return getContext<VisualStore | undefined>(VISUAL_KEY);
}
