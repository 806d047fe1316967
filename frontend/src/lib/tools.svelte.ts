// The Settings → Tools store: mcp.json's state, the servers with their live status, and the
// actions that change them. Every change goes through Go, which validates and writes mcp.json.
import type { Backend } from './bridge';
import { EV_TOOLS_STATUS } from './contract.gen';
import type { CommandPreview, ServerInput, ServerStatus, ToolsOverview } from './contract.gen';
import { toTurnError } from './errors';
import type { TurnError } from './types';

export type ToolsBackend = Pick<
  Backend,
  | 'toolsOverview'
  | 'previewToolServer'
  | 'previewPastedToolServers'
  | 'addToolServer'
  | 'addPastedToolServers'
  | 'editToolServer'
  | 'toolServerInput'
  | 'removeToolServer'
  | 'setToolServerEnabled'
  | 'setToolEnabled'
  | 'setToolAutoApprove'
  | 'restartToolServer'
  | 'reloadToolsConfig'
  | 'replaceBrokenToolsConfig'
  | 'onEvent'
>;

export class ToolsStore {
  overview = $state<ToolsOverview | null>(null);
  /** The last action's failure, shown in the section. */
  error = $state<TurnError | null>(null);
  /** Something is waiting for Go; controls are disabled meanwhile. */
  busy = $state(false);

  private api: ToolsBackend;
  private unsub: (() => void) | null = null;

  constructor(api: ToolsBackend) {
    this.api = api;
  }

  /** Loads the page and follows servers' status changes until stop(). */
  async start(): Promise<void> {
    if (!this.unsub) this.unsub = this.api.onEvent(EV_TOOLS_STATUS, (s) => this.onStatus(s));
    await this.load();
  }

  stop(): void {
    this.unsub?.();
    this.unsub = null;
  }

  async load(): Promise<void> {
    try {
      this.overview = await this.api.toolsOverview();
      this.error = null;
    } catch (err) {
      this.error = toTurnError(err);
    }
  }

  private onStatus(s: ServerStatus): void {
    const o = this.overview;
    if (!o) return;
    const i = o.servers.findIndex((x) => x.name === s.name);
    if (s.state === 'removed') {
      if (i >= 0) o.servers.splice(i, 1);
    } else if (i >= 0) o.servers[i] = s;
    else o.servers.push(s);
  }

  /** Runs one action; resolves with its result, or null when Go refused (see error). */
  private async run<T>(fn: () => Promise<T>, reload = false): Promise<T | null> {
    this.busy = true;
    this.error = null;
    try {
      const out = await fn();
      if (reload) await this.load();
      return out;
    } catch (err) {
      this.error = toTurnError(err);
      return null;
    } finally {
      this.busy = false;
    }
  }

  private put(s: ServerStatus | null): boolean {
    if (!s) return false;
    this.onStatus(s);
    return true;
  }

  dismissError(): void {
    this.error = null;
  }

  preview(s: ServerInput): Promise<CommandPreview | null> {
    return this.run(() => this.api.previewToolServer(s));
  }

  previewPasted(text: string, name: string): Promise<CommandPreview[] | null> {
    return this.run(() => this.api.previewPastedToolServers(text, name));
  }

  async add(s: ServerInput): Promise<boolean> {
    return this.put(await this.run(() => this.api.addToolServer(s)));
  }

  async addPasted(text: string, name: string): Promise<boolean> {
    return (await this.run(() => this.api.addPastedToolServers(text, name), true)) !== null;
  }

  input(name: string): Promise<ServerInput | null> {
    return this.run(() => this.api.toolServerInput(name));
  }

  async edit(name: string, s: ServerInput): Promise<boolean> {
    return this.put(await this.run(() => this.api.editToolServer(name, s)));
  }

  async remove(name: string): Promise<boolean> {
    return (await this.run(() => this.api.removeToolServer(name), true)) !== null;
  }

  async setServerEnabled(name: string, on: boolean): Promise<boolean> {
    return this.put(await this.run(() => this.api.setToolServerEnabled(name, on)));
  }

  async setToolEnabled(server: string, tool: string, on: boolean): Promise<boolean> {
    return this.put(await this.run(() => this.api.setToolEnabled(server, tool, on)));
  }

  async setAutoApprove(server: string, tool: string, on: boolean): Promise<boolean> {
    return this.put(await this.run(() => this.api.setToolAutoApprove(server, tool, on)));
  }

  async restart(name: string): Promise<boolean> {
    return this.put(await this.run(() => this.api.restartToolServer(name)));
  }

  async reload(): Promise<boolean> {
    return (await this.run(() => this.api.reloadToolsConfig(), true)) !== null;
  }

  /** Resolves with where the broken file went, or null. */
  replaceBroken(): Promise<string | null> {
    return this.run(() => this.api.replaceBrokenToolsConfig(), true);
  }
}
