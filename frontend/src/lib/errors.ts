// Turns whatever a bound call rejected with, or an error event carried, into a TurnError.
import type { TurnError } from './types';

import { ERROR_KINDS } from './contract.gen';

export { ERROR_KINDS };

export type ErrorKind = (typeof ERROR_KINDS)[number];

const KNOWN = new Set<string>(ERROR_KINDS);

export function isKnownKind(kind: string): kind is ErrorKind {
  return KNOWN.has(kind);
}

/** Kinds the user fixes in the settings panel (key or region). */
export function wantsSettings(kind: string): boolean {
  return kind === 'auth' || kind === 'no_key' || kind === 'keychain' || kind === 'model_not_found';
}

function fromObject(o: Record<string, unknown>): TurnError | null {
  if (typeof o.kind !== 'string' && typeof o.message !== 'string') return null;
  return {
    kind: typeof o.kind === 'string' ? o.kind : '',
    message: typeof o.message === 'string' ? o.message : '',
    requestIdFromServer:
      typeof o.requestIdFromServer === 'string'
        ? o.requestIdFromServer
        : typeof o.requestId === 'string'
          ? o.requestId
          : '',
  };
}

/**
 * Wails rejects a bound call with the Go error's text. Go may encode the kind as JSON
 * (`{"kind":"auth","message":"…"}`) or as a `kind: message` prefix; anything else has no kind.
 */
export function toTurnError(err: unknown): TurnError {
  if (err && typeof err === 'object' && !(err instanceof Error)) {
    const e = fromObject(err as Record<string, unknown>);
    if (e) return e;
  }
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err ?? '');
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const e = fromObject(JSON.parse(trimmed) as Record<string, unknown>);
      if (e) return e;
    } catch {
      // not JSON: fall through to the plain-text forms
    }
  }
  const m = /^([a-z_]+):\s*([\s\S]*)$/.exec(trimmed);
  if (m && isKnownKind(m[1])) return { kind: m[1], message: m[2], requestIdFromServer: '' };
  return { kind: '', message: trimmed, requestIdFromServer: '' };
}
