// Writing first: to a contact (also one created by hand or imported) or a typed number, on one of the organisation's
// numbers. On Meta's Cloud API the first message is an approved template (nothing else may open a conversation); on a
// number connected by QR code it is plain text. The conversation opens in the inbox, assigned to whoever started it.
import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api/client';
import type { Channel, ConversationRow, Page } from '../api/types';
import { errorText, t } from '../i18n';
import { formatPhone } from '../lib/format';
import { TemplatePicker, type ChosenTemplate } from '../routes/inbox/TemplateComposer';

export function StartConversation({ contact }: { contact?: { id: string; phone: string | null } }) {
  const { route } = useLocation();
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [channelId, setChannelId] = useState('');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    get<Page<Channel>>('/api/v1/channels').then(
      (r) => {
        const active = r.data.filter((c) => c.status === 'active');
        setChannels(active);
        setChannelId((current) => current || active[0]?.id || '');
      },
      (err: unknown) => setError(errorText(err)),
    );
  }, []);

  const channel = channels?.find((c) => c.id === channelId) ?? null;
  const start = async (first: { template: ChosenTemplate['template'] } | { text: string }) => {
    setBusy(true);
    setError(null);
    try {
      const who = contact ? { contactId: contact.id } : { phone: phone.trim(), ...(name.trim() && { name: name.trim() }) };
      const res = await post<{ conversation: ConversationRow }>('/api/v1/conversations', { channelId, ...who, ...first });
      route(`/inbox/${res.conversation.id}`);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  if (channels !== null && channels.length === 0) return <p class="muted small">{t('start.noChannel')}</p>;
  return (
    <div class="stack start-conversation" data-testid="start-conversation">
      {!contact && (
        <div class="field-row">
          <label class="field">
            <span>{t('start.phone')}</span>
            <input type="tel" required placeholder="(11) 98765-4321" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} data-testid="start-phone" />
          </label>
          <label class="field">
            <span>
              {t('start.name')} <span class="muted">{t('common.optional')}</span>
            </span>
            <input maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="start-name" />
          </label>
        </div>
      )}
      {contact && !contact.phone && <p class="alert alert-warn">{t('start.noPhone')}</p>}
      {channels && channels.length > 1 && (
        <label class="field">
          <span>{t('start.channel')}</span>
          <select value={channelId} onChange={(e) => setChannelId(e.currentTarget.value)} data-testid="start-channel">
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.displayPhoneNumber ? ` · ${formatPhone(c.displayPhoneNumber)}` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {channel &&
        (channel.capabilities?.templates !== false ? (
          <TemplatePicker key={channel.id} channelId={channel.id} notice={t('start.templateOnly')} busy={busy} onSend={(c) => void start({ template: c.template })} />
        ) : (
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (text.trim()) void start({ text: text.trim() });
            }}
          >
            <label class="field">
              <span>{t('start.message')}</span>
              <textarea rows={3} required maxLength={4096} value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="start-text" />
            </label>
            <div>
              <button type="submit" class="btn btn-primary" disabled={busy || !text.trim()} data-testid="start-send">
                {t('start.send')}
              </button>
            </div>
          </form>
        ))}
    </div>
  );
}
