// CSV import (the file goes up as the request body, `text/csv`; the answer is a per-row report) and export (a download).
import { useRef, useState } from 'preact/hooks';
import { apiBlob } from '../../api/client';
import { importContacts, type ImportReport, type RowError } from '../../api/crm';
import { errorText, t, type MessageKey } from '../../i18n';
import { attributeDefs } from '../../state/catalog';

export interface CsvOutcome {
  report?: ImportReport;
  error?: string;
}

/** The import and export buttons; what happened goes to `onOutcome` (the page shows it under its header). */
export function CsvTools({ onImported, onOutcome }: { onImported: () => void; onOutcome: (o: CsvOutcome | null) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<'import' | 'export' | null>(null);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy('import');
    onOutcome(null);
    try {
      onOutcome({ report: await importContacts(file) });
      onImported();
    } catch (err) {
      onOutcome({ error: errorText(err) });
    } finally {
      setBusy(null);
      if (input.current) input.current.value = '';
    }
  };

  // Excel (pt-BR): `;`, BOM, Portuguese headers, local times — opens right in Excel by double-click.
  const download = async (format: 'csv' | 'excel') => {
    setBusy('export');
    onOutcome(null);
    try {
      const blob = await apiBlob(`/api/v1/contacts/export?format=${format}`);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `contatos-${new Date().toISOString().slice(0, 10)}${format === 'excel' ? '-excel' : ''}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      onOutcome({ error: errorText(err) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <label class="btn">
        <input
          ref={input}
          type="file"
          accept=".csv,text/csv"
          class="sr-only"
          disabled={busy !== null}
          onChange={(e) => void upload(e.currentTarget.files?.[0])}
          data-testid="import-file"
        />
        {busy === 'import' ? t('crm.importing') : t('crm.import')}
      </label>
      <button type="button" class="btn" disabled={busy !== null} onClick={() => void download('excel')} data-testid="export-contacts-excel">
        {t('crm.exportExcel')}
      </button>
      <button type="button" class="btn" disabled={busy !== null} onClick={() => void download('csv')} data-testid="export-contacts">
        {t('crm.export')}
      </button>
    </>
  );
}

export function ImportOutcome({ outcome, onClose }: { outcome: CsvOutcome; onClose: () => void }) {
  const { report, error } = outcome;
  return (
    <div class="crm-import-report" role="status" data-testid="import-report">
      {error && <p class="alert alert-error">{error}</p>}
      {report && (
        <>
          <p>
            {t('crm.importSummary', { rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged, failed: report.failed })}
          </p>
          {report.ignoredColumns.length > 0 && <p class="muted small">{t('crm.importIgnored', { columns: report.ignoredColumns.join(', ') })}</p>}
          {report.errors.length > 0 && (
            <table class="table">
              <caption class="sr-only">{t('crm.importErrors')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('crm.row')}</th>
                  <th scope="col">{t('crm.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e) => (
                  <tr key={e.row}>
                    <td>{e.row}</td>
                    <td>{rowErrorText(e)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <button type="button" class="btn btn-small" onClick={onClose}>
        {t('common.close')}
      </button>
    </div>
  );
}

/** A row error in the reader's language by its code; the server's English text for a code this app does not know. */
export function rowErrorText(e: RowError): string {
  const key = `crm.rowError.${e.code}` as MessageKey;
  if (!hasMessage(key)) return e.error;
  const params = { ...e.params };
  if (e.code === 'invalid_attribute') {
    const problem = `crm.attrProblem.${String(params.reason)}` as MessageKey;
    if (!hasMessage(problem)) return e.error;
    const def = attributeDefs.value?.find((d) => d.key === params.attribute);
    params.attribute = def?.label ?? String(params.attribute);
    params.problem = t(problem, params);
  }
  return t(key, params);
}

const hasMessage = (key: MessageKey) => t(key) !== key;
