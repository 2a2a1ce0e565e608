import { useEffect, useState } from 'preact/hooks';
import { apiOrigin, get, patch, post } from '../../api/client';
import type { Channel, Page } from '../../api/types';
import { errorText, t } from '../../i18n';
import { formatPhone } from '../../lib/format';
import { onInboxEvent } from '../../state/realtime';
import { CopyField, Heading, Notice } from './common';
import { EvolutionChannelCard, EvolutionConnectForm } from './EvolutionChannel';

/** While a QR code waits to be scanned, the list is also re-read this often (in case the live socket is down). */
const CONNECTING_POLL_MS = 5_000;

const EMPTY = { name: '', phoneNumberId: '', wabaId: '', displayPhoneNumber: '', accessToken: '' };

export function Channels() {
  const [list, setList] = useState<Channel[] | null>(null);
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    get<Page<Channel>>('/api/v1/channels').then(
      (r) => setList(r.data),
      (err: unknown) => setError(errorText(err)),
    );
  useEffect(() => {
    void load();
    // QR codes and connection states arrive live (channel.updated on the inbox socket).
    return onInboxEvent((e) => {
      if (e.type === 'channel.updated') upsert((e.data as { channel: Channel }).channel);
    });
  }, []);
  const connecting = list?.some((c) => c.provider === 'evolution' && c.status === 'active' && c.connectionState !== 'open') ?? false;
  useEffect(() => {
    if (!connecting) return;
    const timer = setInterval(() => void load(), CONNECTING_POLL_MS);
    return () => clearInterval(timer);
  }, [connecting]);

  const upsert = (channel: Channel) =>
    setList((current) => {
      const others = (current ?? []).filter((c) => c.id !== channel.id);
      return [...others, channel].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    });

  const set = (k: keyof typeof EMPTY) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });

  const connect = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFormError(null);
    setOk(null);
    try {
      await post('/api/v1/channels', {
        provider: 'meta_cloud',
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
        phoneNumberId: form.phoneNumberId.trim(),
        wabaId: form.wabaId.trim(),
        displayPhoneNumber: form.displayPhoneNumber.trim(),
        accessToken: form.accessToken.trim(),
      });
      setForm(EMPTY);
      setOk(t('channels.connected'));
      await load();
    } catch (err) {
      setFormError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (c: Channel) => {
    setError(null);
    try {
      await patch(`/api/v1/channels/${c.id}`, { status: c.status === 'active' ? 'disabled' : 'active' });
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="stack">
      <Heading>{t('channels.title')}</Heading>
      <Notice error={error} />
      <section class="card" aria-labelledby="webhook-title" data-testid="webhook-box">
        <h3 id="webhook-title">{t('channels.webhook')}</h3>
        <p class="muted">{t('channels.webhookIntro')}</p>
        <CopyField label={t('channels.webhookUrl')} value={`${apiOrigin()}/webhooks/whatsapp`} testId="webhook-url" />
        <p class="field">
          <span>{t('channels.verifyToken')}</span>
          <span class="muted">
            {t('channels.verifyTokenValue')} <span class="small">({t('channels.forTechTeam')} <code>META_VERIFY_TOKEN</code>)</span>
          </span>
        </p>
      </section>
      {list === null ? (
        !error && <p aria-busy="true">{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p class="muted">{t('channels.none')}</p>
      ) : (
        <ul class="cards" data-testid="channel-list">
          {list.map((c) =>
            c.provider === 'evolution' ? (
              <EvolutionChannelCard key={c.id} channel={c} onChange={upsert} />
            ) : (
            <li class="card channel" key={c.id}>
              <div>
                <p class="channel-name">
                  <strong>{c.name}</strong> <span class={`chip chip-${c.status}`}>{t(`channels.status.${c.status}`)}</span>
                </p>
                <p>{formatPhone(c.displayPhoneNumber)}</p>
                <p class="muted small">{t('channels.ids', { phone: c.phoneNumberId ?? '—', waba: c.wabaId ?? '—' })}</p>
              </div>
              <button type="button" class="btn btn-small" onClick={() => void toggle(c)}>
                {c.status === 'active' ? t('channels.disable') : t('channels.enable')}
              </button>
            </li>
            ),
          )}
        </ul>
      )}
      <EvolutionConnectForm onCreated={upsert} />
      <form class="card form" onSubmit={connect} data-testid="channel-form">
        <h3>{t('channels.connect')}</h3>
        <p class="muted">{t('channels.connectIntro')}</p>
        <label class="field">
          <span>
            {t('channels.name')} <span class="muted">{t('common.optional')}</span>
          </span>
          <input maxLength={80} value={form.name} onInput={set('name')} />
        </label>
        <div class="field-row">
          <label class="field">
            <span>{t('channels.phoneNumberId')}</span>
            <input required inputMode="numeric" pattern="\d+" maxLength={32} value={form.phoneNumberId} onInput={set('phoneNumberId')} />
          </label>
          <label class="field">
            <span>{t('channels.wabaId')}</span>
            <input required inputMode="numeric" pattern="\d+" maxLength={32} value={form.wabaId} onInput={set('wabaId')} />
          </label>
        </div>
        <label class="field">
          <span>{t('channels.displayPhoneNumber')}</span>
          <input required type="tel" minLength={3} maxLength={32} placeholder="+55 11 4000-0000" value={form.displayPhoneNumber} onInput={set('displayPhoneNumber')} />
        </label>
        <label class="field">
          <span>{t('channels.accessToken')}</span>
          <input required type="password" autoComplete="off" minLength={10} maxLength={1024} aria-describedby="token-hint" value={form.accessToken} onInput={set('accessToken')} />
          <small class="hint" id="token-hint">
            {t('channels.accessTokenHint')}
          </small>
        </label>
        <Notice error={formError} ok={ok} />
        <div>
          <button class="btn btn-primary" type="submit" disabled={busy}>
            {t('channels.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}
