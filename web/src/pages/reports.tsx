// The triage queue: open reports first by priority, their age and how long they have waited for a team's
// ACK, filters, live updates, and a map of the same reports over the district boundaries (a report without a
// GPS fix is drawn inside its district).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { client, unwrap } from '../api/http';
import { PRIORITIES, REPORT_STATUSES, type Page, type Report } from '../api/types';
import { ErrorBox, PageTitle, formatAge, useNow } from '../components/common';
import { MapView, type MapPoint } from '../components/map';
import { useI18n, type Key } from '../i18n/i18n';
import { Link, navigate } from '../router';
import { useLiveEvents } from '../live';

const OPEN = ['received', 'triaged', 'dispatched', 'acknowledged', 'verified', 'tasked'];
const PRIORITY_RANK: Record<string, number> = { critical: 0, high: 1, normal: 2, low: 3 };
export const PRIORITY_COLOR: Record<string, string> = { critical: '#8e0000', high: '#c0392b', normal: '#d68910', low: '#2e86c1' };

interface Filters {
  status: string;
  priority: string;
  district: string;
  from: string;
  to: string;
}

function queryOf(f: Filters) {
  return {
    status: f.status === 'open' ? OPEN.join(',') : f.status || undefined,
    priority: f.priority || undefined,
    district: f.district || undefined,
    from: f.from || undefined,
    to: f.to || undefined,
  };
}

function toPoint(r: Report): MapPoint {
  return {
    id: r.id,
    lat: r.location.lat,
    lon: r.location.lon,
    pcode: r.location.districtPcode,
    label: `#${r.id} · ${r.priority} · ${r.status}`,
    color: PRIORITY_COLOR[r.priority] ?? '#555',
  };
}

export function ReportsPage() {
  const { t } = useI18n();
  const now = useNow(1000);
  const [filters, setFilters] = useState<Filters>({ status: 'open', priority: '', district: '', from: '', to: '' });
  const [rows, setRows] = useState<Report[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [points, setPoints] = useState<MapPoint[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async (f: Filters) => {
    try {
      const q = queryOf(f);
      const page = await unwrap<Page<Report>>(client.GET('/api/reports', { params: { query: { ...q, limit: 100 } as never } }));
      setRows(page.data);
      setCursor(page.nextCursor);
      setError(null);
      // The map shows the rows of the table: no export call (each is audited and carries full numbers).
      setPoints(page.data.map(toPoint));
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void load(filters);
  }, [filters, load]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await unwrap<Page<Report>>(client.GET('/api/reports', { params: { query: { ...queryOf(filters), limit: 100, cursor } as never } }));
      setRows((r) => [...r, ...page.data]);
      setPoints((p) => [...p, ...page.data.map(toPoint)]);
      setCursor(page.nextCursor);
    } catch (e) {
      setError(e);
    }
  };

  const live = useLiveEvents({
    report: (e) => {
      setFresh((s) => new Set(s).add(e.id));
      // Bursts of events (a report created, triaged and dispatched within a second) cost one reload.
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void load(filters), 300);
    },
  });

  const sorted = useMemo(
    () => [...rows].sort((a, b) => (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) || b.id - a.id),
    [rows],
  );
  const onSelect = useCallback((id: number) => navigate(`/reports/${id}`), []);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [k]: e.target.value }));

  return (
    <>
      <PageTitle
        actions={
          <p className={`live ${live ? 'on' : 'off'}`} data-testid="live-status" role="status">
            {live ? t('reports.live') : t('reports.offline')}
          </p>
        }
      >
        {t('reports.title')}
      </PageTitle>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
        <label>
          {t('reports.status')}
          <select value={filters.status} onChange={set('status')}>
            <option value="open">{t('reports.openOnly')}</option>
            <option value="">{t('common.all')}</option>
            {REPORT_STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}` as Key)}</option>)}
          </select>
        </label>
        <label>
          {t('reports.priority')}
          <select value={filters.priority} onChange={set('priority')}>
            <option value="">{t('common.all')}</option>
            {PRIORITIES.map((p) => <option key={p} value={p}>{t(`priority.${p}` as Key)}</option>)}
          </select>
        </label>
        <label>
          {t('reports.district')}
          <input value={filters.district} onChange={set('district')} placeholder="0102" pattern="[A-Za-z]{0,3}[0-9]{2,12}" size={8} />
        </label>
        <label>
          {t('common.from')}
          <input type="date" value={filters.from} onChange={set('from')} />
        </label>
        <label>
          {t('common.to')}
          <input type="date" value={filters.to} onChange={set('to')} />
        </label>
      </form>
      <ErrorBox error={error} />
      <div className="split">
        <div className="table-wrap" tabIndex={0}>
          <table className="cards">
            <caption>{t('reports.queue', { n: sorted.length })}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('reports.priority')}</th>
                <th scope="col">{t('reports.status')}</th>
                <th scope="col">{t('reports.district')}</th>
                <th scope="col">{t('reports.age')}</th>
                <th scope="col">{t('reports.waitingAck')}</th>
                <th scope="col">{t('reports.words')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr key={r.id} data-testid={`report-row-${r.id}`} className={fresh.has(r.id) ? 'fresh' : undefined}>
                  <td data-label="#"><Link href={`/reports/${r.id}`}>#{r.id}</Link></td>
                  <td data-label={t('reports.priority')}><span className={`pill p-${r.priority}`}>{t(`priority.${r.priority}` as Key)}</span></td>
                  <td data-label={t('reports.status')}>{t(`status.${r.status}` as Key)}</td>
                  <td data-label={t('reports.district')}>{r.location.districtPcode ?? r.location.text ?? '—'}</td>
                  <td data-label={t('reports.age')}>{formatAge(r.createdAt, now)}</td>
                  <td data-label={t('reports.waitingAck')}>
                    {r.alertOpenSince ? <span className="timer">{formatAge(r.alertOpenSince, now)}</span> : '—'}
                  </td>
                  <td data-label={t('reports.words')} className="excerpt">{r.originalText.slice(0, 80)}</td>
                </tr>
              ))}
              {sorted.length === 0 && (
                <tr><td colSpan={7}>{t('reports.none')}</td></tr>
              )}
            </tbody>
          </table>
          {cursor && <button type="button" onClick={() => void more()}>{t('common.more')}</button>}
        </div>
        <MapView points={points} label={t('reports.map')} testId="reports-map" onSelect={onSelect} />
      </div>
    </>
  );
}
