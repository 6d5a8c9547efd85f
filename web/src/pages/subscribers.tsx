// Subscribers: filters, cursor paging, and a CSV import that lists every bad row with its reason.
import { useEffect, useState, type FormEvent } from 'react';
import { client, request, unwrap } from '../api/http';
import { usePages } from '../api/use-pages';
import { LOCALES, type ImportResult, type Page, type Subscriber } from '../api/types';
import { ErrorBox, PageTitle, formatDate } from '../components/common';
import { useI18n, type Key } from '../i18n/i18n';

const STATUSES = ['active', 'pending', 'inactive', 'opted_out'];

export function SubscribersPage() {
  const { t, lang } = useI18n();
  const [district, setDistrict] = useState('');
  const [language, setLanguage] = useState('');
  const [status, setStatus] = useState('');

  const { rows, cursor, error, setError, load } = usePages<Subscriber>((after) => {
    const query = { ...(district.trim() ? { district: district.trim() } : {}), ...(language ? { language } : {}), ...(status ? { status } : {}), ...(after ? { cursor: after } : {}), limit: 50 };
    return unwrap<Page<Subscriber>>(client.GET('/api/subscribers', { params: { query: query as never } }));
  });
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <>
      <PageTitle>{t('subscribers.title')}</PageTitle>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>{t('reports.district')}<input value={district} onChange={(e) => setDistrict(e.target.value)} placeholder="0102" size={8} /></label>
        <label>
          {t('common.language')}
          <select value={language} onChange={(e) => setLanguage(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {LOCALES.map((l) => <option key={l} value={l}>{t(`lang.${l}` as Key)}</option>)}
          </select>
        </label>
        <label>
          {t('reports.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <button type="submit">{t('common.search')}</button>
      </form>
      <ErrorBox error={error} />
      <div className="table-wrap" tabIndex={0}>
        <table className="cards">
          <caption>{t('subscribers.caption')}</caption>
          <thead>
            <tr><th scope="col">{t('report.number')}</th><th scope="col">{t('reports.district')}</th><th scope="col">{t('common.language')}</th><th scope="col">{t('reports.status')}</th><th scope="col">{t('subscribers.joined')}</th></tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id}>
                <td data-label={t('report.number')}>{s.phone}{s.numberInvalid && <> ⚠ {t('subscribers.invalid')}</>}</td>
                <td data-label={t('reports.district')}>{s.districtPcode ?? '—'}</td>
                <td data-label={t('common.language')}>{s.language}</td>
                <td data-label={t('reports.status')}>{s.status}</td>
                <td data-label={t('subscribers.joined')}>{formatDate(s.joinedAt ?? s.createdAt, lang)}</td>
              </tr>
            ))}
            {rows.length === 0 && <tr><td colSpan={5}>{t('subscribers.none')}</td></tr>}
          </tbody>
        </table>
      </div>
      {cursor && <button type="button" onClick={() => void load(cursor)}>{t('common.more')}</button>}
      <ImportForm onDone={() => void load()} />
    </>
  );
}

function ImportForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    try {
      setResult(await request<ImportResult>('POST', '/api/subscribers/import', csv, 'text/csv'));
      onDone();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="import-h">
      <h2 id="import-h">{t('subscribers.import')}</h2>
      <form onSubmit={submit} className="stack">
        <label>
          {t('subscribers.file')}
          <input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => { const f = e.target.files?.[0]; if (f) void f.text().then(setCsv); }} />
        </label>
        <label>
          {t('subscribers.csv')}
          <textarea rows={6} value={csv} onChange={(e) => setCsv(e.target.value)} placeholder={'phone,district,language\n+85512345678,0102,km'} spellCheck={false} required />
        </label>
        <ErrorBox error={error} />
        <button type="submit" className="primary">{t('subscribers.importButton')}</button>
      </form>
      {result && (
        <div role="status">
          <p>{t('subscribers.result', { total: result.total, created: result.created, updated: result.updated, unchanged: result.unchanged, bad: result.errors.length })}</p>
          {result.errors.length > 0 && (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <caption>{t('subscribers.badRows')}</caption>
                <thead><tr><th scope="col">{t('subscribers.row')}</th><th scope="col">{t('report.number')}</th><th scope="col">{t('subscribers.column')}</th><th scope="col">{t('subscribers.reason')}</th></tr></thead>
                <tbody>
                  {result.errors.map((er) => (
                    <tr key={er.row} className="bad"><th scope="row">{er.row}</th><td>{er.phone ?? '—'}</td><td>{er.column ?? '—'}</td><td>{er.reason}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
