// Routes → pages. Signed-out visitors see /signin (or /setup on first run); a signed-in person sees the pages
// their role allows, and the first of them at `/`.
import { useEffect, type ReactNode } from 'react';
import { I18nProvider, useI18n } from './i18n/i18n';
import { SessionProvider, pagesFor, pathOfPage, useSession } from './session';
import { navigate, useLocation } from './router';
import { Layout } from './components/layout';
import { Loading, PageTitle } from './components/common';
import { SignInPage } from './pages/signin';
import { SetupPage } from './pages/setup';
import { ReportsPage } from './pages/reports';
import { ReportDetailPage } from './pages/report-detail';
import { CampaignsPage } from './pages/campaigns';
import { CampaignBuilderPage } from './pages/campaign-builder';
import { CampaignDetailPage } from './pages/campaign-detail';
import { SubscribersPage } from './pages/subscribers';
import { TeamsPage } from './pages/teams';
import { DeliveryPage } from './pages/delivery';
import { ContentPage } from './pages/content';
import { UsersPage } from './pages/users';
import { SimulatorPage } from './pages/simulator';
import { CasualtiesPage } from './pages/victims/casualties';
import { CasualtyPage } from './pages/victims/casualty';
import { VaTasksPage } from './pages/victims/tasks';
import { ProvidersPage } from './pages/victims/providers';
import { CasualtyStatsPage } from './pages/victims/stats';

interface Match {
  page: string;
  render: () => ReactNode;
}

function match(path: string): Match | null {
  let m: RegExpExecArray | null;
  if (path === '/reports') return { page: 'reports', render: () => <ReportsPage /> };
  if ((m = /^\/reports\/(\d+)$/.exec(path))) { const id = Number(m[1]); return { page: 'reports', render: () => <ReportDetailPage id={id} /> }; }
  if (path === '/campaigns') return { page: 'campaigns', render: () => <CampaignsPage /> };
  if (path === '/campaigns/new') return { page: 'campaigns', render: () => <CampaignBuilderPage /> };
  if ((m = /^\/campaigns\/(\d+)$/.exec(path))) { const id = Number(m[1]); return { page: 'campaigns', render: () => <CampaignDetailPage id={id} /> }; }
  if (path === '/subscribers') return { page: 'subscribers', render: () => <SubscribersPage /> };
  if (path === '/teams') return { page: 'teams', render: () => <TeamsPage /> };
  if (path === '/delivery') return { page: 'delivery', render: () => <DeliveryPage /> };
  if (path === '/content') return { page: 'content', render: () => <ContentPage /> };
  if (path === '/users') return { page: 'users', render: () => <UsersPage /> };
  if (path === '/simulator') return { page: 'simulator', render: () => <SimulatorPage /> };
  if (path === '/victims/casualties') return { page: 'casualties', render: () => <CasualtiesPage /> };
  if ((m = /^\/victims\/casualties\/(\d+)$/.exec(path))) { const id = Number(m[1]); return { page: 'casualties', render: () => <CasualtyPage key={id} id={id} /> }; }
  if (path === '/victims/tasks') return { page: 'va-tasks', render: () => <VaTasksPage /> };
  if (path === '/victims/providers') return { page: 'providers', render: () => <ProvidersPage /> };
  if (path === '/victims/stats') return { page: 'casualty-stats', render: () => <CasualtyStatsPage /> };
  return null;
}

function Routes() {
  const { path } = useLocation();
  const { user, loading } = useSession();
  const { t } = useI18n();
  const allowed = pagesFor(user?.role);

  useEffect(() => {
    if (loading) return;
    if (!user && path !== '/signin' && path !== '/setup') navigate(`/signin${path !== '/' ? `?next=${encodeURIComponent(path + location.search)}` : ''}`, { replace: true });
    else if (user && (path === '/' || path === '/signin' || path === '/setup')) navigate(pathOfPage(allowed[0] ?? 'content'), { replace: true });
  }, [loading, user, path, allowed]);

  if (path === '/setup' && !user) return <SetupPage />;
  if (path === '/signin' && !user) return <SignInPage />;
  if (loading || !user) return <main id="main"><Loading /></main>;
  const found = match(path);
  if (!found) {
    return <Layout><PageTitle>{t('common.notFound')}</PageTitle></Layout>;
  }
  if (!allowed.includes(found.page)) {
    return <Layout><PageTitle>{t('common.forbidden')}</PageTitle><p>{t('common.forbiddenText')}</p></Layout>;
  }
  return <Layout>{found.render()}</Layout>;
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Routes />
      </SessionProvider>
    </I18nProvider>
  );
}
