// Settings → Privacidade (LGPD): the records of processing the server generates (GET /api/v1/organization/privacy-report)
// — what personal data is held, where, for how long under the current settings, who can reach it, the sub-processors —
// shown as tables and downloadable as JSON for the organisation's data protection officer (encarregado).
import { useEffect, useState } from 'preact/hooks';
import { get } from '../../api/client';
import type { PrivacyReport } from '../../api/types';
import { errorText, t, type MessageKey } from '../../i18n';
import { dateTime } from '../../lib/format';
import { Heading, Notice } from './common';

type KeptFor = PrivacyReport['postgres'][number]['keptFor'];

const keptText = (k: KeptFor) => (k.days === null ? t(`privacy.keep.${k.rule}` as MessageKey) : t('privacy.keep.days', { days: k.days }));
const list = (items: readonly string[], prefix: string) => items.map((i) => t(`${prefix}.${i}` as MessageKey)).join(', ');

function download(report: PrivacyReport) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `registro-de-tratamento-${report.generatedAt.slice(0, 10)}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function Privacy() {
  const [report, setReport] = useState<PrivacyReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<PrivacyReport>('/api/v1/organization/privacy-report').then(setReport, (err) => setError(errorText(err)));
  }, []);

  return (
    <div class="stack" data-testid="privacy-report">
      <Heading intro={t('privacy.intro')}>{t('privacy.title')}</Heading>
      <Notice error={error} />
      {!report ? (
        !error && <p aria-busy="true">{t('common.loading')}</p>
      ) : (
        <>
          <div class="card stack">
            <p>
              {t('privacy.generatedAt', { date: dateTime(report.generatedAt) })}{' '}
              <button type="button" class="btn btn-small" onClick={() => download(report)} data-testid="privacy-download">
                {t('privacy.download')}
              </button>
            </p>
            <p data-testid="privacy-retention">
              {report.retention.enabled
                ? t('privacy.retentionOn', { days: report.retention.days, grace: report.retention.graceDays })
                : t('privacy.retentionOff')}{' '}
              {t('privacy.legalHolds', { count: report.retention.legalHolds })}
            </p>
            <RetentionExclusions retention={report.retention} />
            <p class="muted">{t('privacy.counts', { contacts: report.counts.contacts, conversations: report.counts.conversations, messages: report.counts.messages })}</p>
          </div>

          <section class="stack" aria-labelledby="privacy-where">
            <h3 id="privacy-where">{t('privacy.where')}</h3>
            <div class="table-wrap">
              <table class="table table-stack" data-testid="privacy-tables">
                <thead>
                  <tr>
                    <th scope="col">{t('privacy.col.place')}</th>
                    <th scope="col">{t('privacy.col.whose')}</th>
                    <th scope="col">{t('privacy.col.what')}</th>
                    <th scope="col">{t('privacy.col.howLong')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.postgres.map((row) => (
                    <tr key={row.table} data-table={row.table}>
                      <td>
                        Postgres · <code>{row.table}</code>
                      </td>
                      <td>{list(row.subjects, 'privacy.subject')}</td>
                      <td>{list(row.categories, 'privacy.category')}</td>
                      <td>{keptText(row.keptFor)}</td>
                    </tr>
                  ))}
                  {report.otherStores.map((row) => (
                    <tr key={`${row.store}:${row.what}`} data-table={`${row.store}:${row.what}`}>
                      <td>{t(`privacy.store.${row.store}.${row.what}` as MessageKey)}</td>
                      <td>{list(row.subjects, 'privacy.subject')}</td>
                      <td>{list(row.categories, 'privacy.category')}</td>
                      <td>{keptText(row.keptFor)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section class="stack" aria-labelledby="privacy-access">
            <h3 id="privacy-access">{t('privacy.access')}</h3>
            <ul class="item-list">
              {report.access.roles.map((r) => (
                <li key={r.role} class="card item">
                  <div class="item-main">
                    <p class="item-title">
                      {t(`role.${r.role}` as MessageKey)} · {t('privacy.members', { count: r.members })}
                    </p>
                    <details>
                      <summary>{t('privacy.permissions', { count: r.permissions.length })}</summary>
                      <p class="item-body">{r.permissions.join(', ')}</p>
                    </details>
                  </div>
                </li>
              ))}
            </ul>
            <p data-testid="privacy-keys">
              {report.access.apiKeys.length === 0
                ? t('privacy.noKeys')
                : t('privacy.keys', { list: report.access.apiKeys.map((k) => `${k.name} (${k.scopes.join(', ')})`).join('; ') })}
            </p>
            <p>
              {report.access.webhookEndpoints.length === 0
                ? t('privacy.noWebhooks')
                : t('privacy.webhooks', { list: report.access.webhookEndpoints.map((w) => w.host).join(', ') })}
            </p>
          </section>

          <Encryption encryption={report.encryption} />

          <section class="stack" aria-labelledby="privacy-processors">
            <h3 id="privacy-processors">{t('privacy.subProcessors')}</h3>
            <ul data-testid="privacy-processors">
              {report.subProcessors.map((p) => (
                <li key={p.name}>
                  <strong>{p.name}</strong> — {p.purpose}
                  {p.endpoint && <> ({p.endpoint})</>}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}

/** What retention never removes, and what each exclusion kept on the latest run (worker/jobs/retention.ts). */
function RetentionExclusions({ retention }: { retention: PrivacyReport['retention'] }) {
  const { exclusions: e, lastRun: run } = retention;
  return (
    <>
      <p data-testid="privacy-exclusions">{t('privacy.exclusions', { held: e.legalHoldConversations, important: e.importantMessages, deals: e.openDealConversations })}</p>
      <p class="muted" data-testid="privacy-last-run">
        {run
          ? t('privacy.lastRun', { date: dateTime(run.at), hidden: run.softDeleted, deleted: run.hardDeleted, held: run.kept.legalHold, important: run.kept.important, deals: run.kept.openDeal })
          : t('privacy.noRun')}
      </p>
    </>
  );
}

/** Content encryption at rest (issue 21 §4): on or off, the keys, legacy plaintext, and the search trade-off. */
function Encryption({ encryption: e }: { encryption: PrivacyReport['encryption'] }) {
  const p = e.plaintextRows;
  return (
    <section class="stack" aria-labelledby="privacy-encryption" data-testid="privacy-encryption">
      <h3 id="privacy-encryption">{t('privacy.encryption')}</h3>
      <p>{e.enabled ? t('privacy.encryptionOn', { key: e.activeKeyId ?? t('privacy.encryptionNoKey') }) : t('privacy.encryptionOff')}</p>
      <p class="muted">
        {t('privacy.encryptionKeys', { count: e.keys.length })}{' '}
        {p.messageBodies + p.notes + p.previews > 0 && t('privacy.plaintextRows', { messages: p.messageBodies, notes: p.notes, previews: p.previews })}
      </p>
      <p>{t('privacy.searchDocument')}</p>
      <details>
        <summary>{t('privacy.notEncrypted')}</summary>
        <ul>
          {e.notEncrypted.map((what) => (
            <li key={what}>{what}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}
