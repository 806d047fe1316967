// Syntax highlighting for closed code fences: highlight.js core with a curated set of languages
// registered explicitly (the full build would add ~900 KB; these cover what models write most).
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = {
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  kotlin,
  markdown,
  plaintext,
  python,
  rust,
  shell,
  sql,
  swift,
  typescript,
  xml,
  yaml,
};
for (const [name, def] of Object.entries(languages)) hljs.registerLanguage(name, def);
// A few spellings the language definitions don't alias themselves.
hljs.registerAliases(['sh', 'zsh', 'bash-session'], { languageName: 'bash' });
hljs.registerAliases(['console', 'shellsession', 'terminal'], { languageName: 'shell' });
hljs.registerAliases(['html', 'svg', 'vue'], { languageName: 'xml' });
hljs.registerAliases(['golang'], { languageName: 'go' });
hljs.registerAliases(['text', 'txt', 'plain'], { languageName: 'plaintext' });

/** The registered language for a fence's info string, or '' when none fits. */
export function languageFor(lang: string): string {
  const l = lang.trim().toLowerCase();
  if (!l) return '';
  return hljs.getLanguage(l) ? l : '';
}

/** Highlighted HTML (highlight.js escapes the code), or null when the language isn't registered. */
export function highlight(code: string, lang: string): string | null {
  const l = languageFor(lang);
  if (!l) return null;
  try {
    return hljs.highlight(code, { language: l, ignoreIllegals: true }).value;
  } catch {
    return null;
  }
}
