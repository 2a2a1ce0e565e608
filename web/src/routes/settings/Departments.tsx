// Settings → Departamentos ("filas"): the queues the menu bot routes customers into. Each has a colour, members (who
// see its unassigned conversations) and an optional greeting sent when a customer lands in it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { patch, post } from '../../api/client';
import type { Department } from '../../api/types';
import { t } from '../../i18n';
import { departments, loadDepartments } from '../../state/catalog';
import { loadMembers, members } from '../../state/members';
import { ColorSwatches, LABEL_COLORS } from './Labels';
import { describedBy, Field, fieldErrors, focusFirst, Heading, Notice, SaveCancel, useEditableList, type FieldErrors } from './common';

const FIELDS = ['name', 'color', 'greeting', 'memberIds'] as const;
type Errors = FieldErrors<(typeof FIELDS)[number]>;
const CODE_FIELDS = { name_taken: 'name', invalid_member: 'memberIds' } as const;

export function Departments() {
  const list = departments.value;
  const ed = useEditableList<Department>(() => loadDepartments(true));
  useEffect(() => {
    void loadDepartments(true);
    void loadMembers();
  }, []);
  const remove = (d: Department) => ed.remove(t('departments.deleteConfirm', { name: d.name }), `/api/v1/departments/${d.id}`, t('departments.deleted', { name: d.name }));
  const names = (ids: string[]) =>
    ids
      .map((id) => members.value?.find((m) => m.userId === id)?.name)
      .filter(Boolean)
      .join(', ');

  return (
    <div class="stack">
      <Heading intro={t('departments.intro')}>{t('departments.title')}</Heading>
      <Notice error={ed.error} ok={ed.ok} />
      {ed.editing === 'new' ? (
        <DepartmentForm onDone={ed.saved} onCancel={ed.close} />
      ) : (
        <div>
          <button type="button" class="btn btn-primary" onClick={() => ed.open('new')} data-testid="department-new">
            {t('departments.new')}
          </button>
        </div>
      )}
      {list === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p class="muted">{t('departments.none')}</p>
      ) : (
        <ul class="item-list" data-testid="department-list">
          {list.map((d) =>
            ed.isEditing(d) ? (
              <li key={d.id} class="card">
                <DepartmentForm initial={d} onDone={ed.saved} onCancel={ed.close} />
              </li>
            ) : (
              <li key={d.id} class="card item" data-name={d.name}>
                <div class="item-main">
                  <p class="item-title">
                    <span class="dept-dot" style={{ background: d.color }} aria-hidden="true" /> {d.name}
                  </p>
                  <p class="item-body muted">{d.memberIds.length ? t('departments.members', { n: d.memberIds.length, names: names(d.memberIds) }) : t('departments.noMembers')}</p>
                  {d.autoAssign && <p class="item-body">{t('departments.autoAssignSummary', { n: d.maxOpenPerAgent })}</p>}
                  {d.greeting && <p class="item-body">{d.greeting}</p>}
                </div>
                <div class="item-actions">
                  <button type="button" class="btn btn-small" onClick={() => ed.open(d)} aria-label={t('departments.editOne', { name: d.name })}>
                    {t('action.edit')}
                  </button>
                  <button type="button" class="btn btn-small btn-danger" onClick={() => void remove(d)} aria-label={t('departments.deleteOne', { name: d.name })}>
                    {t('action.delete')}
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
    </div>
  );
}

function DepartmentForm({ initial, onDone, onCancel }: { initial?: Department; onDone(message: string): void; onCancel(): void }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [color, setColor] = useState(initial?.color ?? LABEL_COLORS[1]!.hex);
  const [greeting, setGreeting] = useState(initial?.greeting ?? '');
  const [memberIds, setMemberIds] = useState<string[]>(initial?.memberIds ?? []);
  const [autoAssign, setAutoAssign] = useState(initial?.autoAssign ?? false);
  const [maxOpen, setMaxOpen] = useState(initial?.maxOpenPerAgent ?? 5);
  const [requeue, setRequeue] = useState<number | null>(initial?.requeueAfterMinutes ?? null);
  const [errors, setErrors] = useState<Errors>({ form: null, fields: {} });
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => focusFirst(first.current), []);
  const idp = initial ? `dept-${initial.id}` : 'dept-new';

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({ form: null, fields: {} });
    const payload = { name, color, greeting: greeting.trim() || null, memberIds, autoAssign, maxOpenPerAgent: maxOpen, requeueAfterMinutes: requeue };
    try {
      if (initial) await patch(`/api/v1/departments/${initial.id}`, payload);
      else await post('/api/v1/departments', payload);
      onDone(t(initial ? 'departments.updated' : 'departments.created', { name: name.trim() }));
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS, CODE_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={submit} data-testid="department-form" aria-labelledby={`${idp}-title`}>
      <h3 id={`${idp}-title`}>{initial ? t('departments.editOne', { name: initial.name }) : t('departments.new')}</h3>
      <Field id={`${idp}-name`} label={t('departments.name')} error={errors.fields.name}>
        <input
          ref={first}
          id={`${idp}-name`}
          required
          maxLength={60}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          autoComplete="off"
          {...describedBy(`${idp}-name`, false, errors.fields.name)}
          data-testid="department-name"
        />
      </Field>
      <ColorSwatches name={`${idp}-color`} value={color} onChange={setColor} />
      <fieldset class="fieldset" aria-describedby={errors.fields.memberIds ? `${idp}-members-error` : undefined}>
        <legend>{t('departments.membersField')}</legend>
        {members.value === null ? (
          <p aria-busy="true">{t('common.loading')}</p>
        ) : (
          <div class="check-grid" data-testid="department-members">
            {members.value.map((m) => (
              <label key={m.userId} class="check">
                <input
                  type="checkbox"
                  checked={memberIds.includes(m.userId)}
                  onChange={(e) => setMemberIds((ids) => (e.currentTarget.checked ? [...ids, m.userId] : ids.filter((id) => id !== m.userId)))}
                />
                {m.name} <span class="muted small">({t(`role.${m.role}`)})</span>
              </label>
            ))}
          </div>
        )}
        {errors.fields.memberIds && (
          <p class="field-error" id={`${idp}-members-error`} role="alert">
            {errors.fields.memberIds}
          </p>
        )}
      </fieldset>
      <fieldset class="fieldset">
        <legend>{t('departments.autoAssign')}</legend>
        <label class="check">
          <input type="checkbox" checked={autoAssign} onChange={(e) => setAutoAssign(e.currentTarget.checked)} data-testid="department-auto-assign" />
          {t('departments.autoAssignOn')}
        </label>
        <div class="field-row">
          <label class="field">
            <span>{t('departments.maxOpen')}</span>
            <input type="number" min={1} max={100} value={maxOpen} disabled={!autoAssign} onInput={(e) => setMaxOpen(Number(e.currentTarget.value) || 1)} data-testid="department-max-open" />
          </label>
          <label class="field">
            <span>{t('departments.requeue')}</span>
            <input
              type="number"
              min={1}
              max={1440}
              value={requeue ?? ''}
              placeholder={t('departments.requeueNever')}
              disabled={!autoAssign}
              onInput={(e) => setRequeue(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
            />
          </label>
        </div>
      </fieldset>
      <Field id={`${idp}-greeting`} label={`${t('departments.greeting')} ${t('common.optional')}`} hint={t('departments.greetingHint')} error={errors.fields.greeting}>
        <textarea
          id={`${idp}-greeting`}
          rows={2}
          maxLength={1024}
          value={greeting}
          onInput={(e) => setGreeting(e.currentTarget.value)}
          {...describedBy(`${idp}-greeting`, true, errors.fields.greeting)}
          data-testid="department-greeting"
        />
      </Field>
      <Notice error={errors.form} />
      <SaveCancel busy={busy} onCancel={onCancel} testId="department-save" />
    </form>
  );
}
