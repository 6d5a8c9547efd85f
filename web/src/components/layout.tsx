// The frame of every signed-in page: skip link, navigation by role (a menu button on narrow screens),
// language switcher and sign-out.
import { useState, type ReactNode } from 'react';
import { LANGUAGES, useI18n, type Key, type Lang } from '../i18n/i18n';
import { Link, useLocation } from '../router';
import { pagesFor, useSession } from '../session';

const NAV: { page: string; href: string; label: Key }[] = [
  { page: 'reports', href: '/reports', label: 'nav.reports' },
  { page: 'campaigns', href: '/campaigns', label: 'nav.campaigns' },
  { page: 'subscribers', href: '/subscribers', label: 'nav.subscribers' },
  { page: 'teams', href: '/teams', label: 'nav.teams' },
  { page: 'delivery', href: '/delivery', label: 'nav.delivery' },
  { page: 'content', href: '/content', label: 'nav.content' },
  { page: 'users', href: '/users', label: 'nav.users' },
  { page: 'casualties', href: '/victims/casualties', label: 'nav.casualties' },
  { page: 'va-tasks', href: '/victims/tasks', label: 'nav.vaTasks' },
  { page: 'providers', href: '/victims/providers', label: 'nav.providers' },
  { page: 'casualty-stats', href: '/victims/stats', label: 'nav.casualtyStats' },
  { page: 'simulator', href: '/simulator', label: 'nav.simulator' },
];

export function LanguageSwitcher() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      <span>{t('common.language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user, signOut } = useSession();
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  const allowed = pagesFor(user?.role);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Hazardline
        </Link>
        <button type="button" className="menu-button" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen(!open)}>
          {t('nav.menu')}
        </button>
        <nav id="main-nav" aria-label={t('nav.label')} className={open ? 'open' : ''}>
          <ul>
            {NAV.filter((n) => allowed.includes(n.page)).map((n) => (
              <li key={n.page}>
                <Link href={n.href} aria-current={path === n.href || path.startsWith(`${n.href}/`) ? 'page' : undefined} onClick={() => setOpen(false)}>
                  {t(n.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <LanguageSwitcher />
          {user && (
            <>
              <span className="who">
                {user.name} <span className="role">({t(`role.${user.role}` as Key)})</span>
              </span>
              <button type="button" onClick={() => void signOut()}>
                {t('nav.signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
