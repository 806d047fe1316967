// The settings store: key status, endpoint, model and the model list, and the actions that change them.
import type { Backend } from './bridge';
import { toTurnError } from './errors';
import { PreferencesStore } from './preferences.svelte';
import type { AppStatus, KeyTest, ModelList, PromptPreset, SendKey, TitleOptions, TurnError } from './types';

export type SettingsBackend = Pick<
  Backend,
  'status' | 'saveKey' | 'testKey' | 'deleteKey' | 'setEndpoint' | 'models' | 'setModel'
> & {
  openExternal?: (url: string) => void;
  setTitleOptions?: Backend['setTitleOptions'];
  setPreferences?: Backend['setPreferences'];
  promptPresets?: Backend['promptPresets'];
  setPromptPresets?: Backend['setPromptPresets'];
};

export type Busy = '' | 'save' | 'test' | 'delete' | 'endpoint' | 'model' | 'titles';

/** What automatic titles use until Go says otherwise. */
export const DEFAULT_TITLES: TitleOptions = { enabled: true, model: 'qwen-flash' };

export class SettingsStore {
  status = $state<AppStatus | null>(null);
  modelList = $state<ModelList | null>(null);
  loading = $state(false);
  /** Status() itself failed: the app can't start. */
  loadError = $state<TurnError | null>(null);
  busy = $state<Busy>('');
  /** The last action's failure, shown next to the control that caused it. */
  error = $state<TurnError | null>(null);
  keyTest = $state<KeyTest | null>(null);
  /** System-prompt presets, loaded when first needed. */
  presets = $state<PromptPreset[]>([]);

  readonly hasKey = $derived(this.status?.key.hasKey ?? false);
  readonly model = $derived(this.status?.model ?? '');
  readonly titles = $derived<TitleOptions>(this.status?.titles ?? DEFAULT_TITLES);
  /** Theme, language, font size, send key and proxy; saved one change at a time. */
  readonly prefs: PreferencesStore;
  /** What sends a message from the composer: Enter, or Ctrl/Cmd+Enter. */
  get sendKey(): SendKey {
    return this.prefs.value.sendKey;
  }

  private api: SettingsBackend;

  constructor(api: SettingsBackend) {
    this.api = api;
    const setPreferences = api.setPreferences;
    this.prefs = new PreferencesStore(setPreferences ? { setPreferences } : null);
  }

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      const status = await this.api.status();
      // Before the status lands (and the workspace renders): no flash of the wrong theme or language.
      this.prefs.init(status.preferences);
      this.status = status;
      this.loadError = null;
    } catch (err) {
      this.loadError = toTurnError(err);
    } finally {
      this.loading = false;
    }
    if (this.status?.key.hasKey) await this.loadModels();
  }

  async loadModels(): Promise<void> {
    try {
      this.modelList = await this.api.models();
    } catch (err) {
      this.modelList = { models: this.model ? [this.model] : [], live: false, problem: toTurnError(err).message };
    }
  }

  /** Stores the key; on success the status (and so the app) moves on. */
  async saveKey(key: string): Promise<boolean> {
    return this.run('save', async () => {
      const ks = await this.api.saveKey(key.trim());
      if (this.status) this.status.key = ks;
      else await this.refresh();
      if (ks.hasKey) await this.loadModels();
    });
  }

  /** Tests `key`, or the stored one when empty. The result lands in `keyTest`. */
  async testKey(key: string): Promise<KeyTest | null> {
    this.keyTest = null;
    let result: KeyTest | null = null;
    await this.run('test', async () => {
      result = await this.api.testKey(key.trim());
      this.keyTest = result;
    });
    return result;
  }

  async deleteKey(): Promise<boolean> {
    return this.run('delete', async () => {
      const ks = await this.api.deleteKey();
      if (this.status) this.status.key = ks;
      this.keyTest = null;
    });
  }

  /** `region` is a region id or 'custom' with `customURL`. */
  async setEndpoint(region: string, customURL: string): Promise<boolean> {
    return this.run('endpoint', async () => {
      const ep = await this.api.setEndpoint(region, region === 'custom' ? customURL.trim() : '');
      if (this.status) this.status.endpoint = ep;
      if (this.status?.key.hasKey) await this.loadModels();
    });
  }

  async setModel(model: string): Promise<boolean> {
    const m = model.trim();
    if (!m || m === this.model) return false;
    return this.run('model', async () => {
      const chosen = await this.api.setModel(m);
      if (this.status) this.status.model = chosen || m;
    });
  }

  /** Turns automatic titles on or off and picks the model that writes them (empty: the default). */
  async setTitleOptions(enabled: boolean, model: string): Promise<boolean> {
    const m = model.trim() || DEFAULT_TITLES.model;
    return this.run('titles', async () => {
      if (!this.api.setTitleOptions) return;
      const chosen = await this.api.setTitleOptions(enabled, m);
      if (this.status) this.status.titles = chosen ?? { enabled, model: m };
    });
  }

  clearError(): void {
    this.error = null;
  }

  openExternal(url: string): void {
    this.api.openExternal?.(url);
  }

  private async run(what: Busy, fn: () => Promise<void>): Promise<boolean> {
    this.busy = what;
    this.error = null;
    try {
      await fn();
      return true;
    } catch (err) {
      this.error = toTurnError(err);
      return false;
    } finally {
      this.busy = '';
    }
  }

  async loadPresets(): Promise<void> {
    if (!this.api.promptPresets) return;
    try {
      this.presets = await this.api.promptPresets();
    } catch (err) {
      this.error = toTurnError(err);
    }
  }

  /** Replaces the presets; on refusal the list stays as it was and the reason is shown. */
  async savePresets(next: PromptPreset[]): Promise<boolean> {
    if (!this.api.setPromptPresets) return false;
    try {
      this.presets = await this.api.setPromptPresets(next);
      return true;
    } catch (err) {
      this.error = toTurnError(err);
      return false;
    }
  }
}
