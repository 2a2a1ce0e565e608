// A label chip: colour dot + name, and a remove button when it can be removed. The picker is in LabelPicker.tsx.
import type { LabelRef } from '../api/types';
import { t } from '../i18n';
import { IconX } from './icons';

export function LabelChip({ label, onRemove }: { label: LabelRef; onRemove?: () => void }) {
  return (
    <span class="label-chip" data-testid="label-chip" data-label-id={label.id}>
      <span class="label-dot" style={{ background: label.color }} aria-hidden="true" />
      <span class="label-name">{label.name}</span>
      {onRemove && (
        <button type="button" class="label-remove" aria-label={t('labels.remove', { name: label.name })} title={t('labels.remove', { name: label.name })} onClick={onRemove}>
          <IconX width="12" height="12" />
        </button>
      )}
    </span>
  );
}
