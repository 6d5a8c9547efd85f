// Casualty records (victim_assistance and admin): placeholders from SMS reports to complete, and completed
// records, filtered by status, province and year.
import { useEffect, useState } from 'react';
import { qs, request } from '../../api/http';
import type { Casualty } from '../../api/victims';
import { ErrorBox, Loading, PageTitle } from '../../components/common';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { ProvinceSelect, usePlaceName, useVocab } from './common';

export function CasualtiesPage() {
  const { t } = useI18n();
  const v = useVocab();
  const place = usePlaceName();
  const [status, setStatus] = useState('');
  const [province, setProvince] = useState('');
  const [year, setYear] = useState('');
  const [rows, setRows] = useState<Casualty[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async (after: string | null) => {
    setError(null);
    try {
      const r = await request<{ data: Casualty[]; nextCursor: string | null }>('GET', `/api/victims/casualties${qs({ status, province, limit: 200, cursor: after })}`);
      setRows((prev) => (after ? [...(prev ?? []), ...r.data] : r.data));
      setCursor(r.nextCursor);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load(null);
  }, [status, province]);

  // The API filters by status and province; the year is the accident's, filtered here over the loaded pages.
  const shown = (rows ?? []).filter((c) => !year || String(c.accidentYear ?? '') === year);
  return (
    <>
      <PageTitle actions={<Link className="button" href="/victims/tasks">{t('nav.vaTasks')}</Link>}>{t('va.casualties.title')}</PageTitle>
      <p className="muted">{t('va.casualties.intro')}</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
        <label>
          {t('va.casualties.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="placeholder">{t('va.status.placeholder')}</option>
            <option value="complete">{t('va.status.complete')}</option>
          </select>
        </label>
        <ProvinceSelect label={t('va.province')} value={province} onChange={setProvince} empty={t('common.all')} />
        <label>
          {t('va.year')}
          <input type="number" inputMode="numeric" min={1900} max={2200} value={year} onChange={(e) => setYear(e.target.value)} />
        </label>
      </form>
      <ErrorBox error={error} />
      {!rows && !error && <Loading />}
      {rows && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="casualties-caption">
          <table className="cards">
            <caption id="casualties-caption">{t('va.casualties.caption', { count: shown.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('va.record')}</th><th scope="col">{t('va.casualties.status')}</th><th scope="col">{t('va.field.outcome')}</th>
                <th scope="col">{t('va.field.name')}</th><th scope="col">{t('va.province')}</th><th scope="col">{t('va.field.accidentDate')}</th>
                <th scope="col">{t('va.field.deviceCategory')}</th><th scope="col">{t('va.report')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.id}>
                  <th scope="row" data-label={t('va.record')}><Link href={`/victims/casualties/${c.id}`}>{t('va.casualty.title', { id: c.id })}</Link></th>
                  <td data-label={t('va.casualties.status')}>{c.erasedAt ? t('va.erased') : t(c.status === 'placeholder' ? 'va.status.placeholder' : 'va.status.complete')}</td>
                  <td data-label={t('va.field.outcome')}>{v('outcome', c.outcome)}</td>
                  <td data-label={t('va.field.name')}>{c.name ?? '—'}</td>
                  <td data-label={t('va.province')}>{place(c.provincePcode)}</td>
                  <td data-label={t('va.field.accidentDate')}>{c.accidentDate ?? c.accidentYear ?? '—'}</td>
                  <td data-label={t('va.field.deviceCategory')}>{v('device', c.deviceCategory)}</td>
                  <td data-label={t('va.report')}>{c.reportId ? `#${c.reportId}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && <p>{t('va.casualties.none')}</p>}
        </div>
      )}
      {cursor && <button type="button" onClick={() => void load(cursor)}>{t('common.more')}</button>}
    </>
  );
}
