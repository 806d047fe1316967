import { describe, expect, it } from 'vitest';
import { ChatStore } from '../src/lib/chat.svelte';
import { MAX_IMAGES, modelSeesImages, readImages } from '../src/lib/attachments';
import { fakeBackend } from './fakes';

const png = (name: string, size = 10) => new File([new Uint8Array(size)], name, { type: 'image/png' });

describe('attachments', () => {
  it('reads images into data URLs and names the files it refuses, with the reason', async () => {
    const svg = new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' });
    const big = png('huge.png', 10 * 1024 * 1024 + 1);
    const { urls, problems } = await readImages([png('a.png'), svg, big], 0);
    expect(urls).toHaveLength(1);
    expect(urls[0].startsWith('data:image/png;base64,')).toBe(true);
    expect(problems).toEqual([
      { kind: 'type', name: 'logo.svg' },
      { kind: 'size', name: 'huge.png' },
    ]);
  });

  it('stops at the per-message limit', async () => {
    const { urls, problems } = await readImages([png('a.png'), png('b.png')], MAX_IMAGES - 1);
    expect(urls).toHaveLength(1);
    expect(problems).toEqual([{ kind: 'count', name: 'b.png' }]);
  });

  it('knows vision models by name', () => {
    expect(modelSeesImages('qwen3-vl-plus')).toBe(true);
    expect(modelSeesImages('qvq-max')).toBe(true);
    expect(modelSeesImages('qwen-plus')).toBe(false);
  });

  it('sends the draft with its images, and keeps both if Send fails', async () => {
    const { api } = fakeBackend();
    const chat = new ChatStore(api, { model: () => 'qwen3-vl-plus', schedule: (fn) => fn() });
    chat.start();
    chat.attachments = ['data:image/png;base64,AAAA'];
    expect(await chat.send()).toBe(true); // an image alone is a question
    expect(api.sendWithImages).toHaveBeenCalledWith(expect.any(String), '', ['data:image/png;base64,AAAA']);
    expect(chat.attachments).toEqual([]);
    expect(chat.messages[0].images).toEqual(['data:image/png;base64,AAAA']);

    const { api: failing } = fakeBackend();
    failing.sendWithImages.mockRejectedValueOnce({ kind: 'invalid_input', message: 'Image 1 cannot be sent.' });
    const again = new ChatStore(failing, { model: () => 'qwen3-vl-plus', schedule: (fn) => fn() });
    again.draft = 'what is this?';
    again.attachments = ['data:image/png;base64,BBBB'];
    expect(await again.send()).toBe(false);
    expect(again.draft).toBe('what is this?');
    expect(again.attachments).toEqual(['data:image/png;base64,BBBB']);
    expect(again.notice?.kind).toBe('invalid_input');
  });
});
