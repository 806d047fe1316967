import { describe, expect, it } from 'vitest';
import { toTurnError } from '../src/lib/errors';

describe('toTurnError', () => {
  it.each([
    ['plain string', 'something broke', { kind: '', message: 'something broke', requestIdFromServer: '' }],
    ['kind prefix', 'auth: invalid api key', { kind: 'auth', message: 'invalid api key', requestIdFromServer: '' }],
    ['unknown prefix stays text', 'dial tcp: timeout', { kind: '', message: 'dial tcp: timeout', requestIdFromServer: '' }],
    [
      'JSON text',
      '{"kind":"quota","message":"used up","requestIdFromServer":"abc"}',
      { kind: 'quota', message: 'used up', requestIdFromServer: 'abc' },
    ],
    ['Error object', new Error('network: offline'), { kind: 'network', message: 'offline', requestIdFromServer: '' }],
    ['object', { kind: 'billing', message: 'overdue' }, { kind: 'billing', message: 'overdue', requestIdFromServer: '' }],
    [
      // formatError returns this JSON string; Wails 2.16 rejects with new Error(it).
      "a bound call's failure as Wails 2.16 rejects it",
      new Error('{"kind":"storage","message":"The history file could not be read or written: disk full"}'),
      { kind: 'storage', message: 'The history file could not be read or written: disk full', requestIdFromServer: '' },
    ],
  ])('%s', (_name, input, want) => {
    expect(toTurnError(input)).toEqual(want);
  });
});
