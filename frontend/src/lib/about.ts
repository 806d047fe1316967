import type { BuildInfo } from './types';

/**
 * The one-line description of a build a user pastes into a bug report; the same text
 * `qwendesk --version` prints (buildinfo.Info.String in Go).
 */
export function buildSummary(b: BuildInfo): string {
  const parts: string[] = [];
  if (b.commit) parts.push(`commit ${b.commit}${b.modified ? ' (modified)' : ''}`);
  parts.push(b.goVersion);
  if (b.wails) parts.push(`Wails ${b.wails}`);
  parts.push(b.platform);
  return `${b.product} ${b.version} (${parts.join(', ')})`;
}
