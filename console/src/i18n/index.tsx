// The console's language: en or zh, chosen in the top bar and remembered in localStorage
// (first visit: the browser's language). t() looks a key up and fills {name} slots;
// Cloudscape's own strings follow through its I18nProvider.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { I18nProvider } from '@cloudscape-design/components/i18n';
import cloudscapeEn from '@cloudscape-design/components/i18n/messages/all.en';
import cloudscapeZh from '@cloudscape-design/components/i18n/messages/all.zh-CN';
import { en, type MessageKey } from './en';
import { zh } from './zh';

export type Lang = 'en' | 'zh';
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const STORAGE_KEY = 'dth.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, zh };

export function format(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export function initialLang(): Lang {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  if (saved === 'en' || saved === 'zh') return saved;
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('zh')
    ? 'zh'
    : 'en';
}

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const LangContext = createContext<LangState | null>(null);

export function LanguageRoot({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  }, []);
  // No document when rendered outside a browser (the components' unit tests).
  if (typeof document !== 'undefined') document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  const t = useCallback<Translate>(
    (key, vars) => format(dictionaries[lang][key] ?? en[key], vars),
    [lang],
  );
  const value = useMemo(() => ({ lang, setLang, t }), [lang, setLang, t]);
  return (
    <LangContext.Provider value={value}>
      <I18nProvider locale={lang === 'zh' ? 'zh-CN' : 'en'} messages={[lang === 'zh' ? cloudscapeZh : cloudscapeEn]}>
        {children}
      </I18nProvider>
    </LangContext.Provider>
  );
}

export function useLang(): LangState {
  const state = useContext(LangContext);
  if (!state) throw new Error('useLang outside LanguageRoot');
  return state;
}

export function useT(): Translate {
  return useLang().t;
}
