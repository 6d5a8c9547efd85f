// Clearance teams: coverage on the map, on-call contacts in order, webhook; create and edit.
import { useEffect, useState, type FormEvent } from 'react';
import { client, unwrap } from '../api/http';
import type { Team } from '../api/types';
import { ErrorBox, PageTitle } from '../components/common';
import { DistrictTree } from '../components/district-tree';
import { MapView } from '../components/map';
import { useI18n } from '../i18n/i18n';

interface ContactDraft { name: string; phone: string; language: string }
interface Draft { id: number | null; name: string; organisation: string; coverage: string[]; contacts: ContactDraft[]; webhookUrl: string; webhookSecret: string; isFallback: boolean }

const empty = (): Draft => ({ id: null, name: '', organisation: '', coverage: [], contacts: [{ name: '', phone: '', language: '' }], webhookUrl: '', webhookSecret: '', isFallback: false });

export function TeamsPage() {
  const { t } = useI18n();
  const [teams, setTeams] = useState<Team[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async () => {
    try {
      const r = await unwrap<{ data: Team[] }>(client.GET('/api/teams', { params: { query: {} } }));
      setTeams(r.data);
      setSelected((s) => s ?? r.data[0]?.id ?? null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const team = teams.find((x) => x.id === selected);
  const setActive = async (x: Team, active: boolean) => {
    setError(null);
    try {
      // Deleting a team deactivates it (its history stays); a PATCH brings it back.
      if (active) await unwrap(client.PATCH('/api/teams/{id}', { params: { path: { id: String(x.id) } }, body: { active: true } as never }));
      else await unwrap(client.DELETE('/api/teams/{id}', { params: { path: { id: String(x.id) } } }));
      await load();
    } catch (e) {
      setError(e);
    }
  };
  const edit = (x: Team) =>
    setDraft({
      id: x.id, name: x.name, organisation: x.organisation ?? '', coverage: x.coverages.map((c) => c.pcode),
      contacts: [...x.contacts].sort((a, b) => a.position - b.position).map((c) => ({ name: c.name, phone: c.phone, language: c.language ?? '' })),
      webhookUrl: x.webhookUrl ?? '', webhookSecret: '', isFallback: x.isFallback,
    });

  return (
    <>
      <PageTitle actions={<button type="button" className="primary" onClick={() => setDraft(empty())}>{t('teams.new')}</button>}>{t('teams.title')}</PageTitle>
      <ErrorBox error={error} />
      <div className="split">
        <div className="table-wrap" tabIndex={0}>
          <table className="cards">
            <caption>{t('teams.caption')}</caption>
            <thead><tr><th scope="col">{t('teams.name')}</th><th scope="col">{t('teams.coverage')}</th><th scope="col">{t('teams.onCall')}</th><th scope="col">{t('teams.webhook')}</th><th scope="col"><span className="sr-only">{t('common.actions')}</span></th></tr></thead>
            <tbody>
              {teams.map((x) => (
                <tr key={x.id} className={x.id === selected ? 'selected' : undefined}>
                  <td data-label={t('teams.name')}>
                    <button type="button" className="link" aria-pressed={x.id === selected} onClick={() => setSelected(x.id)}>{x.name}</button>
                    {x.isFallback && <> · {t('teams.fallback')}</>}{!x.active && <> · {t('teams.inactive')}</>}
                  </td>
                  <td data-label={t('teams.coverage')}>{x.coverages.map((c) => `${c.name} (${c.pcode})`).join(', ') || '—'}</td>
                  <td data-label={t('teams.onCall')}>
                    <ol>{[...x.contacts].sort((a, b) => a.position - b.position).map((c) => <li key={c.id}>{c.name} · {c.phone}</li>)}</ol>
                  </td>
                  <td data-label={t('teams.webhook')}>{x.webhookUrl ?? '—'}</td>
                  <td>
                    <button type="button" onClick={() => edit(x)}>{t('common.edit')}</button>{' '}
                    <button type="button" className={x.active ? 'danger' : ''} onClick={() => void setActive(x, !x.active)}>
                      {x.active ? t('teams.deactivate') : t('teams.reactivate')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <MapView highlight={team ? team.coverages.map((c) => c.pcode) : []} label={t('teams.map', { name: team?.name ?? '' })} />
      </div>
      {draft && <TeamForm draft={draft} onClose={() => setDraft(null)} onSaved={() => { setDraft(null); void load(); }} />}
    </>
  );
}

function TeamForm({ draft: initial, onClose, onSaved }: { draft: Draft; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(initial);
  const [error, setError] = useState<unknown>(null);
  const setContact = (i: number, patch: Partial<ContactDraft>) => setD({ ...d, contacts: d.contacts.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const move = (i: number, by: number) => {
    const list = [...d.contacts];
    const [c] = list.splice(i, 1);
    list.splice(i + by, 0, c!);
    setD({ ...d, contacts: list });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body = {
      name: d.name.trim(),
      organisation: d.organisation.trim() || null,
      isFallback: d.isFallback,
      coverage: d.coverage,
      contacts: d.contacts.map((c) => ({ name: c.name.trim(), phone: c.phone.trim(), ...(c.language ? { language: c.language } : {}) })),
      ...(d.webhookUrl.trim() ? { webhookUrl: d.webhookUrl.trim() } : d.id ? { webhookUrl: null } : {}),
      ...(d.webhookSecret ? { webhookSecret: d.webhookSecret } : {}),
    };
    try {
      if (d.id) await unwrap(client.PATCH('/api/teams/{id}', { params: { path: { id: String(d.id) } }, body: body as never }));
      else await unwrap(client.POST('/api/teams', { body: body as never }));
      onSaved();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="team-form-h" className="panel">
      <h2 id="team-form-h">{d.id ? t('teams.edit', { name: initial.name }) : t('teams.new')}</h2>
      <form onSubmit={submit} className="stack">
        <label>{t('teams.name')}<input required maxLength={100} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} /></label>
        <label>{t('teams.organisation')}<input maxLength={200} value={d.organisation} onChange={(e) => setD({ ...d, organisation: e.target.value })} /></label>
        <label className="inline"><input type="checkbox" checked={d.isFallback} onChange={(e) => setD({ ...d, isFallback: e.target.checked })} /> {t('teams.fallbackLabel')}</label>
        <fieldset>
          <legend>{t('teams.onCall')}</legend>
          <ol className="contacts">
            {d.contacts.map((c, i) => (
              <li key={i} className="row">
                <label>{t('teams.contactName')}<input required value={c.name} onChange={(e) => setContact(i, { name: e.target.value })} /></label>
                <label>{t('report.number')}<input required type="tel" value={c.phone} onChange={(e) => setContact(i, { phone: e.target.value })} /></label>
                <label>
                  {t('common.language')}
                  <select value={c.language} onChange={(e) => setContact(i, { language: e.target.value })}>
                    <option value="">—</option><option value="en">English</option><option value="km">ខ្មែរ</option><option value="lo">ລາວ</option><option value="es">Español</option>
                  </select>
                </label>
                <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('teams.up', { name: c.name || String(i + 1) })}>↑</button>
                <button type="button" disabled={i === d.contacts.length - 1} onClick={() => move(i, 1)} aria-label={t('teams.down', { name: c.name || String(i + 1) })}>↓</button>
                <button type="button" disabled={d.contacts.length === 1} onClick={() => setD({ ...d, contacts: d.contacts.filter((_, j) => j !== i) })}>{t('common.remove')}</button>
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => setD({ ...d, contacts: [...d.contacts, { name: '', phone: '', language: '' }] })}>{t('teams.addContact')}</button>
        </fieldset>
        <DistrictTree value={d.coverage} onChange={(coverage) => setD({ ...d, coverage })} legend={t('teams.coverage')} />
        <label>{t('teams.webhook')}<input type="url" value={d.webhookUrl} onChange={(e) => setD({ ...d, webhookUrl: e.target.value })} placeholder="https://" /></label>
        <label>{t('teams.webhookSecret')}<input type="password" autoComplete="off" minLength={16} value={d.webhookSecret} onChange={(e) => setD({ ...d, webhookSecret: e.target.value })} /></label>
        <ErrorBox error={error} />
        <div className="toolbar">
          <button type="submit" className="primary">{t('common.save')}</button>
          <button type="button" onClick={onClose}>{t('common.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
