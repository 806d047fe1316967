// The whole main view (sidebar, chat, dialogs) over the fake backend, as App shows it with a key.
import { render, screen } from '@testing-library/svelte';
import Workspace from '../src/components/Workspace.svelte';
import { ChatStore } from '../src/lib/chat.svelte';
import { ConversationsStore } from '../src/lib/conversations.svelte';
import { SearchStore } from '../src/lib/search.svelte';
import { SettingsStore } from '../src/lib/settings.svelte';
import { UsageStore } from '../src/lib/usage.svelte';
import { fakeBackend } from './fakes';

export const tick = () => new Promise((r) => setTimeout(r, 0));

export async function renderWorkspace() {
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
