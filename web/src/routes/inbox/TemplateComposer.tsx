// Outside the 24 h window WhatsApp accepts only approved templates: pick one, fill its variables, see the preview.
// TemplatePicker is the form itself (also used to start a conversation); TemplateComposer puts it in the chat.
import { useEffect, useState } from 'preact/hooks';
import { post } from '../../api/client';
import type { Template } from '../../api/types';
import { IconSend } from '../../components/icons';
import { errorText, t } from '../../i18n';
import type { ChatStore } from '../../state/chat';
import { approvedTemplates, fill, placeholders } from '../../state/content';
import { isAdmin } from '../../state/session';

function part(tpl: Template, type: string) {
  return tpl.components?.find((c) => String(c.type).toUpperCase() === type);
}

export interface ChosenTemplate {
  template: { name: string; language: string; components?: Record<string, unknown>[] };
  /** What the customer reads: the header and body with their variables filled. */
  preview: string;
}

export function TemplateComposer({ store, never }: { store: ChatStore; never: boolean }) {
  return (
    <TemplatePicker
      channelId={store.conversation.value!.channelId}
      notice={never ? t('composer.windowNever') : t('composer.windowClosed')}
      onSend={({ template, preview }) => void store.send({ type: 'template', template, preview })}
    />
  );
}

export function TemplatePicker({
  channelId,
  notice,
  onSend,
  busy = false,
  submitLabel,
}: {
  channelId: string;
  notice?: string;
  onSend(chosen: ChosenTemplate): void;
  busy?: boolean;
  /** The button's text when choosing is not sending (a template kept for later). */
  submitLabel?: string;
}) {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [syncing, setSyncing] = useState(false);

  const load = (force = false) =>
    approvedTemplates(channelId, force).then(
      (list) => {
        setTemplates(list);
        setError(null);
      },
      (err: unknown) => setError(errorText(err)),
    );
  useEffect(() => {
    void load();
  }, [channelId]);

  const sync = async () => {
    setSyncing(true);
    try {
      await post(`/api/v1/channels/${channelId}/templates/sync`, {});
      await load(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSyncing(false);
    }
  };

  const tpl = templates?.find((x) => x.id === chosen) ?? null;
  const header = tpl ? part(tpl, 'HEADER') : undefined;
  const body = tpl ? part(tpl, 'BODY') : undefined;
  const footer = tpl ? part(tpl, 'FOOTER') : undefined;
  const buttons = tpl ? (part(tpl, 'BUTTONS')?.buttons ?? []) : [];
  const headerVars = header && (header.format ?? 'TEXT') === 'TEXT' ? placeholders(header.text) : [];
  const bodyVars = placeholders(body?.text);
  const complete = headerVars.every((v) => values[`h:${v}`]?.trim()) && bodyVars.every((v) => values[`b:${v}`]?.trim());

  const submit = (e: Event) => {
    e.preventDefault();
    if (!tpl || !complete) return;
    const param = (name: string, text: string) => ({ type: 'text', text, ...(/^\d+$/.test(name) ? {} : { parameter_name: name }) });
    const components: Record<string, unknown>[] = [];
    if (headerVars.length) components.push({ type: 'header', parameters: headerVars.map((v) => param(v, values[`h:${v}`]!.trim())) });
    if (bodyVars.length) components.push({ type: 'body', parameters: bodyVars.map((v) => param(v, values[`b:${v}`]!.trim())) });
    // What the customer reads (the server stores the same text): the header and body with their variables filled.
    const trimmed = (prefix: string, vars: string[]) => Object.fromEntries(vars.map((v) => [v, values[`${prefix}:${v}`]!.trim()]));
    const headerText = header?.text && (header.format ?? 'TEXT') === 'TEXT' ? fill(header.text, trimmed('h', headerVars)) : null;
    const bodyText = body?.text ? fill(body.text, trimmed('b', bodyVars)) : `[${tpl.name}]`;
    onSend({
      template: { name: tpl.name, language: tpl.language, ...(components.length ? { components } : {}) },
      preview: headerText ? `${headerText}\n${bodyText}` : bodyText,
    });
    setChosen('');
    setValues({});
  };

  const headerValues = Object.fromEntries(headerVars.map((v) => [v, values[`h:${v}`] ?? '']));
  const bodyValues = Object.fromEntries(bodyVars.map((v) => [v, values[`b:${v}`] ?? '']));

  return (
    <form class="composer-body template-composer" onSubmit={submit} data-testid="template-composer">
      {notice && (
        <p class="alert alert-warn" role="status" data-testid="window-closed">
          {notice}
        </p>
      )}
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {templates === null && !error ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : templates && templates.length === 0 ? (
        <div class="template-empty">
          <p>
            {t('template.none')} {isAdmin.value ? t('template.noneAdmin') : t('template.noneAgent')}
          </p>
          {isAdmin.value && (
            <button type="button" class="btn" onClick={() => void sync()} disabled={syncing}>
              {syncing ? t('common.loading') : t('template.sync')}
            </button>
          )}
        </div>
      ) : (
        templates && (
          <>
            <label class="field">
              <span>{t('template.pick')}</span>
              <select
                value={chosen}
                onChange={(e) => {
                  setChosen(e.currentTarget.value);
                  setValues({});
                }}
                data-testid="template-select"
              >
                <option value="">{t('template.choose')}</option>
                {templates.map((x) => (
                  <option key={x.id} value={x.id} data-name={x.name}>
                    {x.name} · {x.language}
                  </option>
                ))}
              </select>
            </label>
            {tpl && (
              <div class="template-fields">
                {headerVars.map((v) => (
                  <label class="field" key={`h:${v}`}>
                    <span>{t('template.headerVariable', { n: v })}</span>
                    <input value={values[`h:${v}`] ?? ''} required onInput={(e) => setValues({ ...values, [`h:${v}`]: e.currentTarget.value })} />
                  </label>
                ))}
                {bodyVars.map((v) => (
                  <label class="field" key={`b:${v}`}>
                    <span>{t('template.variable', { n: v })}</span>
                    <input
                      value={values[`b:${v}`] ?? ''}
                      required
                      onInput={(e) => setValues({ ...values, [`b:${v}`]: e.currentTarget.value })}
                      data-testid={`template-var-${v}`}
                    />
                  </label>
                ))}
                <div class="template-preview" aria-label={t('template.preview')}>
                  <p class="muted small">{t('template.preview')}</p>
                  {header?.text && <p class="tp-header">{fill(header.text, headerValues)}</p>}
                  {body?.text && <p class="tp-body">{fill(body.text, bodyValues)}</p>}
                  {footer?.text && <p class="tp-footer muted">{footer.text}</p>}
                  {buttons.length > 0 && (
                    <p class="tp-buttons">
                      {buttons.map((b, i) => (
                        <span key={i} class="chip">
                          {b.text}
                        </span>
                      ))}
                    </p>
                  )}
                </div>
              </div>
            )}
            <div class="composer-row composer-row-end">
              {tpl && !complete && <span class="muted small">{t('template.fillAll')}</span>}
              <button type="submit" class="btn btn-primary btn-send" disabled={!tpl || !complete || busy} data-testid="send-template">
                <IconSend />
                <span>{submitLabel ?? t('template.send')}</span>
              </button>
            </div>
          </>
        )
      )}
    </form>
  );
}
