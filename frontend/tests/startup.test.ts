// The screen the window shows while Go opens (and perhaps upgrades) the history, and the store
// that decides when the rest of the app may call Go.
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import StartupScreen from '../src/components/StartupScreen.svelte';
import type { StartupProgress, StartupState } from '../src/lib/contract.gen';
import { EV_READY, EV_STARTUP } from '../src/lib/contract.gen';
import { setLanguage } from '../src/lib/i18n';
import { StartupStore } from '../src/lib/startup.svelte';
import { deferred, fakeBackend } from './fakes';

afterEach(() => {
  cleanup();
  setLanguage('en');
  vi.useRealTimers();
});

function state(progress: Partial<StartupProgress>, over: Partial<StartupState> = {}): StartupState {
  return {
    ready: false,
    failed: '',
    version: '0.2.0',
    progress: { phase: 'checking', fromVersion: 3, toVersion: 5, version: 0, step: '', done: 0, total: 0, ...progress },
    ...over,
  };
}

const heading = () => screen.queryByTestId('startup-heading')?.textContent?.trim();

describe('startup screen', () => {
  const cases: [string, StartupState, string, string][] = [
    [
      'a measured migration step',
      state({ phase: 'migrating', version: 4, step: 'cjk bigram index', done: 41, total: 100 }),
      'Updating your history for QwenDesk 0.2 — 41%',
      '正在为 QwenDesk 0.2 更新聊天记录 — 41%',
    ],
    [
      'a step that cannot be measured',
      state({ phase: 'migrating', version: 5, step: 'tool calls' }),
      'Updating your history for QwenDesk 0.2…',
      '正在为 QwenDesk 0.2 更新聊天记录…',
    ],
    [
      'the byte copy taken first',
      state({ phase: 'backup', done: 3 << 20, total: 4 << 20 }),
      'Backing up your history before updating it — 75%',
      '正在备份聊天记录，随后更新 — 75%',
    ],
  ];
  for (const [name, s, en, zh] of cases) {
    it(`says what it is doing: ${name}, in English and Chinese`, () => {
      render(StartupScreen, { startup: s });
      expect(heading()).toBe(en);
      cleanup();
      setLanguage('zh');
      render(StartupScreen, { startup: s });
      expect(heading()).toBe(zh);
    });
  }

  it('shows the percentage on a progress bar assistive technology can read', () => {
    render(StartupScreen, { startup: state({ phase: 'migrating', version: 4, done: 999, total: 1000 }) });
    const bar = screen.getByRole('progressbar');
    // 99.9% is not done: rounding up would say 100% while the user still waits.
    expect(bar.getAttribute('aria-valuenow')).toBe('99');
    expect(screen.getByText(/You can quit safely/)).toBeTruthy();
    expect(screen.getByText('Step 1 of 2')).toBeTruthy();
  });

  it('does not flash on a normal start, but shows a slow open', () => {
    vi.useFakeTimers();
    render(StartupScreen, { startup: state({ phase: 'checking' }) });
    expect(screen.queryByTestId('startup-screen')).toBeNull();
    vi.advanceTimersByTime(500);
    return vi.waitFor(() => expect(heading()).toBe('Opening your history…'));
  });

  it('shows an upgrade at once, without the delay', () => {
    render(StartupScreen, { startup: state({ phase: 'backup' }) });
    expect(heading()).toBe('Backing up your history before updating it…');
  });

  it('says why the history could not be opened', () => {
    render(StartupScreen, { startup: state({}, { failed: 'disk I/O error' }) });
    expect(heading()).toBe('QwenDesk could not open your history');
    expect(screen.getByText('disk I/O error')).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});

describe('startup store', () => {
  it('listens before it asks, so a ready event sent meanwhile is not missed', async () => {
    const fb = fakeBackend();
    const answer = deferred<StartupState>();
    fb.api.startup.mockReturnValue(answer.promise);
    const onReady = vi.fn();
    const store = new StartupStore(fb.api, onReady);
    const started = store.start();
    expect(fb.listenerCount(EV_READY)).toBe(1);
    fb.emit(EV_READY, state({}, { ready: true }));
    // The answer to Startup() was computed before the event: it must not undo the ready.
    answer.resolve(state({ phase: 'migrating', done: 10, total: 100 }));
    await started;
    expect(store.ready).toBe(true);
    expect(onReady).toHaveBeenCalledTimes(1);
  });

  it('follows the progress events and starts the app once, when Go is ready', async () => {
    const fb = fakeBackend();
    fb.api.startup.mockResolvedValue(state({ phase: 'checking' }));
    const onReady = vi.fn();
    const store = new StartupStore(fb.api, onReady);
    await store.start();
    expect(store.ready).toBe(false);
    fb.emit(EV_STARTUP, state({ phase: 'migrating', version: 4, done: 41, total: 100 }));
    expect(store.state?.progress.done).toBe(41);
    expect(onReady).not.toHaveBeenCalled();
    fb.emit(EV_READY, state({}, { ready: true }));
    fb.emit(EV_READY, state({}, { ready: true })); // events can arrive twice
    expect(onReady).toHaveBeenCalledTimes(1);
    store.dispose();
    expect(fb.listenerCount(EV_STARTUP) + fb.listenerCount(EV_READY)).toBe(0);
  });

  it('never starts the app when the history could not be opened', async () => {
    const fb = fakeBackend();
    fb.api.startup.mockResolvedValue(state({}));
    const onReady = vi.fn();
    const store = new StartupStore(fb.api, onReady);
    await store.start();
    fb.emit(EV_READY, state({}, { failed: 'disk I/O error' }));
    expect(store.failed).toBe('disk I/O error');
    expect(onReady).not.toHaveBeenCalled();
  });
});
