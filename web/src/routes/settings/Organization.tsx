import { useEffect, useState } from 'preact/hooks';
import { get, patch } from '../../api/client';
import type { Organization } from '../../api/types';
import { errorText, locale, t } from '../../i18n';
import { Heading, Notice } from './common';

type Form = Pick<Organization, 'name' | 'locale' | 'timezone' | 'assignOnReply' | 'retentionEnabled' | 'retentionDays' | 'graceDays'>;

export function zones(current: string): string[] {
  const all = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return all.includes(current) ? all : [current, ...all];
}

/** "São Paulo (GMT-3)" for America/Sao_Paulo: the city as people say it, and today's offset. */
const labels = new Map<string, string>();
export function zoneLabel(zone: string, lang: string): string {
  const key = `${lang}|${zone}`;
  let label = labels.get(key);
  if (label === undefined) labels.set(key, (label = formatZone(zone, lang)));
  return label;
}

function formatZone(zone: string, lang: string): string {
  const city = zone.split('/').pop()!.replace(/_/g, ' ');
  let offset = '';
  try {
    offset = new Intl.DateTimeFormat(lang, { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    // An identifier this browser does not know: shown as is.
  }
  const named = CITY_NAMES[zone] ?? city;
  return offset ? `${named} (${offset})` : named;
}

/** Brazilian zones by the name people use (the IANA ids have no accents). */
const CITY_NAMES: Record<string, string> = {
  'America/Sao_Paulo': 'São Paulo',
  'America/Belem': 'Belém',
  'America/Cuiaba': 'Cuiabá',
  'America/Maceio': 'Maceió',
  'America/Araguaina': 'Araguaína',
  'America/Porto_Velho': 'Porto Velho',
  'America/Rio_Branco': 'Rio Branco',
  'America/Boa_Vista': 'Boa Vista',
  'America/Campo_Grande': 'Campo Grande',
  'America/Santarem': 'Santarém',
  'America/Noronha': 'Fernando de Noronha',
  'America/Eirunepe': 'Eirunepé',
};

export function OrganizationSettings() {
  const [org, setOrg] = useState<Organization | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<{ organization: Organization }>('/api/v1/organization').then(
      (r) => {
        setOrg(r.organization);
        setForm(r.organization);
      },
      (err: unknown) => setError(errorText(err)),
    );
  }, []);

  if (!form || !org) {
    return (
      <>
        <Heading>{t('settings.organization')}</Heading>
        {error ? <Notice error={error} /> : <p aria-busy="true">{t('common.loading')}</p>}
      </>
    );
  }
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm({ ...form, [k]: v });
    setOk(null);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const changed = Object.fromEntries(Object.entries(form).filter(([k, v]) => org[k as keyof Form] !== v));
    if (Object.keys(changed).length === 0) {
      setOk(t('common.saved'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await patch<{ organization: Organization }>('/api/v1/organization', changed);
      setOrg(r.organization);
      setForm(r.organization);
      setOk(t('common.saved'));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form form-wide" onSubmit={submit} data-testid="org-form">
      <Heading>{t('settings.organization')}</Heading>
      <label class="field">
        <span>{t('org.name')}</span>
        <input required maxLength={120} value={form.name} onInput={(e) => set('name', e.currentTarget.value)} />
      </label>
      <div class="field-row">
        <label class="field">
          <span>{t('org.locale')}</span>
          <select value={form.locale} onChange={(e) => set('locale', e.currentTarget.value)}>
            <option value="pt-BR">{t('lang.pt-BR')}</option>
            <option value="en">{t('lang.en')}</option>
          </select>
        </label>
        <label class="field">
          <span>{t('org.timezone')}</span>
          <select value={form.timezone} onChange={(e) => set('timezone', e.currentTarget.value)}>
            <optgroup label={t('org.timezonesBrazil')}>
              {zones(form.timezone)
                .filter((z) => z in CITY_NAMES)
                .map((z) => (
                  <option key={z} value={z}>
                    {zoneLabel(z, locale.value)}
                  </option>
                ))}
            </optgroup>
            <optgroup label={t('org.timezonesOther')}>
              {zones(form.timezone)
                .filter((z) => !(z in CITY_NAMES))
                .map((z) => (
                  <option key={z} value={z}>
                    {zoneLabel(z, locale.value)}
                  </option>
                ))}
            </optgroup>
          </select>
        </label>
      </div>
      <label class="check">
        <input type="checkbox" checked={form.assignOnReply} onChange={(e) => set('assignOnReply', e.currentTarget.checked)} data-testid="assign-on-reply" />
        <span>{t('org.assignOnReply')}</span>
      </label>
      <fieldset class="fieldset">
        <legend>{t('org.retention')}</legend>
        <p class="muted">{t('org.retentionIntro')}</p>
        <label class="check">
          <input type="checkbox" checked={form.retentionEnabled} onChange={(e) => set('retentionEnabled', e.currentTarget.checked)} />
          <span>{t('org.retentionEnabled')}</span>
        </label>
        <div class="field-row">
          <label class="field">
            <span>{t('org.retentionDays')}</span>
            <input
              type="number"
              min={30}
              max={3650}
              required
              value={form.retentionDays}
              aria-describedby="retention-hint"
              onInput={(e) => set('retentionDays', Number(e.currentTarget.value))}
            />
            <small class="hint" id="retention-hint">
              {t('org.retentionDaysHint')}
            </small>
          </label>
          <label class="field">
            <span>{t('org.graceDays')}</span>
            <input type="number" min={1} max={90} required value={form.graceDays} aria-describedby="grace-hint" onInput={(e) => set('graceDays', Number(e.currentTarget.value))} />
            <small class="hint" id="grace-hint">
              {t('org.graceDaysHint')}
            </small>
          </label>
        </div>
      </fieldset>
      <Notice error={error} ok={ok} />
      <div>
        <button class="btn btn-primary" type="submit" disabled={busy}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}
