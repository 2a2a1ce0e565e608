// Settings → Webhooks: where Conversa posts the organisation's events (signed; docs/webhooks.md). Register a URL with
// the events it wants (the signing secret is shown once, and again only by rotating it), pause or resume it, read its
// delivery log (each attempt's status, latency and answer) and replay a delivery. The server refuses plain-http and
// private addresses; an endpoint failing for a day is disabled and shows why.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, patch, post } from '../../api/client';
import type { WebhookDelivery, WebhookEndpoint } from '../../api/types';
import { errorText, t, type MessageKey } from '../../i18n';
import { dateTime } from '../../lib/format';
import { WEBHOOK_EVENT_TYPES } from '../../../../worker/webhooks-out/event-types';
import { CopyField, describedBy, Field, fieldErrors, focusFirst, Heading, Notice, SaveCancel, useEditableList, type FieldErrors } from './common';

const FIELDS = ['url', 'events', 'description'] as const;
/** Each resource's events, then its wildcard (`deal.*` also covers event types added later). */
const GROUPS = [...new Set(WEBHOOK_EVENT_TYPES.map((e) => e.split('.')[0]!))].map((resource) => ({
  resource,
  events: WEBHOOK_EVENT_TYPES.filter((e) => e.startsWith(`${resource}.`)),
}));

export function Webhooks() {
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const load = async () => setEndpoints((await get<{ data: WebhookEndpoint[] }>('/api/v1/webhook-endpoints')).data);
  const ed = useEditableList<WebhookEndpoint>(load);
  useEffect(() => {
    load().catch((err) => ed.setError(errorText(err)));
  }, []);

  const act = async (run: () => Promise<void>, done: string) => {
    ed.setError(null);
    try {
      await run();
      await ed.saved(done);
    } catch (err) {
      ed.setError(errorText(err));
    }
  };
  const toggle = (e: WebhookEndpoint) =>
    act(async () => void (await patch(`/api/v1/webhook-endpoints/${e.id}`, { enabled: !e.enabled })), t(e.enabled ? 'webhooks.paused' : 'webhooks.resumed', { url: e.url }));
  const rotate = (e: WebhookEndpoint) => {
    if (!confirm(t('webhooks.rotateConfirm', { url: e.url }))) return;
    void act(async () => {
      const res = await post<{ secret: string }>(`/api/v1/webhook-endpoints/${e.id}/rotate-secret`);
      setSecret({ url: e.url, secret: res.secret });
    }, '');
  };

  return (
    <div class="stack">
      <Heading intro={t('webhooks.intro')}>{t('webhooks.title')}</Heading>
      <Notice error={ed.error} ok={secret ? null : ed.ok} />
      {secret && (
        <div class="card stack" data-testid="webhook-secret">
          <p class="alert alert-success" role="status">
            {t('webhooks.secretShown', { url: secret.url })}
          </p>
          <CopyField label={t('webhooks.secret')} value={secret.secret} testId="webhook-secret-value" />
          <div>
            <button type="button" class="btn" onClick={() => setSecret(null)}>
              {t('apiKeys.done')}
            </button>
          </div>
        </div>
      )}
      {ed.editing === 'new' ? (
        <EndpointForm
          onCancel={ed.close}
          onCreated={async (url, s) => {
            await ed.saved('');
            setSecret({ url, secret: s });
          }}
        />
      ) : (
        <div>
          <button type="button" class="btn btn-primary" onClick={() => ed.open('new')} data-testid="webhook-new">
            {t('webhooks.new')}
          </button>
        </div>
      )}
      {endpoints === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : endpoints.length === 0 ? (
        <p class="muted">{t('webhooks.none')}</p>
      ) : (
        <ul class="item-list" data-testid="webhook-list">
          {endpoints.map((e) => (
            <li key={e.id} class="card item" data-url={e.url}>
              <div class="item-main">
                <p class="item-title">
                  <code>{e.url}</code> {!e.enabled && <span class="badge">{t('webhooks.pausedBadge')}</span>}
                </p>
                {e.description && <p class="item-body">{e.description}</p>}
                <p class="item-body">
                  {t('webhooks.events')}: {e.events.join(', ')}
                </p>
                {e.disabledReason && (
                  <p class="alert alert-error" role="status">
                    {t('webhooks.disabledBecause', { reason: e.disabledReason })}
                  </p>
                )}
                {e.failingSince && e.enabled && <p class="muted">{t('webhooks.failingSince', { date: dateTime(e.failingSince) })}</p>}
                {open === e.id && <Deliveries endpoint={e} />}
              </div>
              <div class="item-actions">
                <button type="button" class="btn btn-small" onClick={() => setOpen(open === e.id ? null : e.id)} aria-expanded={open === e.id} data-testid="webhook-deliveries-toggle">
                  {t('webhooks.deliveries')}
                </button>
                <button type="button" class="btn btn-small" onClick={() => void toggle(e)}>
                  {t(e.enabled ? 'webhooks.pause' : 'webhooks.resume')}
                </button>
                <button type="button" class="btn btn-small" onClick={() => rotate(e)}>
                  {t('webhooks.rotate')}
                </button>
                <button
                  type="button"
                  class="btn btn-small btn-danger"
                  onClick={() => void ed.remove(t('webhooks.deleteConfirm', { url: e.url }), `/api/v1/webhook-endpoints/${e.id}`, t('webhooks.deleted', { url: e.url }))}
                >
                  {t('common.remove')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The endpoint's latest deliveries, each with its attempts; a failed or finished one can be sent again. */
function Deliveries({ endpoint }: { endpoint: WebhookEndpoint }) {
  const [rows, setRows] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    get<{ data: WebhookDelivery[] }>(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { limit: 20 }).then(
      (r) => setRows(r.data),
      (err) => setError(errorText(err)),
    );
  useEffect(() => void load(), [endpoint.id]);
  const replay = async (d: WebhookDelivery) => {
    setError(null);
    try {
      await post(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${d.id}/replay`);
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  if (error) return <Notice error={error} />;
  if (!rows) return <p aria-busy="true">{t('common.loading')}</p>;
  if (rows.length === 0) return <p class="muted">{t('webhooks.noDeliveries')}</p>;
  return (
    <div class="table-wrap">
      <table class="table table-stack" data-testid="webhook-deliveries">
        <thead>
          <tr>
            <th scope="col">{t('webhooks.col.event')}</th>
            <th scope="col">{t('webhooks.col.state')}</th>
            <th scope="col">{t('webhooks.col.last')}</th>
            <th scope="col">
              <span class="sr-only">{t('webhooks.replay')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => {
            const last = d.log.at(-1);
            return (
              <tr key={d.id} data-state={d.state}>
                <td>
                  <code>{d.eventType}</code> · <time dateTime={d.createdAt}>{dateTime(d.createdAt)}</time>
                </td>
                <td>
                  {t(`webhooks.state.${d.state}` as MessageKey)} · {t('webhooks.attempts', { count: d.attempts })}
                </td>
                <td>
                  {last ? (
                    <span title={last.responseSnippet ?? last.error ?? ''}>
                      {last.statusCode ?? last.error ?? '—'} · {last.latencyMs} ms
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {d.state !== 'pending' && endpoint.enabled && (
                    <button type="button" class="btn btn-small" onClick={() => void replay(d)}>
                      {t('webhooks.replay')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function EndpointForm({ onCreated, onCancel }: { onCreated(url: string, secret: string): void; onCancel(): void }) {
  const [url, setUrl] = useState('https://');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>(['message.created']);
  const [errors, setErrors] = useState<FieldErrors<(typeof FIELDS)[number]>>({ form: null, fields: {} });
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => focusFirst(first.current), []);
  const toggle = (e: string, on: boolean) => setEvents((cur) => (on ? [...cur, e] : cur.filter((x) => x !== e)));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (events.length === 0) return setErrors({ form: null, fields: { events: t('webhooks.pickEvent') } });
    setBusy(true);
    setErrors({ form: null, fields: {} });
    try {
      const res = await post<{ endpoint: WebhookEndpoint; secret: string }>('/api/v1/webhook-endpoints', { url, events, description: description || null });
      onCreated(res.endpoint.url, res.secret);
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS, { invalid_webhook_url: 'url' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={submit} data-testid="webhook-form" aria-labelledby="webhook-new-title">
      <h3 id="webhook-new-title">{t('webhooks.new')}</h3>
      <Field id="webhook-url" label={t('webhooks.url')} hint={t('webhooks.urlHint')} error={errors.fields.url}>
        <input
          ref={first}
          id="webhook-url"
          type="url"
          required
          maxLength={2000}
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          autoComplete="off"
          {...describedBy('webhook-url', true, errors.fields.url)}
          data-testid="webhook-url"
        />
      </Field>
      <Field id="webhook-description" label={`${t('webhooks.description')} ${t('common.optional')}`} error={errors.fields.description}>
        <input id="webhook-description" maxLength={500} value={description} onInput={(e) => setDescription(e.currentTarget.value)} {...describedBy('webhook-description', false, errors.fields.description)} />
      </Field>
      <fieldset class="fieldset" aria-describedby={errors.fields.events ? 'webhook-events-error' : undefined}>
        <legend>{t('webhooks.events')}</legend>
        {GROUPS.map((g) => (
          <div key={g.resource}>
            {g.events.map((ev) => (
              <label key={ev} class="check">
                <input type="checkbox" checked={events.includes(ev)} disabled={events.includes(`${g.resource}.*`)} onChange={(e) => toggle(ev, e.currentTarget.checked)} data-testid={`webhook-event-${ev}`} /> <code>{ev}</code>
              </label>
            ))}
            <label class="check">
              <input type="checkbox" checked={events.includes(`${g.resource}.*`)} onChange={(e) => toggle(`${g.resource}.*`, e.currentTarget.checked)} /> <code>{g.resource}.*</code>{' '}
              <span class="muted">{t('webhooks.allOf')}</span>
            </label>
          </div>
        ))}
        {errors.fields.events && (
          <p id="webhook-events-error" class="field-error" role="alert">
            {errors.fields.events}
          </p>
        )}
      </fieldset>
      <Notice error={errors.form} />
      <SaveCancel busy={busy} onCancel={onCancel} testId="webhook-save" />
    </form>
  );
}
