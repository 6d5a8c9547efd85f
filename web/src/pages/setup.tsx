// First run: the one-time link the start-up log prints (/setup?token=…) creates the first admin.
import { useEffect, useState, type FormEvent } from 'react';
import { request } from '../api/http';
import { ErrorBox, PageTitle } from '../components/common';
import { LanguageSwitcher } from '../components/layout';
import { useI18n } from '../i18n/i18n';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';

export function SetupPage() {
  const { t } = useI18n();
  const { setup } = useSession();
  const { search } = useLocation();
  const [token, setToken] = useState(search.get('token') ?? '');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [needed, setNeeded] = useState<boolean | null>(null);

  useEffect(() => {
    request<{ needed: boolean }>('GET', '/api/setup').then((r) => setNeeded(r.needed), (e) => setError(e));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await setup({ token, email, name, password });
      navigate('/users', { replace: true });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main id="main" className="narrow">
      <div className="corner"><LanguageSwitcher /></div>
      <PageTitle>{t('setup.title')}</PageTitle>
      {needed === false ? (
        <p>{t('setup.done')} <Link href="/signin">{t('signin.title')}</Link></p>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>{t('setup.intro')}</p>
          <label>
            {t('setup.token')}
            <input name="token" required value={token} onChange={(e) => setToken(e.target.value)} />
          </label>
          <label>
            {t('users.name')}
            <input name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            {t('users.email')}
            <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            {t('signin.password')}
            <input name="password" type="password" autoComplete="new-password" minLength={10} maxLength={200} required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="pw-hint" />
          </label>
          <p id="pw-hint" className="muted">{t('users.passwordHint')}</p>
          <ErrorBox error={error} />
          <button type="submit" className="primary">{t('setup.submit')}</button>
        </form>
      )}
    </main>
  );
}
