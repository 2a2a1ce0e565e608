// The contact's editable data: name, phone (E.164 on the server: its error shows under the field), e-mail and the
// organisation's custom attributes, each edited by its type. Only what changed is sent.
import { useState } from 'preact/hooks';
import { updateContact, type AttributeDefinition, type Contact, type UpdateContactBody } from '../../api/crm';
import { errorText, t } from '../../i18n';
import { FieldError } from './parts';

type Values = Record<string, string>;

/** Every attribute as the text its input holds ('' = not set; booleans 'true' / 'false'). */
function attributeInputs(defs: AttributeDefinition[], attrs: Record<string, unknown>): Values {
  const out: Values = {};
  for (const d of defs) {
    const v = attrs[d.key];
    out[d.key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

function attributeValue(def: AttributeDefinition, text: string): unknown {
  if (text === '') return null;
  if (def.type === 'number') return Number(text);
  if (def.type === 'boolean') return text === 'true';
  return text;
}

type ErrorField = 'name' | 'phone' | 'email' | 'attributes' | 'form';

function fieldOf(err: unknown): ErrorField {
  const { code, message } = err as { code?: string; message?: string };
  if (code === 'invalid_phone' || code === 'contact_exists' || code === 'whatsapp_id_in_use') return 'phone';
  if (code === 'invalid_attributes') return 'attributes';
  if (code === 'validation_failed' && message?.includes('email')) return 'email';
  if (code === 'validation_failed' && message?.includes('name')) return 'name';
  return 'form';
}

export function ContactForm({ contact, defs, onSaved }: { contact: Contact; defs: AttributeDefinition[]; onSaved: (c: Contact) => void }) {
  const [name, setName] = useState(contact.name ?? '');
  const [phone, setPhone] = useState(contact.phone ?? '');
  const [email, setEmail] = useState(contact.email ?? '');
  const [attrs, setAttrs] = useState<Values>(() => attributeInputs(defs, contact.attributes));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: ErrorField; text: string } | null>(null);
  const [saved, setSaved] = useState(false);
  // Definitions may arrive after the contact: inputs for them start from the stored values.
  const original = attributeInputs(defs, contact.attributes);
  const valueOf = (key: string) => attrs[key] ?? original[key] ?? '';

  const submit = async (e: Event) => {
    e.preventDefault();
    const body: UpdateContactBody = {};
    if (name.trim() !== (contact.name ?? '')) body.name = name.trim();
    if (phone.trim() !== (contact.phone ?? '')) body.phone = phone.trim() || null;
    if (email.trim() !== (contact.email ?? '')) body.email = email.trim() || null;
    const attributes: Record<string, unknown> = {};
    for (const d of defs) if (valueOf(d.key) !== original[d.key]) attributes[d.key] = attributeValue(d, valueOf(d.key));
    if (Object.keys(attributes).length) body.attributes = attributes;
    setError(null);
    setSaved(false);
    if (Object.keys(body).length === 0) {
      setSaved(true);
      return;
    }
    setBusy(true);
    try {
      const { contact: next } = await updateContact(contact.id, body);
      // The server's normalised values (E.164 phone, trimmed text) become what the inputs hold.
      setName(next.name ?? '');
      setPhone(next.phone ?? '');
      setEmail(next.email ?? '');
      setAttrs(attributeInputs(defs, next.attributes));
      setSaved(true);
      onSaved(next);
    } catch (err) {
      setError({ field: fieldOf(err), text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const errorFor = (f: ErrorField) => (error?.field === f ? error.text : null);
  return (
    <form class="form" onSubmit={(e) => void submit(e)} data-testid="contact-form" noValidate>
      <div class="field">
        <label for="contact-name" class="crm-label-text">{t('crm.name')}</label>
        <input id="contact-name" value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} aria-invalid={!!errorFor('name')} aria-describedby="contact-name-error" data-testid="contact-name" />
        <FieldError id="contact-name-error" text={errorFor('name')} />
      </div>
      <div class="field">
        <label for="contact-phone" class="crm-label-text">{t('crm.phone')}</label>
        <input
          id="contact-phone"
          type="tel"
          value={phone}
          onInput={(e) => setPhone(e.currentTarget.value)}
          placeholder="+55 11 98765-4321"
          aria-invalid={!!errorFor('phone')}
          aria-describedby="contact-phone-hint contact-phone-error"
          data-testid="contact-phone"
        />
        <span id="contact-phone-hint" class="hint">
          {t('crm.phoneHint')}
        </span>
        <FieldError id="contact-phone-error" text={errorFor('phone')} />
      </div>
      <div class="field">
        <label for="contact-email" class="crm-label-text">{t('crm.email')}</label>
        <input id="contact-email" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} aria-invalid={!!errorFor('email')} aria-describedby="contact-email-error" data-testid="contact-email" />
        <FieldError id="contact-email-error" text={errorFor('email')} />
      </div>
      {defs.length > 0 && (
        <fieldset class="fieldset" aria-describedby="contact-attributes-error">
          <legend>{t('crm.attributes')}</legend>
          {defs.map((d) => (
            <AttributeInput key={d.id} def={d} value={valueOf(d.key)} onChange={(v) => setAttrs({ ...attrs, [d.key]: v })} />
          ))}
          <FieldError id="contact-attributes-error" text={errorFor('attributes')} />
        </fieldset>
      )}
      {error?.field === 'form' && (
        <p class="alert alert-error" role="alert">
          {error.text}
        </p>
      )}
      <div class="button-row">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="contact-save">
          {busy ? t('crm.saving') : t('common.save')}
        </button>
        {saved && !error && (
          <span class="crm-saved" role="status" data-testid="contact-saved">
            {t('common.saved')}
          </span>
        )}
      </div>
    </form>
  );
}

function AttributeInput({ def, value, onChange }: { def: AttributeDefinition; value: string; onChange: (v: string) => void }) {
  const id = `attr-${def.key}`;
  const common = { id, 'data-testid': id, 'aria-describedby': def.description ? `${id}-hint` : undefined };
  let control;
  switch (def.type) {
    case 'number':
      control = <input {...common} type="number" step="any" value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
      break;
    case 'date':
      control = <input {...common} type="date" value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
      break;
    case 'boolean':
      control = (
        <select {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">—</option>
          <option value="true">{t('common.yes')}</option>
          <option value="false">{t('common.no')}</option>
        </select>
      );
      break;
    case 'list':
      control = (
        <select {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">—</option>
          {def.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    default:
      control = <input {...common} type="text" maxLength={1000} value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
  }
  return (
    <div class="field">
      <label for={id}>
        <span class="crm-label-text">{def.label}</span>
      </label>
      {control}
      {def.description && (
        <span id={`${id}-hint`} class="hint">
          {def.description}
        </span>
      )}
    </div>
  );
}
