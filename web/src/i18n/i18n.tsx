// UI strings per language (web/src/i18n/<lng>.json, flat keys; every key in every file, checked by
// tests/web/i18n.test.ts). The chosen language is remembered in the browser and sets <html lang>.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import en from './en.json';
import km from './km.json';
import lo from './lo.json';
import es from './es.json';

export type Lang = 'en' | 'km' | 'lo' | 'es';
export type Key = keyof typeof en;
const BUNDLES: Record<Lang, Record<string, string>> = { en, km, lo, es };
export const LANGUAGES: { code: Lang; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'km', name: 'ខ្មែរ' },
  { code: 'lo', name: 'ລາວ' },
  { code: 'es', name: 'Español' },
];

type Vars = Record<string, string | number>;
interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: Key, vars?: Vars): string;
}

const Ctx = createContext<I18n | null>(null);

function initial(): Lang {
  const saved = localStorage.getItem('hl-lang');
  if (saved && saved in BUNDLES) return saved as Lang;
  const nav = navigator.language.slice(0, 2);
  return nav in BUNDLES ? (nav as Lang) : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initial);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('hl-lang', l);
    setLangState(l);
  }, []);
  const t = useCallback(
    (key: Key, vars?: Vars) => {
      const text = BUNDLES[lang][key] ?? en[key] ?? key;
      return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : text;
    },
    [lang],
  );
  const value = useMemo(() => ({ lang, setLang, t }), [lang, setLang, t]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
