// One routes table: public auth pages, and the logged-in app (inbox, contacts, deals, settings) inside the shell.
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import type { ComponentChildren } from 'preact';
import { Redirect } from './components/Redirect';
import { Shell } from './components/Shell';
import { t } from './i18n';
import { AcceptInvite } from './routes/auth/AcceptInvite';
import { ForgotPassword } from './routes/auth/ForgotPassword';
import { Login } from './routes/auth/Login';
import { ResetPassword } from './routes/auth/ResetPassword';
import { Signup } from './routes/auth/Signup';
import { Inbox } from './routes/inbox/Inbox';
import { authStatus } from './state/session';

const Settings = lazy(() => import('./routes/settings/Settings').then((m) => m.Settings));
const Contacts = lazy(() => import('./routes/contacts/Contacts').then((m) => m.Contacts));
const ContactDetail = lazy(() => import('./routes/contacts/ContactDetail').then((m) => m.ContactDetail));
const Deals = lazy(() => import('./routes/deals/Deals').then((m) => m.Deals));
const Reports = lazy(() => import('./routes/reports/Reports').then((m) => m.Reports));

/** Logged-in pages: anonymous visitors go to the login page, which brings them back afterwards. */
function Private({ children }: { children: ComponentChildren }) {
  const { url } = useLocation();
  if (authStatus.value !== 'authed') return <Redirect to={`/login?next=${encodeURIComponent(url)}`} />;
  return <Shell>{children}</Shell>;
}

/** Login and sign-up make no sense while logged in. */
function Public({ children }: { children: ComponentChildren }) {
  const { query } = useLocation();
  if (authStatus.value === 'authed') return <Redirect to={safeNext(query.next)} />;
  return <>{children}</>;
}

export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/inbox';
}

const InboxPage = () => (
  <Private>
    <Inbox />
  </Private>
);
const SettingsPage = () => (
  <Private>
    <Settings />
  </Private>
);
const ContactsPage = () => (
  <Private>
    <Contacts />
  </Private>
);
const ContactPage = () => (
  <Private>
    <ContactDetail />
  </Private>
);
const DealsPage = () => (
  <Private>
    <Deals />
  </Private>
);
const ReportsPage = () => (
  <Private>
    <Reports />
  </Private>
);
const LoginPage = () => (
  <Public>
    <Login />
  </Public>
);
const SignupPage = () => (
  <Public>
    <Signup />
  </Public>
);
const ForgotPage = () => (
  <Public>
    <ForgotPassword />
  </Public>
);
const Home = () => <Redirect to={authStatus.value === 'authed' ? '/inbox' : '/login'} />;

export function App() {
  if (authStatus.value === 'loading') {
    return (
      <div class="splash" aria-busy="true">
        <span class="brand-mark" aria-hidden="true">C</span>
        <p>{t('common.loading')}</p>
      </div>
    );
  }
  return (
    <LocationProvider>
      <ErrorBoundary>
        <Router>
          <Route path="/" component={Home} />
          <Route path="/login" component={LoginPage} />
          <Route path="/signup" component={SignupPage} />
          <Route path="/forgot-password" component={ForgotPage} />
          <Route path="/reset-password" component={ResetPassword} />
          <Route path="/accept-invite" component={AcceptInvite} />
          <Route path="/inbox/:id?" component={InboxPage} />
          <Route path="/settings/:tab?" component={SettingsPage} />
          <Route path="/contacts" component={ContactsPage} />
          <Route path="/contacts/:id" component={ContactPage} />
          <Route path="/deals" component={DealsPage} />
          <Route path="/reports" component={ReportsPage} />
          <Route default component={Home} />
        </Router>
      </ErrorBoundary>
    </LocationProvider>
  );
}
