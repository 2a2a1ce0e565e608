// A number connected by QR code (Evolution API): its connection state, the QR code while it waits to be scanned
// (refreshed live from the server's qrcode.updated events), a new QR code on demand, and removal.
import { useState } from 'preact/hooks';
import { del, post } from '../../api/client';
import type { Channel } from '../../api/types';
import { errorText, t } from '../../i18n';
import { formatPhone } from '../../lib/format';
import { Notice } from './common';

export function EvolutionChannelCard({ channel: c, onChange }: { channel: Channel; onChange: (c: Channel) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<{ channel: Channel }>) => {
    setBusy(true);
    setError(null);
    try {
      onChange((await fn()).channel);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const state = c.status === 'disabled' && !c.instanceName ? 'close' : (c.connectionState ?? 'connecting');
  return (
    <li class="card channel channel-evolution" data-testid="evolution-channel" data-state={state}>
      <div class="stack">
        <p class="channel-name">
          <strong>{c.name}</strong> <span class={`chip chip-state-${state}`} data-testid="connection-state">{t(`channels.state.${state}`)}</span>{' '}
          <span class="muted small">{t('channels.provider.evolution')}</span>
        </p>
        {c.displayPhoneNumber && <p>{formatPhone(c.displayPhoneNumber)}</p>}
        <p class="muted small">
          {c.instanceName ?? '—'} · {t('channels.perMinute', { n: c.sendRatePerMinute })}
        </p>
        {c.silent && (
          <p class="alert alert-warn" role="status" data-testid="channel-silent">
            {t('channels.silent', { minutes: c.silentAfterMinutes })}
          </p>
        )}
        {state === 'connecting' && c.qrCode && (
          <figure class="qr" data-testid="qr">
            <img src={c.qrCode} alt={t('channels.qrAlt', { name: c.name })} width={264} height={264} />
            <figcaption class="muted small">{t('channels.scan')}</figcaption>
          </figure>
        )}
        <Notice error={error} />
      </div>
      <div class="channel-actions">
        {c.instanceName && state !== 'open' && (
          <button type="button" class="btn btn-small" disabled={busy} onClick={() => void run(() => post(`/api/v1/channels/${c.id}/reconnect`, {}))} data-testid="new-qr">
            {t('channels.newQr')}
          </button>
        )}
        {c.instanceName && (
          <button
            type="button"
            class="btn btn-small btn-danger"
            disabled={busy}
            onClick={() => confirm(t('channels.removeConfirm', { name: c.name })) && void run(() => del(`/api/v1/channels/${c.id}`))}
            data-testid="remove-channel"
          >
            {t('channels.remove')}
          </button>
        )}
      </div>
    </li>
  );
}

const slug = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48);

export function EvolutionConnectForm({ onCreated }: { onCreated: (c: Channel) => void }) {
  const [name, setName] = useState('');
  const [instance, setInstance] = useState('');
  const [edited, setEdited] = useState(false);
  const [rate, setRate] = useState(20);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const instanceName = edited ? instance : slug(name);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setOk(null);
    try {
      const { channel } = await post<{ channel: Channel }>('/api/v1/channels', { provider: 'evolution', name: name.trim(), instanceName, sendRatePerMinute: rate });
      onCreated(channel);
      setName('');
      setInstance('');
      setEdited(false);
      setOk(t('channels.qrCreated'));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" onSubmit={submit} data-testid="evolution-form">
      <h3>{t('channels.connectQr')}</h3>
      <p class="muted">{t('channels.connectQrIntro')}</p>
      <label class="field">
        <span>{t('channels.name')}</span>
        <input required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="evolution-name" />
      </label>
      <label class="field">
        <span>{t('channels.instanceName')}</span>
        <input
          required
          pattern="[A-Za-z0-9_\-]{1,64}"
          maxLength={64}
          value={instanceName}
          aria-describedby="instance-hint"
          onInput={(e) => {
            setEdited(true);
            setInstance(e.currentTarget.value);
          }}
          data-testid="evolution-instance"
        />
        <small class="hint" id="instance-hint">
          {t('channels.instanceHint')}
        </small>
      </label>
      <label class="field">
        <span>{t('channels.rate')}</span>
        <input type="number" min={1} max={600} required value={rate} aria-describedby="rate-hint" onInput={(e) => setRate(Number(e.currentTarget.value))} />
        <small class="hint" id="rate-hint">
          {t('channels.rateHint')}
        </small>
      </label>
      <Notice error={error} ok={ok} />
      <div>
        <button class="btn btn-primary" type="submit" disabled={busy || !instanceName} data-testid="evolution-submit">
          {t('channels.qrConnect')}
        </button>
      </div>
    </form>
  );
}
