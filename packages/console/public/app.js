// The console's shell: sign-in (a pasted token or `?token=`, exchanged for the
// HttpOnly cookie), the role's navigation, and hash routes to the pages.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { AutomationsPage, FailedPage, MailboxesPage, WebhooksPage } from './pages-admin.js';
import { QueuesPage } from './pages-operator.js';
import {
  DocumentPage,
  DocumentsPage,
  JobsPage,
  SessionPage,
  SessionsPage,
  UploadPage,
} from './pages-user.js';
import { html, Problem } from './ui.js';

const EVERYONE = ['user', 'admin', 'operator'];
const ADMINS = ['admin', 'operator'];
const OPERATORS = ['operator'];

/** Hash routes: pattern, page, who may open it, and the navigation label (if listed). */
const ROUTES = [
  { path: /^\/upload$/, page: UploadPage, roles: EVERYONE, nav: 'Upload', href: '#/upload' },
  { path: /^\/sessions$/, page: SessionsPage, roles: EVERYONE, nav: 'Sessions', href: '#/sessions' },
  { path: /^\/sessions\/([\w-]+)$/, page: SessionPage, roles: EVERYONE },
  { path: /^\/documents$/, page: DocumentsPage, roles: EVERYONE, nav: 'Documents', href: '#/documents' },
  { path: /^\/documents\/([\w-]+)$/, page: DocumentPage, roles: EVERYONE },
  { path: /^\/jobs$/, page: JobsPage, roles: EVERYONE, nav: 'Jobs', href: '#/jobs' },
  { path: /^\/failed$/, page: FailedPage, roles: ADMINS, nav: 'Failed jobs', href: '#/failed' },
  { path: /^\/webhooks$/, page: WebhooksPage, roles: ADMINS, nav: 'Webhooks', href: '#/webhooks' },
  { path: /^\/mailboxes$/, page: MailboxesPage, roles: ADMINS, nav: 'Mailboxes', href: '#/mailboxes' },
  {
    path: /^\/automations$/,
    page: AutomationsPage,
    roles: ADMINS,
    nav: 'Automations',
    href: '#/automations',
  },
  { path: /^\/queues$/, page: QueuesPage, roles: OPERATORS, nav: 'Queues', href: '#/queues' },
];

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    addEventListener('hashchange', update);
    // Effects run after paint: a hash changed between the first render and now fired no
    // event we could hear, so read it once more (a CI run caught exactly this race).
    update();
    return () => removeEventListener('hashchange', update);
  }, []);
  return hash.replace(/^#/, '') || '/upload';
}

function SignIn({ onSignedIn, error: initialError }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(initialError);
  const submit = async (event) => {
    event.preventDefault();
    try {
      onSignedIn(await api('POST', '/console/session', { token: token.trim() }));
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<main class="signin">
    <h1>Paperlane console</h1>
    <p>Paste an API token. <code>npm start</code> prints one for a user, a tenant admin and the operator; <code>paperlane token --role admin</code> makes more.</p>
    <form onSubmit=${submit}>
      <textarea rows="4" value=${token} onInput=${(e) => setToken(e.currentTarget.value)} placeholder="eyJ…" data-testid="token-input" aria-label="API token"></textarea>
      <button type="submit" data-testid="signin-submit">Sign in</button>
    </form>
    <${Problem} error=${error} what="Signing in" />
    <p class="muted">The token is kept in an HttpOnly cookie for 8 hours; this page never stores it.</p>
  </main>`;
}

function Shell({ who, onSignOut }) {
  const path = useHash();
  const route = ROUTES.find((r) => r.path.test(path));
  const allowed = route ? route.roles.includes(who.role) : false;
  const param = route?.path.exec(path)?.[1];
  const Page = route?.page;
  return html`<div class="shell">
    <header>
      <strong>Paperlane</strong>
      <nav data-testid="nav">
        ${ROUTES.filter((r) => r.nav && r.roles.includes(who.role)).map(
          (r) =>
            html`<a href=${r.href} class=${path.startsWith(r.href.slice(1)) ? 'active' : ''}>${r.nav}</a>`,
        )}
      </nav>
      <span class="who" data-testid="who">${who.tenant_id} · ${who.user_id} · <b>${who.role}</b></span>
      <button class="secondary" onClick=${onSignOut} data-testid="signout">Sign out</button>
    </header>
    <main>
      ${!route ? html`<p class="notice">No page at ${path}.</p>` : ''}
      ${
        route && !allowed
          ? html`<p class="notice error" data-testid="forbidden">This page needs the ${route.roles.filter((r) => r !== 'user').join(' or ')} role; you are signed in as ${who.role}.</p>`
          : ''
      }
      ${route && allowed ? html`<${Page} id=${param} />` : ''}
    </main>
  </div>`;
}

function App() {
  const [state, setState] = useState({ phase: 'loading' });
  useEffect(() => {
    (async () => {
      // `?token=` (a link from `npm start`): exchanged for the cookie, then removed from the address.
      const params = new URLSearchParams(location.search);
      const token = params.get('token');
      if (token) {
        params.delete('token');
        history.replaceState(
          null,
          '',
          `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`,
        );
        try {
          return setState({ phase: 'in', who: await api('POST', '/console/session', { token }) });
        } catch (error) {
          return setState({ phase: 'out', error });
        }
      }
      try {
        setState({ phase: 'in', who: await api('GET', '/console/session') });
      } catch {
        setState({ phase: 'out' });
      }
    })();
  }, []);
  const signOut = async () => {
    await api('DELETE', '/console/session').catch(() => {});
    setState({ phase: 'out' });
  };
  if (state.phase === 'loading') return html`<p class="muted">Loading…</p>`;
  if (state.phase === 'out')
    return html`<${SignIn} error=${state.error} onSignedIn=${(who) => setState({ phase: 'in', who })} />`;
  return html`<${Shell} who=${state.who} onSignOut=${signOut} />`;
}

render(html`<${App} />`, document.getElementById('app'));
