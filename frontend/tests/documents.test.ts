import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Composer from '../src/components/Composer.svelte';
import MessageBubble from '../src/components/MessageBubble.svelte';
import { ChatStore } from '../src/lib/chat.svelte';
import { budgetView, cutPlan, DocumentDraft, estimateTokens } from '../src/lib/documents.svelte';
import { setLanguage } from '../src/lib/i18n';
import { attachment, contextBudget, fakeBackend } from './fakes';

afterEach(() => {
  cleanup();
  setLanguage('en');
});

function composer(opts: { model?: string; value?: string; images?: string[]; models?: string[] } = {}) {
  const fb = fakeBackend();
  const docs = new DocumentDraft(fb.api);
  const used: string[] = [];
  let sent = 0;
  const view = render(Composer, {
    value: opts.value ?? '',
    attachments: opts.images ?? [],
    busy: false,
    model: opts.model ?? 'qwen-plus',
    models: opts.models,
    docs,
    onSend: () => sent++,
    onStop: () => {},
    onUseModel: (m: string) => {
      used.push(m);
      void view.rerender({ model: m }); // as ChatView does: the model prop follows the pick
    },
  });
  return { fb, docs, used, sent: () => sent };
}

describe('document budget', () => {
  it('estimates like Go: a CJK character is a token, four others are one', () => {
    expect(estimateTokens('甲方付款')).toBe(4);
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimateTokens('合同 ok')).toBe(3);
  });

  it('counts the conversation, the text and each file as it will be sent, against the window minus the reply', () => {
    const b = budgetView(contextBudget({ tokens: 32_768, used: 1000 }), 'abcd', [attachment({ tokens: 30_000 })]);
    expect(b.room).toBe(32_768 - 4096);
    expect(b.need).toBe(1000 + 1 + 30_000 + 16);
    expect(b.fits).toBe(false);
    const cut = budgetView(contextBudget({ tokens: 32_768 }), '', [attachment({ tokens: 30_000, mode: 'excerpt', maxTokens: 20_000 })]);
    expect(cut.fits).toBe(true);
  });

  it('shares what is left among the files by size; a small one stays whole', () => {
    const big = attachment({ hash: 'b'.repeat(64), name: 'big.pdf', tokens: 90_000 });
    const small = attachment({ hash: 'c'.repeat(64), name: 'small.md', tokens: 1_000 });
    const plan = cutPlan(20_000, 2_000, [big, small]);
    expect(plan.has(small.hash + small.name)).toBe(false); // it fits whole
    const share = plan.get(big.hash + big.name)!;
    expect(share).toBeGreaterThan(15_000);
    expect(share + 1_000 + 2_000 + 32).toBeLessThanOrEqual(20_000);
  });
});

describe('attaching documents in the composer', () => {
  it('Ctrl+O asks Go for the system picker and shows a chip per file, with pages, characters and tokens', async () => {
    const { fb } = composer();
    fb.api.attachFiles.mockResolvedValueOnce([
      { name: 'contract.pdf', document: attachment() },
      { name: 'secret.docx', error: { kind: 'doc_encrypted', message: 'secret.docx is password-protected; remove the password and attach it again.' } },
    ]);
    await fireEvent.keyDown(window, { key: 'o', ctrlKey: true });
    expect(fb.api.attachFiles).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getAllByTestId('doc-chip')).toHaveLength(2));
    const [ok, bad] = screen.getAllByTestId('doc-chip');
    expect(ok.textContent).toContain('contract.pdf');
    expect(ok.textContent).toContain('12 pages');
    expect(ok.textContent).toContain('24,000 chars');
    expect(ok.textContent).toContain('≈9,000 tokens');
    expect(bad.textContent).toContain('The file is password-protected');
    expect(screen.getByTestId('doc-problem').textContent).toContain('remove the password');
    expect(screen.getByTestId('doc-budget').textContent).toContain('/ 131,072 tokens');
  });

  it('Cmd+O works too, and the attach button does the same', async () => {
    const { fb } = composer();
    await fireEvent.keyDown(window, { key: 'o', metaKey: true });
    await fireEvent.click(screen.getByTestId('attach-files'));
    expect(fb.api.attachFiles).toHaveBeenCalledTimes(2);
  });

  it('a dropped or pasted document goes to Go as base64; a dropped image stays on the image path', async () => {
    const { fb } = composer();
    const pdf = new File(['%PDF-1.7 合同'], '合同.pdf', { type: 'application/pdf' });
    const png = new File([new Uint8Array(8)], 'shot.png', { type: 'image/png' });
    const form = screen.getByTestId('composer').closest('form')!;
    await fireEvent.drop(form, { dataTransfer: { files: [pdf, png], types: ['Files'] } });
    await waitFor(() => expect(fb.api.attachData).toHaveBeenCalledTimes(1));
    const [name, b64] = fb.api.attachData.mock.calls[0];
    expect(name).toBe('合同.pdf');
    expect(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))).toBe('%PDF-1.7 合同');
    await waitFor(() => expect(screen.getByTestId('attachments').querySelectorAll('img')).toHaveLength(1));

    const notes = new File(['notes'], 'notes.txt', { type: 'text/plain' });
    await fireEvent.paste(screen.getByTestId('composer'), { clipboardData: { files: [notes], items: [] } });
    await waitFor(() => expect(fb.api.attachData).toHaveBeenCalledTimes(2));
    expect(fb.api.attachData.mock.calls[1][0]).toBe('notes.txt');
  });

  it('the preview shows the extracted text as text, never as HTML', async () => {
    const { fb, docs } = composer();
    fb.api.previewDocument.mockResolvedValueOnce({ text: '=== page.html ===\n<b>bold?</b><img src=x onerror=alert(1)>', chars: 60, shortened: false });
    docs.items = [{ id: 'x', name: 'page.html', state: 'ready', doc: attachment({ name: 'page.html', type: 'html', pages: 0 }) }];
    await fireEvent.click(await screen.findByTestId('doc-preview'));
    const pre = await screen.findByTestId('doc-preview-text');
    expect(pre.textContent).toContain('<b>bold?</b>');
    expect(pre.querySelector('b, img')).toBeNull();
    expect(fb.api.previewDocument).toHaveBeenCalledWith('a'.repeat(64), 'page.html');
  });

  it('warns before sending what does not fit, and "send the first part" cuts it to fit', async () => {
    const { fb, docs } = composer({ model: 'qwen-max', value: 'summarise' });
    fb.api.budget.mockResolvedValue(contextBudget({ model: 'qwen-max', tokens: 32_768 }));
    docs.items = [{ id: 'x', name: 'contract.pdf', state: 'ready', doc: attachment({ tokens: 90_000 }) }];
    const warning = await screen.findByTestId('doc-warning');
    expect(warning.textContent).toContain('This will not fit');
    expect(warning.textContent).toContain('qwen-max');
    expect((screen.getByTestId('send') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('doc-cut'));
    await waitFor(() => expect(screen.queryByTestId('doc-warning')).toBeNull());
    const doc = docs.ready[0];
    expect(doc.mode).toBe('excerpt');
    expect(doc.maxTokens).toBeLessThanOrEqual(32_768 - 4096);
    expect(screen.getByTestId('doc-chip').textContent).toContain('first part');
    expect((screen.getByTestId('send') as HTMLButtonElement).disabled).toBe(false);
  });

  it('offers the qwen-long upload with the billing reminder, uploads and switches the model', async () => {
    const { fb, docs, used } = composer({ model: 'qwen-max' });
    fb.api.budget.mockResolvedValue(contextBudget({ model: 'qwen-max', tokens: 32_768 }));
    docs.items = [{ id: 'x', name: 'contract.pdf', state: 'ready', doc: attachment({ tokens: 90_000 }) }];
    const warning = await screen.findByTestId('doc-warning');
    expect(warning.textContent).toContain('billed on every turn');
    await fireEvent.click(screen.getByTestId('doc-upload'));
    await waitFor(() => expect(used).toEqual(['qwen-long']));
    expect(fb.api.uploadDocument).toHaveBeenCalledWith('a'.repeat(64), 'contract.pdf');
    expect(docs.ready[0]).toMatchObject({ mode: 'file', fileId: 'file-fe-1' });
  });

  it('does not offer the upload where qwen-long is not available', async () => {
    const { fb, docs } = composer({ model: 'qwen-max' });
    fb.api.budget.mockResolvedValue(contextBudget({ model: 'qwen-max', tokens: 32_768, upload: false }));
    docs.items = [{ id: 'x', name: 'contract.pdf', state: 'ready', doc: attachment({ tokens: 90_000 }) }];
    await screen.findByTestId('doc-warning');
    expect(screen.queryByTestId('doc-upload')).toBeNull();
  });

  it('says when a PDF is a scan with no text', async () => {
    const { docs } = composer();
    docs.items = [{ id: 'x', name: 'scan.pdf', state: 'ready', doc: attachment({ name: 'scan.pdf', noTextLayer: true, chars: 40, tokens: 20 }) }];
    expect((await screen.findByTestId('doc-scanned')).textContent).toContain('no text layer');
    expect(screen.getByTestId('doc-chip').textContent).toContain('scan: no text');
  });
});

const scan = (over: Partial<ReturnType<typeof attachment>> = {}) =>
  attachment({ name: 'scan.pdf', noTextLayer: true, pages: 2, chars: 0, tokens: 0, ...over });
const thumbs = () => [...(screen.queryByTestId('attachments')?.querySelectorAll('img') ?? [])].map((i) => i.getAttribute('src'));

describe('a scanned PDF sent as page images', () => {
  it('offers "Send pages as images" on a scan only, not on a PDF with text or another file', async () => {
    const { docs } = composer({ model: 'qwen3-vl-plus' });
    docs.items = [
      { id: 's', name: 'scan.pdf', state: 'ready', doc: scan() },
      { id: 't', name: 'contract.pdf', state: 'ready', doc: attachment() },
      { id: 'w', name: 'notes.docx', state: 'ready', doc: attachment({ name: 'notes.docx', type: 'docx', pages: 0 }) },
    ];
    await waitFor(() => expect(screen.getAllByTestId('doc-chip')).toHaveLength(3));
    const offers = screen.getAllByTestId('doc-as-images');
    expect(offers).toHaveLength(1);
    expect(offers[0].closest('[data-testid="doc-chip"]')?.getAttribute('aria-label')).toBe('scan.pdf');
    expect(offers[0].textContent?.trim()).toBe('Send pages as images');
  });

  it('replaces the chip with an image per page, asking Go for no more pages than the message has room for', async () => {
    const { fb, docs } = composer({ model: 'qwen3-vl-plus', images: ['data:image/png;base64,b2xk'] });
    docs.items = [{ id: 's', name: 'scan.pdf', state: 'ready', doc: scan() }];
    await fireEvent.click(await screen.findByTestId('doc-as-images'));
    await waitFor(() => expect(screen.queryByTestId('doc-chip')).toBeNull());
    expect(fb.api.documentPagesAsImages).toHaveBeenCalledWith('a'.repeat(64), 5); // 6 per message, one taken
    expect(thumbs()).toEqual(['data:image/png;base64,b2xk', 'data:image/png;base64,cGFnZQ0', 'data:image/png;base64,cGFnZQ1']);
    expect(docs.items).toEqual([]);
    expect(screen.queryByTestId('doc-pages-note')).toBeNull(); // every page fitted
    expect(screen.queryByTestId('doc-scanned')).toBeNull();
    expect(screen.queryByTestId('vision-notice')).toBeNull(); // the model sees images
  });

  it('says how many pages became images when the PDF has more than a message takes', async () => {
    const { fb, docs } = composer({ model: 'qwen3-vl-plus' });
    fb.api.documentPagesAsImages.mockResolvedValueOnce({ images: Array.from({ length: 6 }, (_, i) => `data:image/png;base64,p${i}`), totalPages: 14 });
    docs.items = [{ id: 's', name: 'scan.pdf', state: 'ready', doc: scan({ pages: 14 }) }];
    await fireEvent.click(await screen.findByTestId('doc-as-images'));
    const note = await screen.findByTestId('doc-pages-note');
    expect(note.textContent).toContain('the first 6 of its 14 pages were turned into images');
    expect(thumbs()).toHaveLength(6);
  });

  it('with no image slot left it says so and asks Go for nothing', async () => {
    const full = Array.from({ length: 6 }, (_, i) => `data:image/png;base64,f${i}`);
    const { fb, docs } = composer({ model: 'qwen3-vl-plus', images: full });
    docs.items = [{ id: 's', name: 'scan.pdf', state: 'ready', doc: scan() }];
    await fireEvent.click(await screen.findByTestId('doc-as-images'));
    expect((await screen.findByTestId('doc-pages-note')).textContent).toContain('at most 6 images');
    expect(fb.api.documentPagesAsImages).not.toHaveBeenCalled();
    expect(screen.getByTestId('doc-chip')).toBeTruthy();
  });

  it('keeps the chip, with the reason, when Go cannot draw the pages', async () => {
    const { fb, docs } = composer({ model: 'qwen3-vl-plus' });
    fb.api.documentPagesAsImages.mockRejectedValueOnce({ kind: 'not_found', message: 'Attach the file again to send its pages.' });
    docs.items = [{ id: 's', name: 'scan.pdf', state: 'ready', doc: scan() }];
    await fireEvent.click(await screen.findByTestId('doc-as-images'));
    expect((await screen.findByTestId('doc-problem')).textContent).toContain('Attach the file again');
    expect(screen.getByTestId('doc-chip')).toBeTruthy();
    expect(thumbs()).toEqual([]);
  });

  it('says when the model cannot see images and switches to a vision model the account lists', async () => {
    const { docs, used } = composer({ model: 'qwen-plus', models: ['qwen-plus', 'qwen-vl-max', 'qwen-max'] });
    docs.items = [{ id: 's', name: 'scan.pdf', state: 'ready', doc: scan() }];
    const notice = await screen.findByTestId('vision-notice');
    expect(notice.textContent).toContain('qwen-plus cannot see images');
    await fireEvent.click(screen.getByTestId('doc-as-images'));
    await waitFor(() => expect(thumbs()).toHaveLength(2));
    expect(screen.getByTestId('vision-notice')).toBeTruthy(); // the images are still waiting for one
    await fireEvent.click(screen.getByTestId('use-vision'));
    expect(used).toEqual(['qwen-vl-max']);
    await waitFor(() => expect(screen.queryByTestId('vision-notice')).toBeNull());
  });

  it('offers qwen3-vl-plus when the account lists no vision model, in Chinese too', async () => {
    setLanguage('zh');
    const { docs, used } = composer({ model: 'qwen-max', models: ['qwen-max'] });
    docs.items = [{ id: 's', name: '扫描件.pdf', state: 'ready', doc: scan({ name: '扫描件.pdf' }) }];
    expect((await screen.findByTestId('doc-as-images')).textContent?.trim()).toBe('以图片发送页面');
    expect(screen.getByTestId('vision-notice').textContent).toContain('qwen-max 不能识别图片');
    await fireEvent.click(screen.getByTestId('use-vision'));
    expect(used).toEqual(['qwen3-vl-plus']);
  });
});

describe('sending documents', () => {
  it('sends the chips as references, shows them on the question, and keeps them if Send fails', async () => {
    const { api } = fakeBackend();
    const chat = new ChatStore(api, { model: () => 'qwen-plus', schedule: (fn) => fn() });
    chat.start();
    chat.draft = 'what does page 3 say?';
    chat.docs.items = [{ id: 'x', name: 'contract.pdf', state: 'ready', doc: attachment({ mode: 'excerpt', maxTokens: 5000 }) }];
    expect(await chat.send()).toBe(true);
    expect(api.sendWithAttachments).toHaveBeenCalledWith(expect.any(String), 'what does page 3 say?', [], [
      { hash: 'a'.repeat(64), name: 'contract.pdf', mode: 'excerpt', maxTokens: 5000, fileId: undefined },
    ]);
    expect(chat.messages[0].documents?.[0].name).toBe('contract.pdf');
    expect(chat.docs.items).toEqual([]);

    const { api: failing } = fakeBackend();
    failing.sendWithAttachments.mockRejectedValueOnce({ kind: 'not_found', message: 'That file is no longer attached.' });
    const again = new ChatStore(failing, { model: () => 'qwen-plus', schedule: (fn) => fn() });
    again.docs.items = [{ id: 'y', name: 'a.pdf', state: 'ready', doc: attachment({ name: 'a.pdf' }) }];
    expect(await again.send()).toBe(false); // a file alone is a question; this one failed
    expect(again.docs.items.map((i) => i.name)).toEqual(['a.pdf']);
    expect(again.notice?.kind).toBe('not_found');
  });

  it('the question shows its files as chips, not their text', () => {
    render(MessageBubble, {
      message: { id: 'u1', role: 'user', content: 'summarise', reasoning: '', status: 'complete', finishReason: '', model: '', createdAt: '', documents: [attachment()] },
    } as never);
    expect(screen.getByTestId('message-docs').textContent).toContain('contract.pdf');
    expect(screen.getByTestId('message').textContent).not.toContain('=== contract.pdf');
  });
});
