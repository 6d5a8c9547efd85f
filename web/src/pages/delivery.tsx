// Delivery: outbox rows by status (failed and unknown first), with a retry for those two.
import { useEffect, useState } from 'react';
import { client, unwrap } from '../api/http';
import { usePages } from '../api/use-pages';
import type { OutboxRow, Page } from '../api/types';
import { ErrorBox, PageTitle, formatDate } from '../components/common';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';

const STATUSES = ['failed', 'unknown', 'undelivered', 'pending', 'sending', 'sent', 'delivered', 'cancelled'];

export function DeliveryPage() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState('failed');
  const [done, setDone] = useState('');

  const { rows, cursor, error, setError, load } = usePages<OutboxRow>((after) => {
    const query = { ...(status ? { status } : {}), ...(after ? { cursor: after } : {}), limit: 50 };
    return unwrap<Page<OutboxRow>>(client.GET('/api/outbox', { params: { query: query as never } }));
  });
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  const retry = async (id: number) => {
    setError(null);
    setDone('');
    try {
      await unwrap(client.POST('/api/outbox/{id}/retry', { params: { path: { id } } }));
      setDone(t('delivery.retried', { id }));
      await load();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <PageTitle>{t('delivery.title')}</PageTitle>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('reports.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </form>
      <div role="status" className="saved">{done}</div>
      <ErrorBox error={error} />
      <div className="table-wrap" tabIndex={0}>
        <table className="cards">
          <caption>{t('delivery.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">#</th><th scope="col">{t('delivery.kind')}</th><th scope="col">{t('delivery.to')}</th><th scope="col">{t('report.body')}</th>
              <th scope="col">{t('reports.status')}</th><th scope="col">{t('delivery.error')}</th><th scope="col">{t('common.time')}</th><th scope="col"><span className="sr-only">{t('common.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr key={m.id}>
                <td data-label="#">{m.id}</td>
                <td data-label={t('delivery.kind')}>{m.kind} · {m.channel}{m.reportId && <> · <Link href={`/reports/${m.reportId}`}>#{m.reportId}</Link></>}</td>
                <td data-label={t('delivery.to')}>{m.recipient}</td>
                <td data-label={t('report.body')} className="body">{m.body.slice(0, 120)}</td>
                <td data-label={t('reports.status')}>{m.status} ({m.attempts})</td>
                <td data-label={t('delivery.error')}>{[m.lastErrorCode, m.lastError].filter(Boolean).join(' ') || '—'}</td>
                <td data-label={t('common.time')}>{formatDate(m.createdAt, lang)}</td>
                <td>{(m.status === 'failed' || m.status === 'unknown') && <button type="button" onClick={() => void retry(m.id)}>{t('delivery.retry')}</button>}</td>
              </tr>
            ))}
            {rows.length === 0 && <tr><td colSpan={8}>{t('delivery.none')}</td></tr>}
          </tbody>
        </table>
      </div>
      {cursor && <button type="button" onClick={() => void load(cursor)}>{t('common.more')}</button>}
    </>
  );
}
