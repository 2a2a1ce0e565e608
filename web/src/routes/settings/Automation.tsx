// Settings → Atendimento automático: per number, the menu bot (greeting, numbered options leading to departments,
// one level of sub-menus, the texts for unclear replies and hand-over) with a live preview of what the customer sees,
// and business hours (time zone, hours per weekday, holidays, the out-of-hours message).
import { useEffect, useState } from 'preact/hooks';
import { get, put } from '../../api/client';
import type { Automation, BotConfig, Channel, HoursConfig, MenuOption } from '../../api/types';
import { locale, t } from '../../i18n';
import { departments, loadDepartments } from '../../state/catalog';
import { interactiveMenu, numberedText } from '../../../../worker/service-desk/menu';
import { fieldErrors, Heading, Notice } from './common';
import { zoneLabel, zones } from './Organization';

const WEEKDAYS = ['automation.sun', 'automation.mon', 'automation.tue', 'automation.wed', 'automation.thu', 'automation.fri', 'automation.sat'] as const;

export function AutomationSettings() {
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [channelId, setChannelId] = useState<string | null>(null);
  const [form, setForm] = useState<Automation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void loadDepartments(true);
    get<{ data: Channel[] }>('/api/v1/channels').then(
      (r) => {
        const active = r.data.filter((c) => c.status === 'active');
        setChannels(active);
        setChannelId((id) => id ?? active[0]?.id ?? null);
      },
      () => setChannels([]),
    );
  }, []);
  useEffect(() => {
    if (!channelId) return;
    setForm(null);
    get<Automation>(`/api/v1/channels/${channelId}/automation`).then(setForm, () => setError(t('error.generic')));
  }, [channelId]);

  const channel = channels?.find((c) => c.id === channelId) ?? null;
  const setBot = (patch: Partial<BotConfig>) => setForm((f) => f && { ...f, bot: { ...f.bot, ...patch } });
  const setHours = (patch: Partial<HoursConfig>) => setForm((f) => f && { ...f, hours: { ...f.hours, ...patch } });
  const setCsat = (patch: Partial<Automation['csat']>) => setForm((f) => f && { ...f, csat: { ...f.csat, ...patch } });

  const save = async (e: Event) => {
    e.preventDefault();
    if (!form || !channelId) return;
    setBusy(true);
    setError(null);
    setOk(null);
    try {
      setForm(await put<Automation>(`/api/v1/channels/${channelId}/automation`, form));
      setOk(t('automation.saved'));
    } catch (err) {
      setError(fieldErrors(err, []).form ?? t('error.generic'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <Heading intro={t('automation.intro')}>{t('automation.title')}</Heading>
      {channels === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : channels.length === 0 ? (
        <p class="muted">{t('automation.noChannels')}</p>
      ) : (
        <label class="field">
          <span>{t('automation.channel')}</span>
          <select value={channelId ?? ''} onChange={(e) => setChannelId(e.currentTarget.value)} data-testid="automation-channel">
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {channelId && form === null && !error && <p aria-busy="true">{t('common.loading')}</p>}
      {form && (
        <form class="stack" onSubmit={save} data-testid="automation-form">
          <section class="card form" aria-labelledby="bot-title">
            <h3 id="bot-title">{t('automation.bot')}</h3>
            <label class="check">
              <input type="checkbox" checked={form.bot.enabled} onChange={(e) => setBot({ enabled: e.currentTarget.checked })} data-testid="bot-enabled" />
              {t('automation.botEnabled')}
            </label>
            <div class="automation-grid">
              <div class="stack">
                <TextArea label={t('automation.greeting')} value={form.bot.greeting} onInput={(greeting) => setBot({ greeting })} testId="bot-greeting" />
                <MenuEditor options={form.bot.options} onChange={(options) => setBot({ options })} />
                <TextArea label={t('automation.invalidReply')} value={form.bot.invalidReply} onInput={(invalidReply) => setBot({ invalidReply })} />
                <label class="field">
                  <span>{t('automation.maxAttempts')}</span>
                  <input type="number" min={1} max={5} value={form.bot.maxAttempts} onInput={(e) => setBot({ maxAttempts: Number(e.currentTarget.value) || 1 })} />
                </label>
                <TextArea label={t('automation.handoff')} value={form.bot.handoff} onInput={(handoff) => setBot({ handoff })} />
                <TextArea label={t('automation.routed')} hint={t('automation.routedHint')} value={form.bot.routed} onInput={(routed) => setBot({ routed })} />
              </div>
              <MenuPreview bot={form.bot} meta={channel?.provider === 'meta_cloud'} />
            </div>
          </section>

          <section class="card form" aria-labelledby="hours-title">
            <h3 id="hours-title">{t('automation.hours')}</h3>
            <label class="check">
              <input type="checkbox" checked={form.hours.enabled} onChange={(e) => setHours({ enabled: e.currentTarget.checked })} data-testid="hours-enabled" />
              {t('automation.hoursEnabled')}
            </label>
            <label class="field">
              <span>{t('org.timezone')}</span>
              <select value={form.hours.timeZone} onChange={(e) => setHours({ timeZone: e.currentTarget.value })}>
                {zones(form.hours.timeZone).map((z) => (
                  <option key={z} value={z}>
                    {zoneLabel(z, locale.value)}
                  </option>
                ))}
              </select>
            </label>
            <table class="hours-table">
              <caption class="sr-only">{t('automation.hours')}</caption>
              <tbody>
                {form.hours.week.map((day, i) => {
                  const open = day.length > 0;
                  const shown = open ? day : [{ start: '08:00', end: '18:00' }];
                  const setDay = (next: { start: string; end: string }[]) => setHours({ week: form.hours.week.map((d, j) => (j === i ? next : d)) });
                  const setPart = (k: number, patch: Partial<{ start: string; end: string }>) => setDay(shown.map((p, m) => (m === k ? { ...p, ...patch } : p)));
                  const name = t(WEEKDAYS[i]!);
                  return (
                    <tr key={i} data-testid={`hours-day-${i}`}>
                      <th scope="row">{name}</th>
                      <td>
                        <label class="check">
                          <input type="checkbox" checked={open} onChange={(e) => setDay(e.currentTarget.checked ? shown : [])} />
                          {t('automation.open')}
                        </label>
                      </td>
                      <td>
                        {shown.map((part, k) => (
                          <div key={k} class="hours-interval">
                            <input type="time" aria-label={`${name} ${k + 1}: ${t('automation.from')}`} value={part.start} disabled={!open} onInput={(e) => setPart(k, { start: e.currentTarget.value })} />
                            <span aria-hidden="true">–</span>
                            <input type="time" aria-label={`${name} ${k + 1}: ${t('automation.to')}`} value={part.end} disabled={!open} onInput={(e) => setPart(k, { end: e.currentTarget.value })} />
                            {open && shown.length > 1 && (
                              <button type="button" class="btn btn-small" onClick={() => setDay(shown.filter((_, m) => m !== k))} aria-label={t('automation.removeInterval', { day: name, n: k + 1 })}>
                                ×
                              </button>
                            )}
                          </div>
                        ))}
                        {open && shown.length < 4 && (
                          <button type="button" class="btn btn-small" onClick={() => setDay([...shown, { start: '13:00', end: '18:00' }])} aria-label={t('automation.addInterval', { day: name })}>
                            {t('automation.addIntervalShort')}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <TextArea
              label={t('automation.holidays')}
              hint={t('automation.holidaysHint')}
              value={form.hours.holidays.join('\n')}
              onInput={(v) => setHours({ holidays: v.split(/[\s,;]+/).filter(Boolean) })}
            />
            <TextArea label={t('automation.outOfHours')} value={form.hours.message} onInput={(message) => setHours({ message })} testId="hours-message" />
          </section>
          <section class="card form" aria-labelledby="csat-title">
            <h3 id="csat-title">{t('automation.csat')}</h3>
            <label class="check">
              <input type="checkbox" checked={form.csat.enabled} onChange={(e) => setCsat({ enabled: e.currentTarget.checked })} data-testid="csat-enabled" />
              {t('automation.csatEnabled')}
            </label>
            <TextArea label={t('automation.csatQuestion')} value={form.csat.question} onInput={(question) => setCsat({ question })} testId="csat-question" />
            <fieldset class="fieldset">
              <legend>{t('automation.csatLabels')}</legend>
              <div class="field-row">
                {form.csat.labels.map((label, i) => (
                  <label key={i} class="field">
                    <span>{i + 1}</span>
                    <input maxLength={20} value={label} onInput={(e) => setCsat({ labels: form.csat.labels.map((l, j) => (j === i ? e.currentTarget.value : l)) })} />
                  </label>
                ))}
              </div>
            </fieldset>
            <TextArea label={t('automation.csatComment')} value={form.csat.commentPrompt} onInput={(commentPrompt) => setCsat({ commentPrompt })} />
            <TextArea label={t('automation.csatThanks')} value={form.csat.thanks} onInput={(thanks) => setCsat({ thanks })} />
            <label class="field">
              <span>{t('automation.csatExpires')}</span>
              <input type="number" min={1} max={168} value={form.csat.expiresHours} onInput={(e) => setCsat({ expiresHours: Number(e.currentTarget.value) || 1 })} />
            </label>
          </section>
          <Notice error={error} ok={ok} />
          <div>
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="automation-save">
              {t('common.save')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function TextArea({ label, hint, value, onInput, testId }: { label: string; hint?: string; value: string; onInput(v: string): void; testId?: string }) {
  return (
    <label class="field">
      <span>{label}</span>
      <textarea rows={2} maxLength={1024} value={value} onInput={(e) => onInput(e.currentTarget.value)} data-testid={testId} />
      {hint && <span class="hint">{hint}</span>}
    </label>
  );
}

/** The options, each leading to a department or (one level deep) to a sub-menu of departments. */
function MenuEditor({ options, onChange }: { options: MenuOption[]; onChange(next: MenuOption[]): void }) {
  const deps = departments.value ?? [];
  const firstDep = deps[0]?.id ?? '';
  const set = (i: number, next: MenuOption) => onChange(options.map((o, j) => (j === i ? next : o)));
  return (
    <fieldset class="fieldset">
      <legend>{t('automation.options')}</legend>
      {deps.length === 0 && <p class="alert alert-info">{t('automation.needDepartments')}</p>}
      <ol class="menu-options" data-testid="menu-options">
        {options.map((o, i) => (
          <li key={i}>
            <div class="menu-option">
              <input aria-label={t('automation.optionLabel', { n: i + 1 })} maxLength={24} required value={o.label} onInput={(e) => set(i, { ...o, label: e.currentTarget.value })} />
              <select
                aria-label={t('automation.optionTarget', { n: i + 1 })}
                value={'options' in o ? 'submenu' : o.departmentId}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  set(i, v === 'submenu' ? { label: o.label, options: [{ label: '', departmentId: firstDep }] } : { label: o.label, departmentId: v });
                }}
              >
                {deps.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
                <option value="submenu">{t('automation.submenu')}</option>
              </select>
              <button type="button" class="btn btn-small" onClick={() => onChange(options.filter((_, j) => j !== i))} aria-label={t('automation.removeOption', { n: i + 1 })}>
                {t('action.delete')}
              </button>
            </div>
            {'options' in o && (
              <ol class="menu-options menu-sub">
                {o.options.map((s, k) => (
                  <li key={k} class="menu-option">
                    <input aria-label={t('automation.subLabel', { n: i + 1, k: k + 1 })} maxLength={24} required value={s.label} onInput={(e) => set(i, { ...o, options: o.options.map((x, m) => (m === k ? { ...x, label: e.currentTarget.value } : x)) })} />
                    <select aria-label={t('automation.subTarget', { n: i + 1, k: k + 1 })} value={s.departmentId} onChange={(e) => set(i, { ...o, options: o.options.map((x, m) => (m === k ? { ...x, departmentId: e.currentTarget.value } : x)) })}>
                      {deps.map((d) => (
                        <option key={d.id} value={d.id}>
                          {d.name}
                        </option>
                      ))}
                    </select>
                    <button type="button" class="btn btn-small" disabled={o.options.length <= 1} onClick={() => set(i, { ...o, options: o.options.filter((_, m) => m !== k) })} aria-label={t('automation.removeSub', { n: i + 1, k: k + 1 })}>
                      {t('action.delete')}
                    </button>
                  </li>
                ))}
                {o.options.length < 10 && (
                  <li>
                    <button type="button" class="btn btn-small" onClick={() => set(i, { ...o, options: [...o.options, { label: '', departmentId: firstDep }] })}>
                      {t('automation.addSub')}
                    </button>
                  </li>
                )}
              </ol>
            )}
          </li>
        ))}
      </ol>
      {options.length < 10 && deps.length > 0 && (
        <button type="button" class="btn btn-small" onClick={() => onChange([...options, { label: '', departmentId: firstDep }])} data-testid="menu-add">
          {t('automation.addOption')}
        </button>
      )}
    </fieldset>
  );
}

/** What the customer sees when they write for the first time: the greeting, and the menu as buttons, a list or text. */
function MenuPreview({ bot, meta }: { bot: BotConfig; meta: boolean }) {
  const options = bot.options.map((o) => ({ ...o, label: o.label || '…' }));
  const interactive = meta && options.length ? (interactiveMenu(bot.greeting, options) as { type: string; action: { buttons?: { reply: { title: string } }[]; button?: string } } | null) : null;
  return (
    <aside class="phone-preview" aria-label={t('automation.preview')} data-testid="bot-preview">
      <p class="phone-preview-title">{t('automation.preview')}</p>
      <div class="phone-chat">
        <p class="bubble bubble-in">{t('automation.previewCustomer')}</p>
        {interactive ? (
          <div class="bubble bubble-out">
            <p>{bot.greeting}</p>
            <div class="bubble-buttons">
              {interactive.type === 'button' ? interactive.action.buttons!.map((b, i) => <span key={i}>{b.reply.title}</span>) : <span>☰ {interactive.action.button}</span>}
            </div>
          </div>
        ) : (
          <p class="bubble bubble-out preview-text">{options.length ? numberedText(bot.greeting, options) : bot.greeting}</p>
        )}
      </div>
    </aside>
  );
}
