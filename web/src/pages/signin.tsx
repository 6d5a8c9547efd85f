import { useEffect, useState, type FormEvent } from 'react';
import { request } from '../api/http';
import { ErrorBox, PageTitle } from '../components/common';
import { LanguageSwitcher } from '../components/layout';
import { useI18n } from '../i18n/i18n';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';

export function SignInPage() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const { search } = useLocation();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [setupNeeded, setSetupNeeded] = useState(false);

  useEffect(() => {
    request<{ needed: boolean }>('GET', '/api/setup').then((r) => setSetupNeeded(r.needed), () => {});
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(login, password);
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <div className="corner"><LanguageSwitcher /></div>
      <PageTitle>{t('signin.title')}</PageTitle>
      {setupNeeded && <p className="notice">{t('signin.setupNeeded')}</p>}
      <form onSubmit={submit} className="stack">
        <label>
          {t('signin.login')}
          <input name="login" autoComplete="username" required value={login} onChange={(e) => setLogin(e.target.value)} />
        </label>
        <label>
          {t('signin.password')}
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
      <p className="muted"><a href="/api/docs">{t('signin.apiDocs')}</a></p>
    </main>
  );
}
