import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from '../../i18n';

export function Heading({ children, intro }: { children: ComponentChildren; intro?: ComponentChildren }) {
  return (
    <div class="settings-heading">
      <h2 id="settings-heading">{children}</h2>
      {intro && <p class="muted">{intro}</p>}
    </div>
  );
}

export function Notice({ error, ok }: { error?: string | null; ok?: string | null }) {
  if (error)
    return (
      <p class="alert alert-error" role="alert">
        {error}
      </p>
    );
  if (ok)
    return (
      <p class="alert alert-success" role="status">
        {ok}
      </p>
    );
  return null;
}

export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Clipboard blocked: the field is selectable anyway.
    }
  };
  return (
    <div class="field">
      <span>{label}</span>
      <div class="copy-row">
        <input readOnly value={value} onFocus={(e) => e.currentTarget.select()} data-testid={testId} aria-label={label} />
        <button type="button" class="btn" onClick={() => void copy()}>
          {copied ? t('common.copied') : t('common.copy')}
        </button>
      </div>
    </div>
  );
}
