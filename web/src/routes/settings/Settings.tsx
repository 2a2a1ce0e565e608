// Tenant-admin settings: organisation, users, WhatsApp channels, templates, canned responses, labels, custom
// contact fields, sales pipelines, audit log.
import { useRoute } from 'preact-iso';
import { useEffect } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n';
import { isAdmin } from '../../state/session';
import { ApiKeys } from './ApiKeys';
import { AuditLog } from './AuditLog';
import { CannedResponses } from './CannedResponses';
import { Channels } from './Channels';
import { CustomFields } from './CustomFields';
import { Labels } from './Labels';
import { Departments } from './Departments';
import { AutomationSettings } from './Automation';
import { Members } from './Members';
import { OrganizationSettings } from './Organization';
import { Pipelines } from './Pipelines';
import { Privacy } from './Privacy';
import { Webhooks } from './Webhooks';
import { Templates } from './Templates';

const TABS = [
  { id: 'organization', label: 'settings.organization', component: OrganizationSettings },
  { id: 'members', label: 'settings.members', component: Members },
  { id: 'channels', label: 'settings.channels', component: Channels },
  { id: 'departments', label: 'settings.departments', component: Departments },
  { id: 'automation', label: 'settings.automation', component: AutomationSettings },
  { id: 'templates', label: 'settings.templates', component: Templates },
  { id: 'canned-responses', label: 'settings.canned', component: CannedResponses },
  { id: 'labels', label: 'settings.labels', component: Labels },
  { id: 'custom-fields', label: 'settings.fields', component: CustomFields },
  { id: 'pipelines', label: 'settings.pipelines', component: Pipelines },
  { id: 'api-keys', label: 'settings.apiKeys', component: ApiKeys },
  { id: 'webhooks', label: 'settings.webhooks', component: Webhooks },
  { id: 'audit', label: 'settings.audit', component: AuditLog },
  { id: 'privacy', label: 'settings.privacy', component: Privacy },
] as const satisfies readonly { id: string; label: MessageKey; component: unknown }[];

export function Settings() {
  const { params } = useRoute();
  const tab = TABS.find((x) => x.id === params.tab) ?? TABS[0];
  useEffect(() => {
    document.title = `${t(tab.label)} · ${t('settings.title')} · ${t('app.name')}`;
  });
  if (!isAdmin.value) {
    return (
      <div class="settings">
        <p class="alert alert-info">{t('settings.adminOnly')}</p>
      </div>
    );
  }
  const Tab = tab.component;
  return (
    <div class="settings">
      <nav class="settings-nav" aria-label={t('settings.sections')}>
        <h1>{t('settings.title')}</h1>
        <ul>
          {TABS.map((x) => (
            <li key={x.id}>
              <a href={`/settings/${x.id}`} aria-current={x.id === tab.id ? 'page' : undefined} data-testid={`settings-${x.id}`}>
                {t(x.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section class="settings-body" aria-labelledby="settings-heading">
        <Tab />
      </section>
    </div>
  );
}
