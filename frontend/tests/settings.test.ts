import { describe, expect, it } from 'vitest';
import { SettingsStore } from '../src/lib/settings.svelte';
import { appStatus, fakeBackend, keyStatus } from './fakes';

async function loaded(status = appStatus()) {
  const fb = fakeBackend();
  fb.api.status.mockResolvedValue(status);
  const s = new SettingsStore(fb.api);
  await s.refresh();
  return { ...fb, s };
}

describe('settings store', () => {
  it('loads the status and the model list', async () => {
    const { s } = await loaded();
    expect(s.hasKey).toBe(true);
    expect(s.model).toBe('qwen-plus');
    expect(s.modelList?.models).toEqual(['qwen-plus', 'qwen-max']);
  });

  it('does not ask for models without a key', async () => {
    const { s, api } = await loaded(appStatus({ key: keyStatus({ hasKey: false, source: '', last4: '' }) }));
    expect(s.hasKey).toBe(false);
    expect(api.models).not.toHaveBeenCalled();
  });

  it('SaveKey success updates the key status', async () => {
    const { s, api } = await loaded(appStatus({ key: keyStatus({ hasKey: false, source: '', last4: '' }) }));
    api.saveKey.mockResolvedValueOnce(keyStatus({ last4: 'wxyz' }));
    expect(await s.saveKey('  sk-123wxyz  ')).toBe(true);
    expect(api.saveKey).toHaveBeenCalledWith('sk-123wxyz');
    expect(s.hasKey).toBe(true);
    expect(s.status?.key.last4).toBe('wxyz');
    expect(s.error).toBeNull();
    expect(api.models).toHaveBeenCalled();
  });

  it('SaveKey failure surfaces the message and keeps the old status', async () => {
    const { s, api } = await loaded(appStatus({ key: keyStatus({ hasKey: false, source: '', last4: '' }) }));
    api.saveKey.mockRejectedValueOnce('keychain: the Secret Service is locked');
    expect(await s.saveKey('sk-1')).toBe(false);
    expect(s.error).toEqual({ kind: 'keychain', message: 'the Secret Service is locked', requestIdFromServer: '' });
    expect(s.hasKey).toBe(false);
    expect(s.busy).toBe('');
  });

  it('TestKey reports the result', async () => {
    const { s, api } = await loaded();
    api.testKey.mockResolvedValueOnce({ ok: false, kind: 'auth', message: 'Incorrect API key', requestId: 'req-1' });
    const r = await s.testKey('sk-x');
    expect(api.testKey).toHaveBeenCalledWith('sk-x');
    expect(r?.ok).toBe(false);
    expect(s.keyTest?.kind).toBe('auth');
  });

  it('DeleteKey sends the user back to setup', async () => {
    const { s } = await loaded();
    expect(await s.deleteKey()).toBe(true);
    expect(s.hasKey).toBe(false);
  });

  it('SetEndpoint passes the custom URL only for custom', async () => {
    const { s, api } = await loaded();
    await s.setEndpoint('singapore', 'https://ignored');
    expect(api.setEndpoint).toHaveBeenLastCalledWith('singapore', '');
    await s.setEndpoint('custom', ' https://gw.example/v1 ');
    expect(api.setEndpoint).toHaveBeenLastCalledWith('custom', 'https://gw.example/v1');
    expect(s.status?.endpoint.region).toBe('custom');
  });

  it('SetModel updates the current model; failure shows an error', async () => {
    const { s, api } = await loaded();
    expect(await s.setModel('qwen-max')).toBe(true);
    expect(s.model).toBe('qwen-max');
    api.setModel.mockRejectedValueOnce('invalid_input: model id is empty');
    expect(await s.setModel('bad id')).toBe(false);
    expect(s.model).toBe('qwen-max');
    expect(s.error?.kind).toBe('invalid_input');
  });

  it('a failing model list falls back to the current model', async () => {
    const fb = fakeBackend();
    fb.api.models.mockRejectedValueOnce('network: offline');
    const s = new SettingsStore(fb.api);
    await s.refresh();
    expect(s.modelList).toEqual({ models: ['qwen-plus'], live: false, problem: 'offline' });
  });

  it('a failing Status is shown as a load error', async () => {
    const fb = fakeBackend();
    fb.api.status.mockRejectedValueOnce('database is locked');
    const s = new SettingsStore(fb.api);
    await s.refresh();
    expect(s.status).toBeNull();
    expect(s.loadError?.message).toBe('database is locked');
  });
});
