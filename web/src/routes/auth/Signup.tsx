import { useState } from 'preact/hooks';
import { errorText, t } from '../../i18n';
import { signup } from '../../state/session';
import { AuthLayout, FormError } from './AuthLayout';

export function Signup() {
  const [form, setForm] = useState({ organizationName: '', name: '', email: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    if (form.password.length < 8) {
      setError(t('auth.passwordTooShort'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signup({ ...form, email: form.email.trim() });
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.signup.title')}>
      <form class="form" onSubmit={submit}>
        <FormError message={error} />
        <label class="field">
          <span>{t('auth.orgName')}</span>
          <input name="organizationName" required maxLength={120} autoComplete="organization" value={form.organizationName} onInput={set('organizationName')} autoFocus />
        </label>
        <label class="field">
          <span>{t('auth.name')}</span>
          <input name="name" required maxLength={120} autoComplete="name" value={form.name} onInput={set('name')} />
        </label>
        <label class="field">
          <span>{t('auth.email')}</span>
          <input type="email" name="email" required autoComplete="email" value={form.email} onInput={set('email')} />
        </label>
        <label class="field">
          <span>{t('auth.password')}</span>
          <input type="password" name="password" required maxLength={128} autoComplete="new-password" aria-describedby="pw-hint" value={form.password} onInput={set('password')} />
          <small id="pw-hint" class="hint">{t('auth.passwordHint')}</small>
        </label>
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? t('common.loading') : t('auth.signup.submit')}
        </button>
      </form>
      <p class="auth-links">
        {t('auth.signup.haveAccount')} <a href="/login">{t('auth.signup.loginLink')}</a>
      </p>
    </AuthLayout>
  );
}
