import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client';
import type { InvitationLookup } from '../../api/types';
import { errorText, t } from '../../i18n';
import { acceptInvitation } from '../../state/session';
import { AuthLayout, FormError } from './AuthLayout';

export function AcceptInvite() {
  const { query, route } = useLocation();
  const token = query.token ?? '';
  const [invite, setInvite] = useState<InvitationLookup | 'invalid' | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!token) return;
    api<InvitationLookup>('GET', '/api/v1/invitations/lookup', { query: { token }, auth: false }).then(setInvite, (err: unknown) => {
      if (err instanceof ApiError && err.status === 404) setInvite('invalid');
      else setError(errorText(err));
    });
  }, [token]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (invite === null || invite === 'invalid') return;
    if (!invite.accountExists && password.length < 8) return setError(t('auth.passwordTooShort'));
    setBusy(true);
    setError(null);
    try {
      await acceptInvitation({ token, password, ...(invite.accountExists ? {} : { name: name.trim() }) });
      route('/inbox', true);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.invite.title')}>
      {!token ? (
        <p class="alert alert-error" role="alert">
          {t('auth.invite.noToken')}
        </p>
      ) : invite === 'invalid' ? (
        <p class="alert alert-error" role="alert">
          {t('auth.invite.invalid')}
        </p>
      ) : invite === null ? (
        error ? <FormError message={error} /> : <p aria-busy="true">{t('common.loading')}</p>
      ) : (
        <form class="form" onSubmit={submit}>
          <p>{t('auth.invite.intro', { org: invite.organization.name, role: t(`role.${invite.role}`) })}</p>
          {invite.accountExists && <p class="muted">{t('auth.invite.existing', { org: invite.organization.name })}</p>}
          <FormError message={error} />
          <label class="field">
            <span>{t('auth.email')}</span>
            <input type="email" value={invite.email} readOnly autoComplete="username" />
          </label>
          {!invite.accountExists && (
            <label class="field">
              <span>{t('auth.name')}</span>
              <input name="name" required maxLength={120} autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} autoFocus />
            </label>
          )}
          <label class="field">
            <span>{invite.accountExists ? t('auth.password') : t('auth.newPassword')}</span>
            <input
              type="password"
              name="password"
              required
             
              maxLength={128}
              autoComplete={invite.accountExists ? 'current-password' : 'new-password'}
              aria-describedby={invite.accountExists ? undefined : 'pw-hint'}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            {!invite.accountExists && <small id="pw-hint" class="hint">{t('auth.passwordHint')}</small>}
          </label>
          <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
            {busy ? t('common.loading') : t('auth.invite.submit')}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
