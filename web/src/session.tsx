// Who is signed in. The session cookie is HttpOnly, so the console asks GET /api/session on start; the CSRF
// token from that answer goes on every state-changing request (api/http.ts).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { request, setCsrfToken, setUnauthorizedHandler } from './api/http';
import type { Role, Session, User } from './api/types';
import { navigate } from './router';

interface SessionState {
  user: User | null;
  loading: boolean;
  signIn(login: string, password: string): Promise<void>;
  setup(body: { token: string; email: string; name: string; password: string }): Promise<void>;
  signOut(): Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

const PUBLIC_PATHS = ['/signin', '/setup'];

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);

  const accept = useCallback((s: Session | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setUser(s?.user ?? null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      accept(null);
      if (!PUBLIC_PATHS.includes(location.pathname)) navigate(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    });
    request<Session>('GET', '/api/session')
      .then(accept, () => accept(null))
      .finally(() => setLoading(false));
  }, [accept]);

  const signIn = useCallback(async (login: string, password: string) => {
    accept(await request<Session>('POST', '/api/session', { login, password }));
  }, [accept]);
  const setup = useCallback(async (body: { token: string; email: string; name: string; password: string }) => {
    accept(await request<Session>('POST', '/api/setup', body));
  }, [accept]);
  const signOut = useCallback(async () => {
    try {
      await request<void>('DELETE', '/api/session');
    } finally {
      accept(null);
      navigate('/signin');
    }
  }, [accept]);

  const value = useMemo(() => ({ user, loading, signIn, setup, signOut }), [user, loading, signIn, setup, signOut]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The pages each role may open (the API refuses the rest with 403 anyway). */
export const PAGES_BY_ROLE: Record<Role, string[]> = {
  admin: ['reports', 'campaigns', 'subscribers', 'teams', 'delivery', 'content', 'casualties', 'va-tasks', 'providers', 'casualty-stats', 'simulator', 'users'],
  educator: ['campaigns', 'subscribers', 'content', 'simulator'],
  // Coordinators see casualty counts and needs (the statistics page), never who (casualty records).
  coordinator: ['reports', 'teams', 'delivery', 'content', 'casualty-stats', 'simulator'],
  // Issue 12's role: casualty records, tasks, the service directory and the statistics; the library is not open
  // to it (GET /api/content), the simulator is.
  victim_assistance: ['casualties', 'va-tasks', 'providers', 'casualty-stats', 'simulator'],
};

/** Where a page lives when its path is not simply `/<page>`. */
const PAGE_PATHS: Record<string, string> = {
  casualties: '/victims/casualties', 'va-tasks': '/victims/tasks', providers: '/victims/providers', 'casualty-stats': '/victims/stats',
};
export const pathOfPage = (page: string) => PAGE_PATHS[page] ?? `/${page}`;

export function pagesFor(role: Role | undefined): string[] {
  return role ? PAGES_BY_ROLE[role] ?? [] : [];
}
