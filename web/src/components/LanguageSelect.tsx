import { locale, setLocale, t, type Locale } from '../i18n';

export function LanguageSelect({ compact = false }: { compact?: boolean }) {
  return (
    <label class={compact ? 'lang lang-compact' : 'lang'}>
      <span class={compact ? 'sr-only' : ''}>{t('lang.label')}</span>
      <select title={t('lang.label')} value={locale.value} onChange={(e) => setLocale(e.currentTarget.value as Locale)} data-testid="language">
        <option value="pt-BR">{compact ? 'PT' : t('lang.pt-BR')}</option>
        <option value="en">{compact ? 'EN' : t('lang.en')}</option>
      </select>
    </label>
  );
}
