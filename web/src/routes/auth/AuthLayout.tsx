import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { LanguageSelect } from '../../components/LanguageSelect';
import { t } from '../../i18n';

/** The frame of the pages people see before logging in. */
export function AuthLayout({ title, children }: { title: string; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title]);
  return (
    <div class="auth">
      <main class="auth-card" id="main">
        <div class="auth-brand">
          <span class="brand-mark" aria-hidden="true">C</span>
          <div>
            <p class="brand-name">{t('app.name')}</p>
            <p class="muted">{t('app.tagline')}</p>
          </div>
        </div>
        <h1>{title}</h1>
        {children}
      </main>
      <div class="auth-foot">
        <LanguageSelect />
      </div>
    </div>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="alert alert-error" role="alert">
      {message}
    </p>
  );
}
