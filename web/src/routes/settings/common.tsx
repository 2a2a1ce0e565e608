import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { del } from '../../api/client';
import { errorText, t } from '../../i18n';

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

/**
 * Splits an API error into messages per form field: validation errors name their fields ("Invalid json: shortcut:
 * …; body: …"), and some codes belong to one field (`codeFields`). What fits no field comes back as `form`.
 */
export interface FieldErrors<F extends string> {
  form: string | null;
  fields: Partial<Record<F, string>>;
}

export function fieldErrors<F extends string>(err: unknown, names: readonly F[], codeFields: Partial<Record<string, F>> = {}): FieldErrors<F> {
  const fields: Partial<Record<F, string>> = {};
  const e = err as { code?: string; message?: string } | null;
  const field = e?.code ? codeFields[e.code] : undefined;
  if (field) {
    fields[field] = errorText(err);
    return { form: null, fields };
  }
  if (e?.code === 'validation_failed' && e.message) {
    const rest: string[] = [];
    for (const part of e.message.replace(/^Invalid \w+: /, '').split('; ')) {
      const m = /^([\w.]+): (.*)$/.exec(part);
      const f = m ? names.find((x) => x === m[1]!.split('.')[0]) : undefined;
      if (f) fields[f] = m![2]!;
      else rest.push(part);
    }
    return { form: rest.length ? rest.join('; ') : null, fields };
  }
  return { form: errorText(err), fields };
}

/** A form field with its error below it, tied together for screen readers. */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: ComponentChildren; error?: string | undefined; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** aria attributes of an input inside <Field>. */
export const describedBy = (id: string, hint: boolean, error: string | undefined) => ({
  'aria-invalid': error ? true : undefined,
  'aria-describedby': [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
});

/** A settings form's Save (busy while sending) and Cancel buttons. */
export function SaveCancel({ busy = false, onCancel, testId }: { busy?: boolean; onCancel: () => void; testId?: string }) {
  return (
    <div class="button-row">
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid={testId}>
        {busy ? t('common.loading') : t('common.save')}
      </button>
      <button type="button" class="btn" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

/**
 * The state of a settings list whose items are edited in place (labels, quick replies, custom fields): which item
 * (or "new") is open, the last message, and deleting one after a confirmation.
 */
export function useEditableList<T extends { id: string }>(reload: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const saved = async (message: string) => {
    setEditing(null);
    setOk(message);
    await reload();
  };
  const remove = async (question: string, path: string, done: string) => {
    if (!confirm(question)) return;
    setError(null);
    setOk(null);
    try {
      await del(path);
      await saved(done);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const open = (item: T | 'new') => {
    setOk(null);
    setEditing(item);
  };
  const isEditing = (item: T) => editing !== 'new' && editing?.id === item.id;
  return { error, setError, ok, editing, open, close: () => setEditing(null), saved, remove, isEditing };
}

/**
 * A form just opened puts the focus in its first field — unless the person already moved into the form (the effect
 * runs after paint; taking the focus back then would send their typing to the wrong field).
 */
export function focusFirst(el: HTMLInputElement | HTMLTextAreaElement | null) {
  if (!el || el.form?.contains(document.activeElement)) return;
  el.focus();
}
