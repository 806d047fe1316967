// The documents attached to the draft: reading them (through Go), the context budget they
// count against, and the choices when they do not fit (send the first part, or upload them
// for qwen-long). Components display this; Go does the reading and the sending.
import type { Backend } from './bridge';
import { toTurnError } from './errors';
import { t } from './i18n';
import { MAX_IMAGES } from './attachments';
import type { Attachment, ContextBudget, DocumentRef, TurnError } from './types';

export type DocumentBackend = Pick<Backend, 'attachFiles' | 'attachData' | 'previewDocument' | 'budget' | 'uploadDocument' | 'documentPagesAsImages'>;

/** One attachment in the composer: being read, ready (a chip), or refused with a reason. */
export interface DraftDocument {
  id: string;
  name: string;
  state: 'reading' | 'ready' | 'failed';
  /** Its pages are being drawn as images (a scan on its way to the image path). */
  converting?: boolean;
  doc?: Attachment;
  error?: TurnError;
}

/** Tokens the <document> wrapper and name add per file (an estimate, like the rest). */
const WRAP_TOKENS = 16;

/** Mirrors Go's docs.EstimateTokens: a CJK character is a token, anything else a quarter. */
export function estimateTokens(s: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of s) {
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u.test(ch)) cjk++;
    else other++;
  }
  return cjk + Math.ceil(other / 4);
}

/** What one attachment costs in the request, as it will be sent. */
export function sentTokens(d: Attachment): number {
  if (d.mode === 'file') return WRAP_TOKENS; // DashScope reads it; the message only names it
  if (d.mode === 'excerpt' && d.maxTokens) return Math.min(d.maxTokens, d.tokens) + WRAP_TOKENS;
  return d.tokens + WRAP_TOKENS;
}

export interface BudgetView {
  need: number;
  room: number;
  window: number;
  model: string;
  known: boolean;
  fits: boolean;
  /** Uploading for qwen-long is possible from this endpoint. */
  canUpload: boolean;
}

/** The draft's total against the model's window, with room kept for the reply. */
export function budgetView(b: ContextBudget, text: string, docs: Attachment[]): BudgetView {
  const need = b.usedTokens + estimateTokens(text) + docs.reduce((n, d) => n + sentTokens(d), 0);
  const room = Math.max(0, b.window.tokens - b.window.replyReserve);
  return {
    need,
    room,
    window: b.window.tokens,
    model: b.window.model,
    known: b.window.known,
    fits: need <= room,
    canUpload: b.uploadModel !== '',
  };
}

/**
 * Budgets for "send the first part": what is left after the conversation and the typed text
 * is shared out evenly, smallest file first, each taking at most its size, so a short file
 * stays whole and the long ones share the rest. Files that need no cut are not in the plan.
 */
export function cutPlan(room: number, fixed: number, docs: Attachment[]): Map<string, number> {
  const plan = new Map<string, number>();
  let left = Math.max(0, room - fixed - docs.length * WRAP_TOKENS);
  const queue = docs.filter((d) => d.mode !== 'file').sort((a, b) => a.tokens - b.tokens);
  queue.forEach((d, i) => {
    const share = Math.floor(left / (queue.length - i));
    if (d.tokens > share) plan.set(d.hash + d.name, Math.max(1, share));
    left -= Math.min(d.tokens, share);
  });
  return plan;
}

/** Reads a File as base64 without a data: prefix. */
export function fileBase64(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(f);
  });
}

/** Browsers read at most this much of a dropped file before Go would refuse it anyway. */
export const MAX_DROP_BYTES = 50 * 1024 * 1024;

let ids = 0;

export class DocumentDraft {
  items = $state<DraftDocument[]>([]);
  budget = $state<ContextBudget | null>(null);
  uploading = $state(false);

  readonly ready = $derived(this.items.filter((i) => i.state === 'ready' && i.doc).map((i) => i.doc!));
  readonly reading = $derived(this.items.some((i) => i.state === 'reading' || i.converting));

  /** onImage receives images chosen in the native picker: they take the vision path; false
   *  when the message has no room for another. */
  constructor(
    private api: DocumentBackend,
    private onImage: (dataURL: string) => boolean = () => false,
  ) {}

  /** Ctrl+O and the attach button: Go shows the system picker and reads the files. */
  async pick(): Promise<void> {
    const placeholder: DraftDocument = { id: `d${++ids}`, name: '…', state: 'reading' };
    this.items.push(placeholder);
    try {
      const results = await this.api.attachFiles();
      this.items = this.items.filter((i) => i.id !== placeholder.id);
      for (const r of results) {
        if (!r.image) this.items.push(this.fromResult(r.name, r));
        else if (!this.onImage(r.image))
          this.items.push({ id: `d${++ids}`, name: r.name, state: 'failed', error: { kind: 'invalid_input', message: t('attach.tooMany', { max: MAX_IMAGES }), requestIdFromServer: '' } });
      }
    } catch (err) {
      this.items = this.items.map((i) => (i.id === placeholder.id ? { ...i, state: 'failed', error: toTurnError(err) } : i));
    }
  }

  /** Files dropped or pasted into the composer (not images: those take the image path). */
  async add(files: File[]): Promise<void> {
    await Promise.all(
      files.map(async (f) => {
        const item: DraftDocument = { id: `d${++ids}`, name: f.name, state: 'reading' };
        this.items.push(item);
        let next: DraftDocument;
        try {
          if (f.size > MAX_DROP_BYTES) {
            next = { ...item, state: 'failed', error: { kind: 'doc_too_large', message: '', requestIdFromServer: '' } };
          } else {
            next = this.fromResult(f.name, await this.api.attachData(f.name, await fileBase64(f)), item.id);
          }
        } catch (err) {
          next = { ...item, state: 'failed', error: toTurnError(err) };
        }
        this.items = this.items.map((i) => (i.id === item.id ? next : i));
      }),
    );
  }

  private fromResult(name: string, r: { document?: Attachment | null; error?: { kind: string; message: string } | null }, id = `d${++ids}`): DraftDocument {
    if (r.document) return { id, name: r.document.name, state: 'ready', doc: r.document };
    return { id, name, state: 'failed', error: { kind: r.error?.kind ?? 'internal', message: r.error?.message ?? '', requestIdFromServer: '' } };
  }

  remove(id: string): void {
    this.items = this.items.filter((i) => i.id !== id);
  }

  /** Re-reads the model's window and what the conversation already uses. */
  async refreshBudget(conversationId: string, model: string): Promise<void> {
    // Only the newest answer counts: an earlier, slower one (another model) must not win.
    const seq = ++this.budgetSeq;
    try {
      const b = await this.api.budget(conversationId, model);
      if (seq === this.budgetSeq) this.budget = b;
    } catch {
      if (seq === this.budgetSeq) this.budget = null; // no meter rather than a wrong one
    }
  }
  private budgetSeq = 0;

  /** Cuts every document to its share of what is left, at page boundaries (Go cuts). */
  cutToFit(text: string): void {
    if (!this.budget) return;
    const b = budgetView(this.budget, text, []);
    const plan = cutPlan(b.room, b.need, this.ready);
    this.items = this.items.map((i) => {
      const max = i.doc && plan.get(i.doc.hash + i.doc.name);
      return max && i.doc && max < i.doc.tokens ? { ...i, doc: { ...i.doc, mode: 'excerpt', maxTokens: max } } : i;
    });
  }

  /** Uploads every text document for qwen-long; each becomes a fileid:// reference. */
  async uploadAll(): Promise<boolean> {
    this.uploading = true;
    try {
      for (const i of this.items) {
        if (i.doc && i.doc.mode !== 'file') {
          const up = await this.api.uploadDocument(i.doc.hash, i.doc.name);
          this.items = this.items.map((x) => (x.id === i.id ? { ...x, doc: up } : x));
        }
      }
      return true;
    } catch (err) {
      const e = toTurnError(err);
      this.items = this.items.map((x) => (x.doc && x.doc.mode !== 'file' ? { ...x, error: e } : x));
      return false;
    } finally {
      this.uploading = false;
    }
  }

  /**
   * Turns a scan into images: Go draws its first `room` pages, and on success the chip is
   * removed and the images are returned for the image path. On failure the chip stays, with
   * the reason, and null is returned.
   */
  async pagesAsImages(id: string, room: number): Promise<{ images: string[]; totalPages: number } | null> {
    const item = this.items.find((i) => i.id === id);
    if (!item?.doc || room < 1) return null;
    const set = (patch: Partial<DraftDocument>) => (this.items = this.items.map((i) => (i.id === id ? { ...i, ...patch } : i)));
    set({ converting: true, error: undefined });
    try {
      const r = await this.api.documentPagesAsImages(item.doc.hash, room);
      this.items = this.items.filter((i) => i.id !== id);
      return { images: r.images ?? [], totalPages: r.totalPages };
    } catch (err) {
      set({ converting: false, error: toTurnError(err) });
      return null;
    }
  }

  preview(d: Attachment) {
    return this.api.previewDocument(d.hash, d.name);
  }

  /** Takes the ready documents for sending and clears the draft. */
  take(): { refs: DocumentRef[]; docs: Attachment[]; items: DraftDocument[] } {
    const items = this.items;
    const docs = this.ready;
    this.items = [];
    return {
      items,
      docs,
      refs: docs.map((d) => ({ hash: d.hash, name: d.name, mode: d.mode, maxTokens: d.maxTokens || undefined, fileId: d.fileId || undefined })),
    };
  }

  /** Puts documents back after a failed send. */
  restore(items: DraftDocument[]): void {
    this.items = [...items, ...this.items];
  }
}
