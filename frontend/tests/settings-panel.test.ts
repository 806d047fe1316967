// The Settings panel section by section, rendered whole as the app shows it, over the fake backend.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import SettingsPanel from '../src/components/SettingsPanel.svelte';
import { ChatStore } from '../src/lib/chat.svelte';
import { ConversationsStore } from '../src/lib/conversations.svelte';
import { SettingsStore } from '../src/lib/settings.svelte';
import type { AppStatus } from '../src/lib/types';
import { appStatus, deferred, fakeBackend, keyStatus } from './fakes';

const tick = () => new Promise((r) => setTimeout(r, 0));

async function setup(status: Partial<AppStatus> = {}, opts: { openId?: string; data?: boolean } = {}) {
  const fb = fakeBackend();
  fb.api.status.mockResolvedValue(appStatus(status));
  const settings = new SettingsStore(fb.api);
  await settings.refresh();
  const conversations = opts.data ? new ConversationsStore(fb.api, new ChatStore(fb.api)) : undefined;
  render(SettingsPanel, { settings, conversations, openId: opts.openId ?? '', onClose: () => {} });
  return { ...fb, settings };
}

const button = (name: string | RegExp) => screen.getByRole('button', { name }) as HTMLButtonElement;
const confirmation = () => screen.queryAllByRole('status').map((el) => el.textContent?.trim());

afterEach(() => cleanup());

describe('settings panel: general', () => {
  it('a theme or send key chosen applies and saves at once, and clears the last confirmation', async () => {
    const { api } = await setup();
    await fireEvent.click(button('Replace key'));
    await fireEvent.input(screen.getByLabelText('New API key'), { target: { value: 'sk-new' } });
    await fireEvent.click(button('Save key'));
    await tick();
    expect(confirmation()).toContain('Key saved.');

    await fireEvent.click(screen.getByTestId('theme-dark'));
    expect(api.setPreferences).toHaveBeenLastCalledWith(expect.objectContaining({ theme: 'dark' }));
    expect(screen.getByTestId('theme-dark').getAttribute('aria-checked')).toBe('true');
    expect(confirmation()).not.toContain('Key saved.');

    await fireEvent.click(screen.getByTestId('send-mod-enter'));
    expect(api.setPreferences).toHaveBeenLastCalledWith(expect.objectContaining({ sendKey: 'mod-enter' }));
  });

  it('the text size follows the slider and is saved when it is let go', async () => {
    const { api } = await setup();
    const slider = screen.getByTestId('pref-font') as HTMLInputElement;
    await fireEvent.input(slider, { target: { value: '19' } });
    expect(screen.getByText('19 px')).toBeTruthy();
    expect(api.setPreferences).not.toHaveBeenCalled();
    await fireEvent.change(slider);
    expect(api.setPreferences).toHaveBeenLastCalledWith(expect.objectContaining({ fontSize: 19 }));
  });
});

describe('settings panel: network', () => {
  it('None applies at once; a custom URL waits for Apply and then says Saved', async () => {
    const { api } = await setup();
    await fireEvent.click(screen.getByTestId('proxy-none'));
    expect(api.setPreferences).toHaveBeenLastCalledWith(expect.objectContaining({ proxyMode: 'none' }));
    await tick();

    await fireEvent.click(screen.getByTestId('proxy-custom'));
    await fireEvent.click(screen.getByTestId('proxy-apply'));
    expect(screen.getByText('Enter the proxy URL.')).toBeTruthy();
    expect(api.setPreferences).toHaveBeenCalledTimes(1);
    await fireEvent.input(screen.getByTestId('proxy-url'), { target: { value: ' http://127.0.0.1:7890 ' } });
    await fireEvent.click(screen.getByTestId('proxy-apply'));
    await tick();
    expect(api.setPreferences).toHaveBeenLastCalledWith(expect.objectContaining({ proxyMode: 'custom', proxyURL: 'http://127.0.0.1:7890' }));
    expect(confirmation()).toContain('Saved.');
  });

  it('a refused mode goes back to the stored one', async () => {
    const { api } = await setup();
    api.setPreferences.mockRejectedValueOnce({ kind: 'invalid_input', message: 'no' });
    await fireEvent.click(screen.getByTestId('proxy-none'));
    await tick();
    expect(screen.getByTestId('proxy-system').getAttribute('aria-checked')).toBe('true');
  });
});

describe('settings panel: API key', () => {
  it('replacing the key: Save is off until a key is typed, Cancel forgets it, Save stores it and says so', async () => {
    const { api } = await setup();
    await fireEvent.click(button('Replace key'));
    expect(button('Save key').disabled).toBe(true);
    await fireEvent.input(screen.getByLabelText('New API key'), { target: { value: 'sk-typed' } });
    await fireEvent.click(button('Cancel'));
    await fireEvent.click(button('Replace key'));
    expect((screen.getByLabelText('New API key') as HTMLInputElement).value).toBe('');

    await fireEvent.input(screen.getByLabelText('New API key'), { target: { value: ' sk-new ' } });
    await fireEvent.click(button('Save key'));
    await tick();
    expect(api.saveKey).toHaveBeenCalledWith('sk-new');
    expect(confirmation()).toContain('Key saved.');
    expect(screen.queryByLabelText('New API key')).toBeNull();
  });

  it('deleting asks first, then deletes and says so', async () => {
    const { api } = await setup();
    await fireEvent.click(button('Delete key'));
    expect(screen.getByText(/Delete the stored key\?/)).toBeTruthy();
    expect(api.deleteKey).not.toHaveBeenCalled();
    await fireEvent.click(button('Delete'));
    await tick();
    expect(api.deleteKey).toHaveBeenCalledTimes(1);
    expect(confirmation()).toContain('Key deleted.');
  });

  it('a key from the environment cannot be deleted here, and the panel says which variable to unset', async () => {
    await setup({ key: keyStatus({ source: 'env:DASHSCOPE_API_KEY' }) });
    expect(button('Delete key').disabled).toBe(true);
    expect(screen.getByText(/Unset DASHSCOPE_API_KEY to remove it/)).toBeTruthy();
  });

  it('Test key shows the result', async () => {
    const { api } = await setup();
    await fireEvent.click(button('Test key'));
    await tick();
    expect(api.testKey).toHaveBeenCalledWith('');
    expect(confirmation()).toContain('The key works with this region.');
  });
});

describe('settings panel: endpoint', () => {
  it('Apply is off until the region changes; a custom URL is sent trimmed and the panel says Endpoint saved', async () => {
    const { api } = await setup();
    const section = within(screen.getByText('Endpoint').closest('section')!);
    const apply = section.getByRole('button', { name: 'Apply' }) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    await fireEvent.change(screen.getByTestId('region'), { target: { value: 'custom' } });
    await fireEvent.input(screen.getByLabelText('Custom base URL'), { target: { value: ' https://proxy.example/v1 ' } });
    expect(apply.disabled).toBe(false);
    await fireEvent.click(apply);
    await tick();
    expect(api.setEndpoint).toHaveBeenCalledWith('custom', 'https://proxy.example/v1');
    expect(confirmation()).toContain('Endpoint saved.');
  });
});

describe('settings panel: titles', () => {
  it('the switch saves at once; a new title model waits for Apply or Enter', async () => {
    const { api } = await setup({ titles: { enabled: true, model: 'qwen-flash' } });
    const model = screen.getByTestId('title-model') as HTMLInputElement;
    const section = within(model.closest('section')!);
    const apply = section.getByRole('button', { name: 'Apply' }) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    await fireEvent.input(model, { target: { value: 'qwen-turbo' } });
    expect(apply.disabled).toBe(false);
    await fireEvent.keyDown(model, { key: 'Enter' });
    await tick();
    expect(api.setTitleOptions).toHaveBeenLastCalledWith(true, 'qwen-turbo');
    expect(confirmation()).toContain('Title settings saved.');
    expect(apply.disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('auto-titles'));
    await tick();
    expect(api.setTitleOptions).toHaveBeenLastCalledWith(false, 'qwen-turbo');
    expect(model.disabled).toBe(true);
  });
});

describe('settings panel: data', () => {
  it('is there only with the conversations store; exporting the open one needs one open', async () => {
    await setup();
    expect(screen.queryByTestId('settings-data')).toBeNull();
    cleanup();
    await setup({}, { data: true });
    expect((screen.getByTestId('export-current-md') as HTMLButtonElement).disabled).toBe(true);
  });

  it('exports, waits for the dialog with the buttons off, then says where it saved', async () => {
    const { api } = await setup({}, { data: true, openId: 'c7' });
    const saved = deferred<string>();
    api.exportConversations.mockReturnValueOnce(saved.promise);
    await fireEvent.click(screen.getByTestId('export-current-md'));
    expect(api.exportConversations).toHaveBeenCalledWith(['c7'], 'markdown');
    expect(screen.getByText('Waiting for the file dialog…')).toBeTruthy();
    expect((screen.getByTestId('export-all-json') as HTMLButtonElement).disabled).toBe(true);
    saved.resolve('/home/me/chat.md');
    await tick();
    expect(screen.getByTestId('data-result').textContent).toContain('Saved to /home/me/chat.md');
    expect((screen.getByTestId('export-all-json') as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('settings panel: about', () => {
  it('shows the version with its commit and the data folder', async () => {
    await setup();
    expect(screen.getByTestId('settings-version').textContent).toBe('1.2.3 (abcdef123456)');
    expect(screen.getByText('/tmp/qwendesk')).toBeTruthy();
  });
});
