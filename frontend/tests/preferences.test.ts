import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getLang, setLanguage, t } from '../src/lib/i18n';
import { applyPreferences, normalize, PreferencesStore } from '../src/lib/preferences.svelte';
import { SettingsStore } from '../src/lib/settings.svelte';
import { appStatus, deferred, fakeBackend, preferences } from './fakes';

const root = () => document.documentElement;

beforeEach(() => {
  delete root().dataset.theme;
  root().style.removeProperty('--message-font-size');
  setLanguage('en');
});
afterEach(() => setLanguage('en'));

describe('preferences store', () => {
  it('applies theme, font size and language to the document', () => {
    applyPreferences(preferences({ theme: 'dark', fontSize: 19, language: 'zh' }));
    expect(root().dataset.theme).toBe('dark');
    expect(root().style.getPropertyValue('--message-font-size')).toBe('19px');
    expect(root().lang).toBe('zh-CN');
    expect(getLang()).toBe('zh');

    // jsdom has no matchMedia, so System resolves to light (tests/theme.test.ts covers the OS).
    applyPreferences(preferences({ theme: 'system', language: 'en' }));
    expect(root().dataset.theme).toBe('light');
    expect(root().lang).toBe('en');
  });

  it('saves a change and applies it at once', async () => {
    const fb = fakeBackend();
    const store = new PreferencesStore(fb.api);
    store.init(preferences());
    const done = store.update({ theme: 'light' });
    expect(root().dataset.theme).toBe('light');
    expect(await done).toBe(true);
    expect(fb.api.setPreferences).toHaveBeenCalledWith(expect.objectContaining({ theme: 'light', fontSize: 15 }));
    expect(store.value.theme).toBe('light');
  });

  it('rolls back and keeps the error when Go refuses', async () => {
    const fb = fakeBackend();
    const d = deferred<never>();
    fb.api.setPreferences.mockImplementationOnce(() => d.promise);
    const store = new PreferencesStore(fb.api);
    store.init(preferences({ theme: 'dark', proxyMode: 'system' }));
    const done = store.update({ proxyMode: 'custom', proxyURL: 'ftp://nope', theme: 'light' });
    expect(store.value.proxyMode).toBe('custom');
    expect(root().dataset.theme).toBe('light');
    d.reject({ kind: 'invalid_input', message: 'proxy URL must start with http://, https:// or socks5://' });
    expect(await done).toBe(false);
    expect(store.value.proxyMode).toBe('system');
    expect(store.value.theme).toBe('dark');
    expect(root().dataset.theme).toBe('dark');
    expect(store.error).toEqual(expect.objectContaining({ kind: 'invalid_input', message: expect.stringContaining('socks5') }));
  });

  it('clamps the font size and fills missing fields', () => {
    expect(normalize({ fontSize: 40 }).fontSize).toBe(22);
    expect(normalize({ fontSize: 3 }).fontSize).toBe(12);
    expect(normalize(undefined)).toEqual(preferences());
  });

  it('the settings store applies preferences from Status() and exposes the send key', async () => {
    const fb = fakeBackend();
    fb.api.status.mockResolvedValue(appStatus({ preferences: preferences({ theme: 'dark', sendKey: 'mod-enter', language: 'zh' }) }));
    const settings = new SettingsStore(fb.api);
    await settings.refresh();
    expect(root().dataset.theme).toBe('dark');
    expect(settings.sendKey).toBe('mod-enter');
    expect(t('settings.general')).toBe('常规');
  });
});

describe('i18n runtime switch', () => {
  it('t() follows setLanguage', () => {
    setLanguage('en');
    expect(t('usage.title')).toBe('Usage and cost');
    setLanguage('zh');
    expect(t('usage.title')).toBe('用量与费用');
    expect(root().lang).toBe('zh-CN');
    setLanguage('system'); // jsdom's navigator.language is en-US
    expect(getLang()).toBe('en');
  });
});

describe('settings panel: general and network', () => {
  it('switching the language re-renders the panel at once and saves it', async () => {
    const { cleanup, fireEvent, render, screen } = await import('@testing-library/svelte');
    const SettingsPanel = (await import('../src/components/SettingsPanel.svelte')).default;
    const fb = fakeBackend();
    const settings = new SettingsStore(fb.api);
    await settings.refresh();
    render(SettingsPanel, { settings, onClose: () => {} });
    expect(screen.getByText('General')).toBeTruthy();
    await fireEvent.change(screen.getByTestId('pref-language'), { target: { value: 'zh' } });
    expect(screen.getByText('常规')).toBeTruthy();
    expect(screen.getByText('网络')).toBeTruthy();
    expect(fb.api.setPreferences).toHaveBeenCalledWith(expect.objectContaining({ language: 'zh' }));
    cleanup();
  });

  it('a refused proxy URL is rolled back and the reason shown', async () => {
    const { cleanup, fireEvent, render, screen } = await import('@testing-library/svelte');
    const SettingsPanel = (await import('../src/components/SettingsPanel.svelte')).default;
    const fb = fakeBackend();
    fb.api.setPreferences.mockRejectedValueOnce({ kind: 'invalid_input', message: 'unsupported proxy scheme "ftp"' });
    const settings = new SettingsStore(fb.api);
    await settings.refresh();
    render(SettingsPanel, { settings, onClose: () => {} });
    await fireEvent.click(screen.getByTestId('proxy-custom'));
    await fireEvent.click(screen.getByTestId('proxy-apply'));
    expect(screen.getByText('Enter the proxy URL.')).toBeTruthy();
    expect(fb.api.setPreferences).not.toHaveBeenCalled();
    await fireEvent.input(screen.getByTestId('proxy-url'), { target: { value: 'ftp://x' } });
    await fireEvent.click(screen.getByTestId('proxy-apply'));
    await new Promise((r) => setTimeout(r, 0));
    expect(settings.prefs.value.proxyMode).toBe('system');
    expect(screen.getByText(/unsupported proxy scheme/)).toBeTruthy();
    cleanup();
  });
});
