import { t } from '../i18n';
import { connection } from '../state/realtime';

/** The live-update state, always visible in the header; announced politely when it changes. */
export function ConnectionBadge() {
  const state = connection.value;
  return (
    <span class={`conn conn-${state}`} role="status" aria-live="polite" title={t(`conn.${state}.hint`)} data-connection={state}>
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-label">{t(`conn.${state}`)}</span>
      <span class="sr-only"> — {t(`conn.${state}.hint`)}</span>
    </span>
  );
}
