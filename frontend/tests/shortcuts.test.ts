import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Workspace from '../src/components/Workspace.svelte';
import { ChatStore } from '../src/lib/chat.svelte';
import { ConversationsStore } from '../src/lib/conversations.svelte';
import { SearchStore } from '../src/lib/search.svelte';
import { SettingsStore } from '../src/lib/settings.svelte';
import { UsageStore } from '../src/lib/usage.svelte';
import { fakeBackend } from './fakes';

afterEach(() => cleanup());

const tick = () => new Promise((r) => setTimeout(r, 0));

async function workspace() {
  const fb = fakeBackend();
  const settings = new SettingsStore(fb.api);
  await settings.refresh();
  const chat = new ChatStore(fb.api, { model: () => settings.model, schedule: (fn) => fn() });
  const conversations = new ConversationsStore(fb.api, chat);
  const search = new SearchStore(fb.api);
  const usage = new UsageStore(fb.api);
  render(Workspace, { chat, settings, conversations, search, usage });
  await tick();
  return { ...fb, composer: screen.getByTestId('composer') };
}

describe('keyboard shortcuts', () => {
  it('Ctrl+, opens Settings; Escape closes it', async () => {
    await workspace();
    expect(screen.queryByTestId('settings')).toBeNull();
    await fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    expect(screen.getByTestId('settings')).toBeTruthy();
    expect(screen.getByTestId('settings-general')).toBeTruthy();
    await fireEvent.keyDown(screen.getByTestId('settings'), { key: 'Escape' });
    expect(screen.queryByTestId('settings')).toBeNull();
  });

  it('"/" focuses the composer, but not while typing in another field', async () => {
    const { composer } = await workspace();
    (document.activeElement as HTMLElement | null)?.blur();
    await fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(composer);

    const other = document.createElement('input');
    document.body.append(other);
    other.focus();
    const ev = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true });
    other.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(other);
    other.remove();
  });

  it('the sidebar opens the usage page', async () => {
    const { api } = await workspace();
    await fireEvent.click(screen.getByTestId('open-usage'));
    await tick();
    expect(screen.getByTestId('usage-page')).toBeTruthy();
    expect(api.usage).toHaveBeenCalledWith(30);
  });
});
