// LGPD access request (admins): starts the export of everything held about the contact, follows its progress while
// the queue builds the ZIP, then offers the download (a day long; the API answers 410 after that).
import { useEffect, useState } from 'preact/hooks';
import { apiBlob } from '../../api/client';
import { getDataExport, listDataExports, startDataExport, type DataExport } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { bytes, dateTime } from '../../lib/format';

const POLL_MS = 1000;
const active = (e: DataExport | null) => e?.status === 'queued' || e?.status === 'running';

export function DataExportBox({ contactId }: { contactId: string }) {
  const [current, setCurrent] = useState<DataExport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    listDataExports(contactId)
      .then(({ data }) => live && setCurrent(data[0] ?? null))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [contactId]);

  // While the queue works on it, ask for its progress every second.
  useEffect(() => {
    if (!current || !active(current)) return;
    const timer = setTimeout(() => {
      getDataExport(current.id)
        .then(({ export: e }) => setCurrent(e))
        .catch((err) => setError(errorText(err)));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [current]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setCurrent((await startDataExport(contactId)).export);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const download = async (e: DataExport) => {
    setError(null);
    try {
      const url = URL.createObjectURL(await apiBlob(e.downloadUrl!));
      const a = document.createElement('a');
      a.href = url;
      a.download = `dados-contato-${contactId}.zip`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="stack" data-testid="data-export">
      <p class="muted small">{t('crm.dataExportIntro')}</p>
      <div>
        <button type="button" class="btn" disabled={busy || active(current)} onClick={() => void start()} data-testid="data-export-start">
          {t('crm.dataExport')}
        </button>
      </div>
      {current?.status === 'queued' && <p role="status">{t('crm.dataExportQueued')}</p>}
      {current?.status === 'running' && (
        <p role="status">
          <progress max={100} value={current.progress} /> {t('crm.dataExportRunning', { progress: current.progress })}
        </p>
      )}
      {current?.status === 'done' && current.downloadUrl && (
        <p role="status" data-testid="data-export-ready">
          {t('crm.dataExportDone', { size: bytes(current.sizeBytes), until: dateTime(current.expiresAt!) })}{' '}
          <a href={current.downloadUrl} onClick={(e) => (e.preventDefault(), void download(current))} data-testid="data-export-download">
            {t('crm.dataExportDownload')}
          </a>
        </p>
      )}
      {current?.status === 'done' && !current.downloadUrl && <p class="muted small">{t('crm.dataExportExpired')}</p>}
      {current?.status === 'failed' && (
        <p class="alert alert-error" role="alert">
          {t('crm.dataExportFailed', { error: current.error ?? '' })}
        </p>
      )}
      {error && (
        <p class="alert alert-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
