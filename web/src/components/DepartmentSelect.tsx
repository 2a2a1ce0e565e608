// The organisation's departments as a <select> (the inbox filter, the chat's transfer); nothing while there are none.
import { departments } from '../state/catalog';

export function DepartmentSelect(props: {
  label: string;
  value: string;
  /** The first options, before the departments (e.g. "all", "general queue"). */
  leading: { value: string; label: string }[];
  onChange(value: string | null): void;
  disabled?: boolean;
  testId: string;
}) {
  if (!departments.value?.length) return null;
  return (
    <label class="field-inline">
      <span class="sr-only">{props.label}</span>
      <select value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.value || null)} data-testid={props.testId} title={props.label}>
        {props.leading.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {departments.value.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </select>
    </label>
  );
}
