// CSV import (the file goes up as the request body, `text/csv`; the answer is a per-row report) and export (a download).
import { useRef, useState } from 'preact/hooks';
import { apiBlob } from '../../api/client';
import { importContacts, type ImportReport } from '../../api/crm';
import { errorText, t } from '../../i18n';

export function CsvTools({ onImported }: { onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<'import' | 'export' | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy('import');
    setError(null);
    setReport(null);
    try {
      setReport(await importContacts(file));
      onImported();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
      if (input.current) input.current.value = '';
    }
  };

  const download = async () => {
    setBusy('export');
    setError(null);
    try {
      const blob = await apiBlob('/api/v1/contacts/export');
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `contatos-${new Date().toISOString().slice(0, 10)}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <label class={`btn${busy === 'import' ? ' is-busy' : ''}`}>
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
      <button type="button" class="btn" disabled={busy !== null} onClick={() => void download()} data-testid="export-contacts">
        {t('crm.export')}
      </button>
      {(report || error) && (
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
                        <td>{e.error}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
          <button type="button" class="btn btn-small" onClick={() => (setReport(null), setError(null))}>
            {t('common.close')}
          </button>
        </div>
      )}
    </>
  );
}
