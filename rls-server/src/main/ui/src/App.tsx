import { Link } from './components/Link';
import { TokenBox } from './components/TokenBox';
import { Denials } from './pages/Denials';
import { Health } from './pages/Health';
import { Overview } from './pages/Overview';
import { Rollout } from './pages/Rollout';
import { Tenant } from './pages/Tenant';
import { Tenants } from './pages/Tenants';
import { hrefs, parse, usePathname, type Route } from './router';

const NAV: [Route['page'], string, string][] = [
  ['overview', 'Overview', hrefs.overview],
  ['tenants', 'Tenants', hrefs.tenants],
  ['rollout', 'Rollout', hrefs.rollout],
  ['denials', 'Denials', hrefs.denials],
  ['health', 'Health', hrefs.health],
];

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <Overview />;
    case 'tenants':
      return <Tenants />;
    case 'tenant':
      return <Tenant key={route.id} id={route.id} />;
    case 'denials':
      return <Denials />;
    case 'rollout':
      return <Rollout />;
    case 'health':
      return <Health />;
    default:
      return (
        <div className="page">
          <h1>Not found</h1>
          <p>
            No page at <code>{route.path}</code>. <Link href={hrefs.overview}>Overview</Link>
          </p>
        </div>
      );
  }
}

export function App() {
  const route = parse(usePathname());
  const current = route.page === 'tenant' ? 'tenants' : route.page;
  return (
    <>
      <header className="top">
        <span className="brand">Mimir Edge Enforcement</span>
        <nav>
          {NAV.map(([page, label, href]) => (
            <Link key={page} href={href} className={page === current ? 'active' : ''}>
              {label}
            </Link>
          ))}
        </nav>
        <TokenBox />
      </header>
      <main>
        <Page route={route} />
      </main>
    </>
  );
}
