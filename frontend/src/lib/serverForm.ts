// The add/edit form of a tool server as text fields, and the ServerInput Go takes. One
// argument per line (spaces inside an argument are kept, so a path with spaces needs no
// quoting); one VAR=value per line; one "Header: value" per line.
import type { ServerInput } from './contract.gen';

export interface ServerForm {
  name: string;
  kind: 'command' | 'url';
  command: string;
  args: string;
  env: string;
  cwd: string;
  url: string;
  headers: string;
}

export const emptyForm = (): ServerForm => ({ name: '', kind: 'command', command: '', args: '', env: '', cwd: '', url: '', headers: '' });

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter((l) => l !== '');

/** The form as Go takes it, or the i18n key of the first line that cannot be read. */
export function toInput(f: ServerForm): { input: ServerInput } | { error: 'tools.form.errEnv' | 'tools.form.errHeader' } {
  const input: ServerInput = { name: f.name.trim() };
  if (f.kind === 'url') {
    input.url = f.url.trim();
    const headers = [];
    for (const l of lines(f.headers)) {
      const i = l.indexOf(':');
      if (i <= 0) return { error: 'tools.form.errHeader' };
      headers.push({ name: l.slice(0, i).trim(), value: l.slice(i + 1).trim() });
    }
    if (headers.length) input.headers = headers;
    return { input };
  }
  input.command = f.command.trim();
  const args = lines(f.args);
  if (args.length) input.args = args;
  const env: Record<string, string> = {};
  for (const l of lines(f.env)) {
    const i = l.indexOf('=');
    if (i <= 0) return { error: 'tools.form.errEnv' };
    env[l.slice(0, i).trim()] = l.slice(i + 1);
  }
  if (Object.keys(env).length) input.env = env;
  if (f.cwd.trim()) input.cwd = f.cwd.trim();
  return { input };
}

/** A stored server back into the form (for Edit). */
export function fromInput(s: ServerInput): ServerForm {
  return {
    name: s.name,
    kind: s.url ? 'url' : 'command',
    command: s.command ?? '',
    args: (s.args ?? []).join('\n'),
    env: Object.entries(s.env ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    cwd: s.cwd ?? '',
    url: s.url ?? '',
    headers: (s.headers ?? []).map((h) => `${h.name}: ${h.value}`).join('\n'),
  };
}
