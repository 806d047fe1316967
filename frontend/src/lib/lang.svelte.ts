// The UI language as reactive state: t() reads it, so every string re-renders when it changes.
export type Lang = 'en' | 'zh';

/** Chinese for any zh* locale (zh-CN, zh-TW, zh-Hans…), English otherwise. */
export function pickLang(locale: string | undefined | null): Lang {
  return (locale ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function systemLang(): Lang {
  return pickLang(typeof navigator !== 'undefined' ? navigator.language : 'en');
}

const current = $state<{ lang: Lang }>({ lang: systemLang() });

/** The current language; reading it inside a component or $derived tracks it. */
export function getLang(): Lang {
  return current.lang;
}

/** Switches the UI language at runtime ('system' follows navigator.language). */
export function setLanguage(l: Lang | 'system'): void {
  const next = l === 'system' ? systemLang() : l;
  if (current.lang !== next) current.lang = next;
  if (typeof document !== 'undefined') document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

/** The BCP 47 locale for Intl formatting. */
export function locale(l: Lang = current.lang): string {
  return l === 'zh' ? 'zh-CN' : 'en-US';
}
