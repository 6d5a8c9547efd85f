import { useEffect, useState } from 'react';
import { client, unwrap } from '../api/http';
import { usePages } from '../api/use-pages';
import type { Campaign, Page } from '../api/types';
import { ErrorBox, PageTitle, formatDate } from '../components/common';
import { useI18n, type Key } from '../i18n/i18n';
import { Link } from '../router';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;

export function CampaignsPage() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState('');
  const [q, setQ] = useState('');

  const { rows, cursor, error, setError, load } = usePages<Campaign>((after) => {
    const query = { ...(status ? { status } : {}), ...(q.trim() ? { q: q.trim() } : {}), ...(after ? { cursor: after } : {}), limit: 50 };
    return unwrap<Page<Campaign>>(client.GET('/api/campaigns', { params: { query: query as never } }));
  });
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  return (
    <>
      <PageTitle actions={<Link className="button primary" href="/campaigns/new">{t('campaigns.new')}</Link>}>{t('campaigns.title')}</PageTitle>
      <form className="filters" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>
          {t('reports.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {CAMPAIGN_STATUSES.map((s) => <option key={s} value={s}>{t(`campaignStatus.${s}` as Key)}</option>)}
          </select>
        </label>
        <label>
          {t('common.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="submit">{t('common.search')}</button>
      </form>
      <ErrorBox error={error} />
      <div className="table-wrap" tabIndex={0}>
        <table className="cards">
          <caption>{t('campaigns.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('campaigns.name')}</th>
              <th scope="col">{t('reports.status')}</th>
              <th scope="col">{t('campaigns.channel')}</th>
              <th scope="col">{t('campaigns.districts')}</th>
              <th scope="col">{t('campaigns.nextRun')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td data-label={t('campaigns.name')}><Link href={`/campaigns/${c.id}`}>{c.name}</Link></td>
                <td data-label={t('reports.status')}><span className={`pill s-${c.status}`}>{t(`campaignStatus.${c.status}` as Key)}</span></td>
                <td data-label={t('campaigns.channel')}>{c.channel.toUpperCase()}</td>
                <td data-label={t('campaigns.districts')}>{c.districts.join(', ')}</td>
                <td data-label={t('campaigns.nextRun')}>{formatDate(c.nextRunAt, lang)}</td>
              </tr>
            ))}
            {rows.length === 0 && <tr><td colSpan={5}>{t('campaigns.none')}</td></tr>}
          </tbody>
        </table>
      </div>
      {cursor && <button type="button" onClick={() => void load(cursor)}>{t('common.more')}</button>}
    </>
  );
}
