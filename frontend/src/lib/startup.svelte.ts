// The start of the app: Go opens the history after the window is up (a first start after an
// upgrade can migrate it for tens of seconds). Until Go says it is ready, the window shows the
// progress it hears, and nothing else calls Go: those calls would answer `starting`.
import type { Backend } from './bridge';
import { EV_READY, EV_STARTUP, type StartupState } from './contract.gen';
import { toTurnError } from './errors';
import type { TurnError } from './types';

export type StartupBackend = Pick<Backend, 'startup' | 'onEvent'>;

export class StartupStore {
  state = $state<StartupState | null>(null);
  loadError = $state<TurnError | null>(null);
  readonly ready = $derived(this.state?.ready === true);
  readonly failed = $derived(this.state?.failed ?? '');

  private offs: (() => void)[] = [];
  private readyFired = false;

  constructor(
    private backend: StartupBackend,
    private onReady: () => void,
  ) {}

  /** Subscribes first, then asks: a ready event sent before the window listened is not missed. */
  async start(): Promise<void> {
    this.offs.push(
      this.backend.onEvent(EV_STARTUP, (s) => this.apply(s)),
      this.backend.onEvent(EV_READY, (s) => this.apply(s)),
    );
    try {
      this.apply(await this.backend.startup());
    } catch (err) {
      this.loadError = toTurnError(err);
    }
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private apply(s: StartupState): void {
    // Ready and failed are final: an older answer to startup() arriving late must not undo them.
    if (this.state?.ready || this.state?.failed) return;
    this.state = s;
    if (s.ready && !this.readyFired) {
      this.readyFired = true;
      this.onReady();
    }
  }
}

/** The share of the current step that is done, 0–100, or null when it cannot be measured. */
export function percent(s: StartupState): number | null {
  const { done, total } = s.progress;
  if (total <= 0) return null;
  return Math.min(100, Math.floor((done / total) * 100));
}

/** "0.2.0" → "0.2", the version as users name it; a dev build stays "dev". */
export function shortVersion(v: string): string {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? `${m[1]}.${m[2]}` : v;
}
