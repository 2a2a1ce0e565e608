import { useEffect, useState } from 'preact/hooks';
import { del, get, patch, post } from '../../api/client';
import type { Invitation, Member, Page, Role, TeamMember } from '../../api/types';
import { errorText, locale, t } from '../../i18n';
import { dateOnly, dateTime } from '../../lib/format';
import { loadMembers, presenceOf, team } from '../../state/members';
import { userId } from '../../state/session';
import { Heading, Notice } from './common';

const ROLES: Role[] = ['agent', 'manager', 'tenant_admin'];

export function Members() {
  const [list, setList] = useState<Member[] | null>(null);
  const [invites, setInvites] = useState<Invitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [inviteNote, setInviteNote] = useState<{ error?: string; ok?: string } | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      const [m, i] = await Promise.all([get<Page<Member>>('/api/v1/members'), get<Page<Invitation>>('/api/v1/invitations')]);
      setList(m.data);
      setInvites(i.data);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => {
    void load();
    // Fresh presence for the badges (who is online now) and each member's satisfaction average.
    void loadMembers(true);
  }, []);

  const run = async (fn: () => Promise<unknown>, message?: string) => {
    setError(null);
    setOk(null);
    try {
      await fn();
      if (message) setOk(message);
      await load();
      void loadMembers(true);
    } catch (err) {
      setError(errorText(err));
      await load();
    }
  };

  const invite = async (e: Event) => {
    e.preventDefault();
    const address = email.trim();
    setBusy(true);
    setInviteNote(null);
    try {
      await post('/api/v1/invitations', { email: address, role });
      setInviteNote({ ok: t('members.invited', { email: address }) });
      setEmail('');
      await load();
    } catch (err) {
      setInviteNote({ error: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const me = userId.value;
  return (
    <div class="stack">
      <Heading>{t('members.title')}</Heading>
      <Notice error={error} ok={ok} />
      {list === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table table-stack" data-testid="members-table">
            <thead>
              <tr>
                <th scope="col">{t('members.name')}</th>
                <th scope="col">{t('members.email')}</th>
                <th scope="col">{t('members.role')}</th>
                <th scope="col">{t('members.lastLogin')}</th>
                <th scope="col">{t('csat.column')}</th>
                <th scope="col">
                  <span class="sr-only">{t('common.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => {
                const name = m.name ?? m.email;
                return (
                  <tr key={m.userId} data-email={m.email}>
                    <td data-label={t('members.name')}>
                      {name}
                      {m.userId === me ? ` (${t('common.you')})` : ''}
                      {presenceOf(m.userId) && (
                        <span class={`presence presence-${presenceOf(m.userId)}`} data-testid="presence-badge">
                          {t(`presence.${presenceOf(m.userId)!}`)}
                        </span>
                      )}
                    </td>
                    <td data-label={t('members.email')} class="cell-break">
                      {m.email}
                    </td>
                    <td data-label={t('members.role')}>
                      <select
                        aria-label={t('members.changeRole', { name })}
                        value={m.role}
                        onChange={(e) => void run(() => patch(`/api/v1/members/${m.userId}`, { role: e.currentTarget.value }), t('members.roleChanged'))}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {t(`role.${r}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td data-label={t('members.lastLogin')}>{m.lastLoginAt ? dateTime(m.lastLoginAt) : t('members.never')}</td>
                    <td data-label={t('csat.column')} data-testid="member-csat">
                      {csatText(team.value?.find((x) => x.id === m.userId)?.csat ?? null)}
                    </td>
                    <td class="cell-actions">
                      {m.userId !== me && (
                        <button
                          type="button"
                          class="btn btn-small btn-danger"
                          aria-label={t('members.remove', { name })}
                          onClick={() => confirm(t('members.removeConfirm', { name })) && void run(() => del(`/api/v1/members/${m.userId}`))}
                        >
                          {t('common.remove')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <form class="card form" onSubmit={invite} data-testid="invite-form">
        <h3>{t('members.invite')}</h3>
        <div class="field-row">
          <label class="field grow">
            <span>{t('auth.email')}</span>
            <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoComplete="off" />
          </label>
          <label class="field">
            <span>{t('members.role')}</span>
            <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <Notice error={inviteNote?.error} ok={inviteNote?.ok} />
        <div>
          <button class="btn btn-primary" type="submit" disabled={busy}>
            {t('members.inviteSubmit')}
          </button>
        </div>
      </form>

      <section class="card" aria-labelledby="pending-title">
        <h3 id="pending-title">{t('members.pending')}</h3>
        {invites.length === 0 ? (
          <p class="muted">{t('members.noPending')}</p>
        ) : (
          <ul class="plain-list" data-testid="pending-invitations">
            {invites.map((i) => (
              <li key={i.id}>
                <span>
                  <strong>{i.email}</strong> · {t(`role.${i.role}`)} · <span class="muted">{t('members.expires', { time: dateOnly(i.expiresAt) })}</span>
                </span>
                <button type="button" class="btn btn-small" onClick={() => void run(() => del(`/api/v1/invitations/${i.id}`))}>
                  {t('members.revoke')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** The /api/v1/team average, as "4.5 de 5 (12 avaliações)". */
function csatText(csat: TeamMember['csat']): string {
  if (!csat?.count || csat.average === null) return t('csat.none');
  return t('csat.average', { average: csat.average.toLocaleString(locale.value, { maximumFractionDigits: 1 }), count: csat.count });
}
