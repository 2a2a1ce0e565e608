import { useState } from 'preact/hooks';
import { errorText, t } from '../../i18n';
import { endedReason, login } from '../../state/session';
import { AuthLayout, FormError } from './AuthLayout';

export function Login() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ended = endedReason.value;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.login.title')}>
      {ended && !error && (
        <p class="alert alert-info" role="status">
          {ended === 'refresh_token_reused' || ended === 'membership_revoked' ? errorText({ code: ended, message: '', status: 401 }) : t('auth.login.sessionEnded')}
        </p>
      )}
      <form class="form" onSubmit={submit} noValidate={false}>
        <FormError message={error} />
        <label class="field">
          <span>{t('auth.email')}</span>
          <input type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoFocus />
        </label>
        <label class="field">
          <span>{t('auth.password')}</span>
          <input type="password" name="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? t('common.loading') : t('auth.login.submit')}
        </button>
      </form>
      <p class="auth-links">
        <a href="/forgot-password">{t('auth.login.forgot')}</a>
      </p>
      <p class="auth-links">
        {t('auth.login.noAccount')} <a href="/signup">{t('auth.login.signupLink')}</a>
      </p>
    </AuthLayout>
  );
}
