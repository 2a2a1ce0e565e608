import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../../api/client';
import type { Channel, Page, Template } from '../../api/types';
import { errorText, t, type MessageKey } from '../../i18n';
import { forgetTemplates } from '../../state/content';
import { Heading, Notice } from './common';

export function Templates() {
  const [channels, setChannels] = useState<Channel[]>([]);
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [syncing, setSyncing] = useState<string | null>(null);

  const load = async () => {
    try {
      const [c, tp] = await Promise.all([get<Page<Channel>>('/api/v1/channels'), get<Page<Template>>('/api/v1/templates')]);
      // Numbers connected by QR code (Evolution) have no templates.
      setChannels(c.data.filter((ch) => ch.capabilities?.templates !== false));
      setTemplates(tp.data);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const sync = async (c: Channel) => {
    setSyncing(c.id);
    setError(null);
    setOk(null);
    try {
      const r = await post<{ synced: number }>(`/api/v1/channels/${c.id}/templates/sync`, {});
      setOk(t('templates.synced', { n: r.synced }));
      forgetTemplates();
      await load();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSyncing(null);
    }
  };

  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? '—';
  const bodyOf = (tp: Template) => tp.components?.find((c) => String(c.type).toUpperCase() === 'BODY')?.text ?? '';

  return (
    <div class="stack">
      <Heading intro={t('templates.intro')}>{t('templates.title')}</Heading>
      <Notice error={error} ok={ok} />
      <div class="button-row">
        {channels.map((c) => (
          <button key={c.id} type="button" class="btn" disabled={syncing !== null} onClick={() => void sync(c)} data-testid="sync-templates">
            {syncing === c.id ? t('common.loading') : t('templates.sync', { channel: c.name })}
          </button>
        ))}
      </div>
      {templates === null ? (
        !error && <p aria-busy="true">{t('common.loading')}</p>
      ) : templates.length === 0 ? (
        <p class="muted">{t('templates.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="templates-table">
            <thead>
              <tr>
                <th scope="col">{t('templates.name')}</th>
                <th scope="col">{t('templates.language')}</th>
                <th scope="col">{t('templates.category')}</th>
                <th scope="col">{t('templates.status')}</th>
                <th scope="col">{t('templates.body')}</th>
                {channels.length > 1 && <th scope="col">{t('templates.channel')}</th>}
              </tr>
            </thead>
            <tbody>
              {templates.map((tp) => (
                <tr key={tp.id}>
                  <td>
                    <code>{tp.name}</code>
                  </td>
                  <td>{tp.language}</td>
                  <td>{tp.category ? known(`templates.category.${tp.category.toUpperCase()}`, tp.category) : '—'}</td>
                  <td>
                    <span class={`chip chip-tpl-${(tp.status ?? '').toLowerCase()}`}>{tp.status ? known(`templates.status.${tp.status.toUpperCase()}`, tp.status) : '—'}</span>
                  </td>
                  <td class="cell-wrap">{bodyOf(tp)}</td>
                  {channels.length > 1 && <td>{channelName(tp.channelId)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Meta's category and status codes in words; a code Meta adds later is shown as it comes. */
function known(key: string, raw: string): string {
  const text = t(key as MessageKey);
  return text === key ? raw : text;
}
