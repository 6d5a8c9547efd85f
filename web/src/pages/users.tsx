// Users and API keys (admin): create a user with a role and provinces, disable, reset a password; create a key
// (its secret shown once, with a copy button) and revoke it.
import { useEffect, useState, type FormEvent } from 'react';
import { request } from '../api/http';
import type { ApiKey, Role, User } from '../api/types';
import { ErrorBox, PageTitle, formatDate } from '../components/common';
import { useI18n, type Key } from '../i18n/i18n';

const ROLES: Role[] = ['admin', 'educator', 'coordinator'];

export function UsersPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('users.title')}</PageTitle>
      <Users />
      <Keys />
    </>
  );
}

function Users() {
  const { t, lang } = useI18n();
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const [form, setForm] = useState({ email: '', name: '', role: 'educator' as Role, phone: '', provinces: '', password: '' });
  const [reset, setReset] = useState<{ id: number; password: string } | null>(null);

  const load = () => request<{ data: User[] }>('GET', '/api/users').then((r) => setUsers(r.data), setError);
  useEffect(() => {
    void load();
  }, []);

  const run = async (fn: () => Promise<unknown>, message: string) => {
    setError(null);
    setDone('');
    try {
      await fn();
      setDone(message);
      await load();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const provinces = form.provinces.split(/[\s,]+/).filter(Boolean);
    const ok = await run(
      () => request('POST', '/api/users', {
        email: form.email.trim(), name: form.name.trim(), role: form.role, password: form.password,
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}), ...(provinces.length ? { provinces } : {}),
      }),
      t('users.created', { name: form.name }),
    );
    if (ok) setForm({ email: '', name: '', role: 'educator', phone: '', provinces: '', password: '' });
  };

  return (
    <section aria-labelledby="users-h">
      <h2 id="users-h">{t('users.users')}</h2>
      <div role="status" className="saved">{done}</div>
      <ErrorBox error={error} />
      <div className="table-wrap" tabIndex={0}>
        <table className="cards">
          <caption>{t('users.caption')}</caption>
          <thead><tr><th scope="col">{t('users.name')}</th><th scope="col">{t('users.email')}</th><th scope="col">{t('users.role')}</th><th scope="col">{t('users.provinces')}</th><th scope="col">{t('users.lastSignIn')}</th><th scope="col">{t('common.actions')}</th></tr></thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className={u.disabled ? 'disabled' : undefined}>
                <td data-label={t('users.name')}>{u.name}{u.disabled && <> · {t('users.disabled')}</>}</td>
                <td data-label={t('users.email')}>{u.email}</td>
                <td data-label={t('users.role')}>{t(`role.${u.role}` as Key)}</td>
                <td data-label={t('users.provinces')}>{u.provinces.length ? u.provinces.join(', ') : t('common.all')}</td>
                <td data-label={t('users.lastSignIn')}>{formatDate(u.lastSignInAt, lang)}</td>
                <td>
                  <button type="button" onClick={() => void run(() => request('PATCH', `/api/users/${u.id}`, { disabled: !u.disabled }), u.disabled ? t('users.enabledDone') : t('users.disabledDone'))}>
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>{' '}
                  <button type="button" onClick={() => setReset({ id: u.id, password: '' })}>{t('users.resetPassword')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {reset && (
        <form className="panel stack" onSubmit={(e) => { e.preventDefault(); void run(() => request('POST', `/api/users/${reset.id}/password`, { password: reset.password }), t('users.passwordReset')).then((ok) => ok && setReset(null)); }}>
          <label>
            {t('users.newPassword', { name: users.find((u) => u.id === reset.id)?.name ?? '' })}
            <input type="password" autoComplete="new-password" minLength={10} maxLength={200} required value={reset.password} onChange={(e) => setReset({ ...reset, password: e.target.value })} />
          </label>
          <div className="toolbar">
            <button type="submit" className="primary">{t('users.resetPassword')}</button>
            <button type="button" onClick={() => setReset(null)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      <h3>{t('users.new')}</h3>
      <form onSubmit={create} className="stack">
        <label>{t('users.name')}<input required maxLength={200} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
        <label>{t('users.email')}<input type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} /></label>
        <label>
          {t('users.role')}
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as Key)}</option>)}
          </select>
        </label>
        <label>{t('users.phone')}<input type="tel" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} /></label>
        <label>{t('users.provincesInput')}<input value={form.provinces} onChange={(e) => setForm({ ...form, provinces: e.target.value })} placeholder="01, 02" aria-describedby="prov-hint" /></label>
        <p id="prov-hint" className="muted">{t('users.provincesHint')}</p>
        <label>{t('signin.password')}<input type="password" autoComplete="new-password" minLength={10} maxLength={200} required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} /></label>
        <p className="muted">{t('users.passwordHint')}</p>
        <button type="submit" className="primary">{t('users.create')}</button>
      </form>
    </section>
  );
}

function Keys() {
  const { t, lang } = useI18n();
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('coordinator');
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const load = () => request<{ data: ApiKey[] }>('GET', '/api/keys').then((r) => setKeys(r.data), setError);
  useEffect(() => {
    void load();
  }, []);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setCopied(false);
    try {
      const k = await request<{ secret: string }>('POST', '/api/keys', { name: name.trim(), role });
      setSecret(k.secret);
      setName('');
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: number) => {
    setError(null);
    try {
      await request('DELETE', `/api/keys/${id}`);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="keys-h">
      <h2 id="keys-h">{t('keys.title')}</h2>
      <ErrorBox error={error} />
      {secret && (
        <div className="notice" role="status">
          <p>{t('keys.secretOnce')}</p>
          <p><code className="secret" data-testid="key-secret">{secret}</code></p>
          <button type="button" onClick={() => void navigator.clipboard.writeText(secret).then(() => setCopied(true), () => setCopied(false))}>{copied ? t('keys.copied') : t('keys.copy')}</button>{' '}
          <button type="button" onClick={() => setSecret(null)}>{t('keys.hide')}</button>
        </div>
      )}
      <div className="table-wrap" tabIndex={0}>
        <table className="cards">
          <caption>{t('keys.caption')}</caption>
          <thead><tr><th scope="col">{t('users.name')}</th><th scope="col">{t('users.role')}</th><th scope="col">{t('keys.prefix')}</th><th scope="col">{t('keys.lastUsed')}</th><th scope="col">{t('reports.status')}</th><th scope="col"><span className="sr-only">{t('common.actions')}</span></th></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td data-label={t('users.name')}>{k.name}</td>
                <td data-label={t('users.role')}>{t(`role.${k.role}` as Key)}</td>
                <td data-label={t('keys.prefix')}><code>{k.prefix}…</code></td>
                <td data-label={t('keys.lastUsed')}>{formatDate(k.lastUsedAt, lang)}</td>
                <td data-label={t('reports.status')}>{k.revokedAt ? t('keys.revoked') : t('keys.active')}</td>
                <td>{!k.revokedAt && <button type="button" className="danger" onClick={() => void revoke(k.id)}>{t('keys.revoke')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form onSubmit={create} className="row">
        <label>{t('keys.name')}<input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>
          {t('users.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as Key)}</option>)}
          </select>
        </label>
        <button type="submit" className="primary">{t('keys.create')}</button>
      </form>
    </section>
  );
}
