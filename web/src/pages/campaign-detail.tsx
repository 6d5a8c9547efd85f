// A campaign: what it sends to whom and when, the live preview per language (encoding, parts, audience, cost),
// the controls its status allows, and the delivery of each run as bar charts with tables.
import { useCallback, useEffect, useState } from 'react';
import { client, unwrap } from '../api/http';
import type { CampaignDetail, Preview, RunStats } from '../api/types';
import { BarChart, type Bar } from '../components/bar-chart';
import { ErrorBox, Loading, PageTitle, formatDate } from '../components/common';
import { describeCron } from '../cron';
import { useI18n, type Key } from '../i18n/i18n';
import { Link } from '../router';

type Action = 'schedule' | 'pause' | 'resume' | 'cancel';
const ACTIONS: Record<string, Action[]> = {
  draft: ['schedule', 'cancel'],
  scheduled: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
};

export function CampaignDetailPage({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const [c, setC] = useState<CampaignDetail | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');

  const load = useCallback(async () => {
    try {
      setC(await unwrap<CampaignDetail>(client.GET('/api/campaigns/{id}', { params: { path: { id } } })));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  const loadPreview = useCallback(async () => {
    try {
      setPreview(await unwrap<Preview>(client.POST('/api/campaigns/{id}/preview', { params: { path: { id } } })));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    void load();
    void loadPreview();
  }, [load, loadPreview]);
  // Runs progress while the page is open: refresh the stats every few seconds.
  useEffect(() => {
    if (!c || !['scheduled', 'running'].includes(c.status)) return;
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [c, load]);

  const act = async (action: Action) => {
    setError(null);
    setDone('');
    try {
      await unwrap(client.POST(`/api/campaigns/{id}/${action}`, { params: { path: { id } } }));
      setDone(t(`campaigns.done.${action}` as Key));
      await load();
    } catch (e) {
      setError(e);
    }
  };

  if (!c) return error ? <><PageTitle>{t('campaigns.title')}</PageTitle><ErrorBox error={error} /></> : <Loading />;
  const s = c.schedule;
  return (
    <>
      <PageTitle>{c.name}</PageTitle>
      <p><Link href="/campaigns">← {t('campaigns.title')}</Link></p>
      <p className="summary">
        <span className={`pill s-${c.status}`}>{t(`campaignStatus.${c.status}` as Key)}</span> · {c.channel.toUpperCase()} ·{' '}
        {s.cron ? `${describeCron(s.cron, t)} (${s.cron}, ${s.timezone})` : `${formatDate(s.at, lang, s.timezone)} (${s.timezone ?? ''})`}
      </p>
      <div className="toolbar">
        {(ACTIONS[c.status] ?? []).map((a) => (
          <button key={a} type="button" className={a === 'schedule' ? 'primary' : a === 'cancel' ? 'danger' : ''} onClick={() => void act(a)}>
            {t(`campaigns.action.${a}` as Key)}
          </button>
        ))}
      </div>
      <div role="status" className="saved">{done}</div>
      <ErrorBox error={error} />
      <dl className="facts">
        <dt>{t('campaigns.districts')}</dt><dd>{c.districts.join(', ')}</dd>
        <dt>{t('builder.languages')}</dt><dd>{c.languages.length ? c.languages.join(', ') : t('common.all')}</dd>
        <dt>{t('builder.message')}</dt><dd>{c.message ?? t('builder.custom')}</dd>
        <dt>{t('builder.quietHours')}</dt><dd>{c.quietHours ? `${c.quietHours.start}–${c.quietHours.end}` : '—'}</dd>
        <dt>{t('builder.cap')}</dt><dd>{c.maxPerSubscriberPerWeek ?? '—'}</dd>
        <dt>{t('campaigns.nextRun')}</dt><dd>{c.upcoming.length ? c.upcoming.map((u) => formatDate(u, lang, s.timezone)).join(' · ') : '—'}</dd>
      </dl>

      <section aria-labelledby="preview-h">
        <h2 id="preview-h">{t('campaigns.preview')}</h2>
        <button type="button" onClick={() => void loadPreview()}>{t('campaigns.refreshPreview')}</button>
        {preview && (
          <>
            <p>
              {t('campaigns.recipients', { n: preview.recipients })}
              {preview.cost && <> · {t('campaigns.cost', { cost: preview.cost.total.toFixed(2), currency: preview.cost.currency, parts: preview.cost.segments })}</>}
            </p>
            <div className="table-wrap" tabIndex={0}>
              <table>
                <caption>{t('campaigns.previewCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('common.language')}</th><th scope="col">{t('campaigns.text')}</th><th scope="col">{t('content.encoding')}</th>
                    <th scope="col">{t('campaigns.partsCol')}</th><th scope="col">{t('campaigns.audience')}</th><th scope="col">{t('campaigns.costCol')}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.locales.map((l) => (
                    <tr key={l.locale}>
                      <th scope="row">{t(`lang.${l.locale}` as Key)}</th>
                      <td lang={l.locale} className="body">{l.hasContent ? l.text ?? l.twiml : t('campaigns.noContent')}</td>
                      <td>{l.encoding ?? '—'}</td>
                      <td>{l.segmentsRange ? (l.segmentsRange.min === l.segmentsRange.max ? l.segmentsRange.min : `${l.segmentsRange.min}–${l.segmentsRange.max}`) : l.segments ?? '—'}</td>
                      <td>{l.recipients}</td>
                      <td>{l.cost !== undefined ? l.cost.toFixed(2) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {preview.notes.length > 0 && <ul className="notes">{preview.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
          </>
        )}
      </section>

      <section aria-labelledby="stats-h">
        <h2 id="stats-h">{t('campaigns.stats')}</h2>
        <BarChart title={t('campaigns.totals')} bars={bars(c.totals, t)} />
        {c.runs.map((r) => (
          <BarChart key={r.id} title={`${t('campaigns.run')} ${formatDate(r.occurrenceAt, lang)} · ${r.status}${r.reason ? ` (${r.reason})` : ''}`} bars={bars(r, t)} />
        ))}
        {c.runs.length === 0 && <p>{t('campaigns.noRuns')}</p>}
      </section>
    </>
  );
}

function bars(s: RunStats, t: (k: Key) => string): Bar[] {
  return [
    { label: t('stats.audience'), value: s.audience, color: '#555' },
    { label: t('stats.queued'), value: s.queued, color: '#2b5d8a' },
    { label: t('stats.pending'), value: s.pending, color: '#8a6d2b' },
    { label: t('stats.sent'), value: s.sent, color: '#2b7a8a' },
    { label: t('stats.delivered'), value: s.delivered, color: '#1f7a4d' },
    { label: t('stats.failed'), value: s.failed + s.undelivered, color: '#b03a2e' },
    { label: t('stats.skipped'), value: s.skipped.optedOut + s.skipped.invalidNumber + s.skipped.frequencyCap + s.skipped.noContent, color: '#777' },
  ];
}
