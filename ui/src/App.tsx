import { useEffect, useMemo, useState } from 'react';
import { Api, ApiError } from './api/client';
import { useViewState } from './state/useViewState';
import { pagePath, toSearch } from './state/url';
import { SinglePage } from './pages/SinglePage';
import { DiffPage } from './pages/DiffPage';

const THEME_KEY = 'flarestack.theme';
const TENANT_KEY = 'flarestack.tenant';

export function App() {
  const [state, update] = useViewState();
  const [theme, setTheme] = useState<'dark' | 'light'>(() => (localStorage.getItem(THEME_KEY) === 'light' ? 'light' : 'dark'));
  const tenant = state.tenant || localStorage.getItem(TENANT_KEY) || '';
  const [tenantText, setTenantText] = useState(tenant);
  const [multiTenant, setMultiTenant] = useState(false);
  const api = useMemo(() => new Api(tenant), [tenant]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);

  // Pyroscope's probe: without a tenant, a multi-tenant server answers 401.
  useEffect(() => {
    const end = Date.now();
    new Api('').labelNames([], end - 5 * 60e3, end).then(
      () => setMultiTenant(false),
      (e) => setMultiTenant(e instanceof ApiError && e.status === 401),
    );
  }, []);

  const setTenant = (t: string) => {
    localStorage.setItem(TENANT_KEY, t);
    update({ tenant: t });
  };
  const link = (page: 'single' | 'diff') => pagePath(page) + toSearch({ ...state, page });
  const dark = theme === 'dark';

  return (
    <div className="app">
      <header className="top">
        <div className="brand">
          <svg width="20" height="20" viewBox="0 0 16 16" aria-hidden="true"><rect x="0" y="12" width="16" height="4" fill="#e8590c" /><rect x="1" y="8" width="10" height="4" fill="#f08c00" /><rect x="12" y="8" width="3" height="4" fill="#f59f00" /><rect x="2" y="4" width="6" height="4" fill="#fab005" /><rect x="3" y="0" width="3" height="4" fill="#ffd43b" /></svg>
          Flarestack
        </div>
        <nav aria-label="Pages">
          <a href={link('single')} aria-current={state.page === 'single' ? 'page' : undefined}
            onClick={(e) => { e.preventDefault(); update({ page: 'single' }, true); }}>Flame graph</a>
          <a href={link('diff')} aria-current={state.page === 'diff' ? 'page' : undefined}
            onClick={(e) => { e.preventDefault(); update({ page: 'diff' }, true); }}>Diff</a>
        </nav>
        <span className="spacer" />
        <label className="row note" title="Sent as the X-Scope-OrgID header">
          Tenant
          <input aria-label="Tenant" placeholder={multiTenant ? 'required' : 'anonymous'} value={tenantText} style={{ width: 140 }}
            onChange={(e) => setTenantText(e.target.value)}
            onBlur={() => tenantText !== tenant && setTenant(tenantText.trim())}
            onKeyDown={(e) => e.key === 'Enter' && setTenant(tenantText.trim())} />
        </label>
        <button onClick={() => setTheme(dark ? 'light' : 'dark')} aria-label={`Switch to ${dark ? 'light' : 'dark'} theme`}>
          {dark ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      <main>
        {multiTenant && !tenant ? (
          <div className="alert" role="alert">
            <strong>A tenant is required</strong>
            This server runs in multi-tenant mode. Enter your tenant ID in the Tenant field; it is sent as X-Scope-OrgID.
          </div>
        ) : null}
        {state.page === 'diff'
          ? <DiffPage key={tenant} api={api} state={state} update={update} dark={dark} />
          : <SinglePage key={tenant} api={api} state={state} update={update} dark={dark} />}
      </main>
    </div>
  );
}
