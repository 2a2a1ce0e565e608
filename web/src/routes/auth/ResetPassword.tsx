import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { post } from '../../api/client';
import { errorText, t } from '../../i18n';
import { AuthLayout, FormError } from './AuthLayout';

export function ResetPassword() {
  const { query } = useLocation();
  const token = query.token ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (password.length < 8) return setError(t('auth.passwordTooShort'));
    if (password !== confirm) return setError(t('auth.passwordMismatch'));
    setBusy(true);
    setError(null);
    try {
      await post('/api/v1/auth/password-reset/confirm', { token, password }, { auth: false });
      setDone(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.reset.title')}>
      {!token ? (
        <p class="alert alert-error" role="alert">
          {t('auth.reset.noToken')}
        </p>
      ) : done ? (
        <p class="alert alert-success" role="status">
          {t('auth.reset.done')}
        </p>
      ) : (
        <form class="form" onSubmit={submit}>
          <FormError message={error} />
          <label class="field">
            <span>{t('auth.newPassword')}</span>
            <input type="password" name="password" required maxLength={128} autoComplete="new-password" aria-describedby="pw-hint" value={password} onInput={(e) => setPassword(e.currentTarget.value)} autoFocus />
            <small id="pw-hint" class="hint">{t('auth.passwordHint')}</small>
          </label>
          <label class="field">
            <span>{t('auth.confirmPassword')}</span>
            <input type="password" name="confirm" required autoComplete="new-password" value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
          </label>
          <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
            {t('auth.reset.submit')}
          </button>
        </form>
      )}
      <p class="auth-links">
        <a href={done ? '/login' : '/forgot-password'}>{done ? t('auth.forgot.backToLogin') : t('auth.forgot.title')}</a>
      </p>
    </AuthLayout>
  );
}
