// Casualty statistics the way the Landmine Monitor reports them (coordinators, victim assistance, admins): by
// year, province and device category; killed/injured, sex, child/adult; the HXL-tagged CSV; referral outcomes per
// service type and province; the de-identified needs list. Outside victim assistance, counts under 5 come as
// "<5": a sum over such cells is shown as "at least".
import { useEffect, useState } from 'react';
import { qs, request } from '../../api/http';
import type { Cell, Measure, Need, Outcome, Stats, StatsRow } from '../../api/victims';
import { BarChart } from '../../components/bar-chart';
import { ErrorBox, Loading, PageTitle } from '../../components/common';
import { useI18n, type Key } from '../../i18n/i18n';
import { ProvinceSelect, usePlaceName, useVocab } from './common';

interface Sum { known: number; hidden: number }
const add = (s: Sum, c: Cell) => (c === '<5' ? { ...s, hidden: s.hidden + 1 } : { ...s, known: s.known + c });

function groupBy(rows: StatsRow[], key: (r: StatsRow) => string, measure: Measure): [string, Sum][] {
  const m = new Map<string, Sum>();
  for (const r of rows) m.set(key(r), add(m.get(key(r)) ?? { known: 0, hidden: 0 }, r[measure]));
  return [...m.entries()];
}

const TABLE_MEASURES: Measure[] = ['total', 'killed', 'injured', 'civilians', 'military', 'female', 'male', 'children', 'adults'];

export function CasualtyStatsPage() {
  const { t } = useI18n();
  const v = useVocab();
  const place = usePlaceName();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [province, setProvince] = useState('');
  const [stats, setStats] = useState<Stats | null>(null);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [needs, setNeeds] = useState<Need[]>([]);
  const [error, setError] = useState<unknown>(null);
  const query = qs({ from: /^\d{4}$/.test(from) ? from : '', to: /^\d{4}$/.test(to) ? to : '', province });

  useEffect(() => {
    request<Stats>('GET', `/api/victims/stats${query}`).then(setStats, setError);
    request<{ data: Need[] }>('GET', `/api/victims/needs${qs({ province })}`).then((r) => setNeeds(r.data), setError);
  }, [query, province]);
  useEffect(() => {
    request<{ data: Outcome[] }>('GET', '/api/victims/referral-outcomes').then((r) => setOutcomes(r.data), setError);
  }, []);

  const bars = (pairs: [string, Sum][]) => pairs.map(([label, s]) => ({ label: s.hidden ? `${label} (${t('va.stats.someHidden')})` : label, value: s.known }));
  const cell = (c: Cell) => (c === '<5' ? t('va.stats.lessThan5') : String(c));
  const totals = stats?.totals;
  const totalBars = (pairs: [Key, Measure][]) => pairs.map(([k, m]) => ({ label: t(k), value: totals && totals[m] !== '<5' ? (totals[m] as number) : 0 }));

  return (
    <>
      <PageTitle>{t('va.stats.title')}</PageTitle>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
        <label>{t('va.stats.fromYear')}<input type="number" inputMode="numeric" min={1900} max={2200} value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>{t('va.stats.toYear')}<input type="number" inputMode="numeric" min={1900} max={2200} value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <ProvinceSelect label={t('va.province')} value={province} onChange={setProvince} empty={t('common.all')} />
        <a className="button" href={`/api/victims/stats.csv${query}`} download>{t('va.stats.csv')}</a>
      </form>
      <ErrorBox error={error} />
      {!stats && !error && <Loading />}
      {stats && (
        <>
          <p className="muted">{stats.suppressed ? t('va.stats.suppressed') : t('va.stats.notSuppressed')} {t('va.stats.note')}</p>
          <section aria-labelledby="stats-charts-h">
            <h2 id="stats-charts-h">{t('va.stats.charts')}</h2>
            <div className="grid">
              <BarChart title={t('va.stats.byYear')} bars={bars(groupBy(stats.data, (r) => (r.year == null ? t('va.stats.noYear') : String(r.year)), 'total'))} />
              <BarChart title={t('va.stats.byProvince')} bars={bars(groupBy(stats.data, (r) => r.provinceName ?? place(r.provincePcode), 'total'))} />
              <BarChart title={t('va.stats.byDevice')} bars={bars(groupBy(stats.data, (r) => v('device', r.deviceCategory), 'total'))} />
              <BarChart title={t('va.stats.killedInjured')} bars={totalBars([['va.outcome.killed', 'killed'], ['va.outcome.injured', 'injured'], ['va.outcome.unknown', 'outcomeUnknown']])} />
              <BarChart title={t('va.stats.bySex')} bars={totalBars([['va.sex.female', 'female'], ['va.sex.male', 'male'], ['va.sex.unknown', 'sexUnknown']])} />
              <BarChart title={t('va.stats.byAge')} bars={totalBars([['va.ageGroup.child', 'children'], ['va.ageGroup.adult', 'adults'], ['va.ageGroup.unknown', 'ageUnknown']])} />
            </div>
          </section>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="stats-caption">
            <table>
              <caption id="stats-caption">{t('va.stats.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('va.year')}</th><th scope="col">{t('va.province')}</th><th scope="col">{t('va.field.deviceCategory')}</th>
                  {TABLE_MEASURES.map((m) => <th key={m} scope="col">{t(`va.measure.${m}` as Key)}</th>)}
                </tr>
              </thead>
              <tbody>
                {stats.data.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">{r.year ?? t('va.stats.noYear')}</th><td>{r.provinceName ?? place(r.provincePcode)}</td><td>{v('device', r.deviceCategory)}</td>
                    {TABLE_MEASURES.map((m) => <td key={m}>{cell(r[m])}</td>)}
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr><th scope="row" colSpan={3}>{t('va.stats.total')}</th>{TABLE_MEASURES.map((m) => <td key={m}>{cell(stats.totals[m])}</td>)}</tr>
              </tfoot>
            </table>
          </div>
        </>
      )}
      <section aria-labelledby="outcomes-h">
        <h2 id="outcomes-h">{t('va.outcomes.title')}</h2>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="outcomes-caption">
          <table>
            <caption id="outcomes-caption">{t('va.outcomes.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('va.provider.serviceType')}</th><th scope="col">{t('va.province')}</th><th scope="col">{t('va.outcomes.total')}</th>
                <th scope="col">{t('va.outcomes.reached')}</th><th scope="col">{t('va.outcomes.days')}</th><th scope="col">{t('va.outcomes.open')}</th>
                <th scope="col">{t('va.referralStatus.completed')}</th><th scope="col">{t('va.referralStatus.declined')}</th>
                <th scope="col">{t('va.referralStatus.unable_to_contact')}</th><th scope="col">{t('va.referralStatus.cancelled')}</th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o) => (
                <tr key={`${o.serviceType}-${o.provincePcode}`}>
                  <th scope="row">{v('service', o.serviceType)}</th><td>{place(o.provincePcode)}</td><td>{o.total}</td><td>{o.reachedCare}</td>
                  <td>{o.medianDaysToCare ?? '—'}</td><td>{o.open}</td><td>{o.completed}</td><td>{o.declined}</td><td>{o.unableToContact}</td><td>{o.cancelled}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {outcomes.length === 0 && <p>{t('va.outcomes.none')}</p>}
        </div>
      </section>
      <section aria-labelledby="needs-h">
        <h2 id="needs-h">{t('va.needs.title')}</h2>
        <p className="muted">{t('va.needs.intro')}</p>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="needs-caption">
          <table className="cards">
            <caption id="needs-caption">{t('va.needs.caption', { count: needs.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('va.year')}</th><th scope="col">{t('va.province')}</th><th scope="col">{t('va.field.outcome')}</th><th scope="col">{t('va.field.sex')}</th>
                <th scope="col">{t('va.field.ageGroup')}</th><th scope="col">{t('va.field.injuries')}</th><th scope="col">{t('va.needs.open')}</th>
              </tr>
            </thead>
            <tbody>
              {needs.map((n) => (
                <tr key={n.id}>
                  <th scope="row" data-label={t('va.year')}>{n.accidentYear ?? '—'}</th>
                  <td data-label={t('va.province')}>{place(n.provincePcode)}{n.districtPcode ? ` · ${n.districtPcode}` : ''}</td>
                  <td data-label={t('va.field.outcome')}>{v('outcome', n.outcome)}</td>
                  <td data-label={t('va.field.sex')}>{v('sex', n.sex)}</td>
                  <td data-label={t('va.field.ageGroup')}>{v('ageGroup', n.ageGroup)}</td>
                  <td data-label={t('va.field.injuries')}>{n.injuries.map((i) => v('injury', i)).join(', ') || '—'}</td>
                  <td data-label={t('va.needs.open')}>{n.openNeeds.map((s) => v('service', s)).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {needs.length === 0 && <p>{t('va.needs.none')}</p>}
        </div>
      </section>
    </>
  );
}
