import { useState } from 'preact/hooks';
import { post } from '../../api/client';
import { errorText, t } from '../../i18n';
import { AuthLayout, FormError } from './AuthLayout';

export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/v1/auth/password-reset/request', { email: email.trim() }, { auth: false });
      setSent(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.forgot.title')}>
      {sent ? (
        <p class="alert alert-success" role="status">
          {t('auth.forgot.sent')}
        </p>
      ) : (
        <form class="form" onSubmit={submit}>
          <p class="muted">{t('auth.forgot.intro')}</p>
          <FormError message={error} />
          <label class="field">
            <span>{t('auth.email')}</span>
            <input type="email" name="email" required autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoFocus />
          </label>
          <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
            {t('auth.forgot.submit')}
          </button>
        </form>
      )}
      <p class="auth-links">
        <a href="/login">{t('auth.forgot.backToLogin')}</a>
      </p>
    </AuthLayout>
  );
}
