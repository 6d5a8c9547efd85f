// A casualty's referrals: status and its forward-only changes (with an outcome, and a reason when closed without
// care), the history, and the follow-up check-ins with the survivor's answers.
import { useEffect, useState, type FormEvent } from 'react';
import { request } from '../../api/http';
import { NEEDS_REASON, REFERRAL_TRANSITIONS, type Referral, type ReferralDetail, type ReferralStatus } from '../../api/victims';
import { ErrorBox, formatDate } from '../../components/common';
import { useI18n } from '../../i18n/i18n';
import { useVocab } from './common';

export function ReferralCard({ referral, erased, onChange }: { referral: Referral; erased: boolean; onChange: (message: string) => void }) {
  const { t, lang } = useI18n();
  const v = useVocab();
  const [detail, setDetail] = useState<ReferralDetail | null>(null);
  const next = REFERRAL_TRANSITIONS[referral.status] ?? [];
  const [status, setStatus] = useState<ReferralStatus | ''>(next[0] ?? '');
  const [outcome, setOutcome] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    request<ReferralDetail>('GET', `/api/victims/referrals/${referral.id}`).then(setDetail, setError);
    setStatus(REFERRAL_TRANSITIONS[referral.status]?.[0] ?? '');
  }, [referral.id, referral.status]);

  const change = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', `/api/victims/referrals/${referral.id}/status`, {
        status, ...(outcome.trim() ? { outcome: outcome.trim() } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setOutcome('');
      setReason('');
      onChange(t('va.referral.changed', { status: v('referralStatus', status) }));
    } catch (err) {
      setError(err);
    }
  };

  const h = `referral-${referral.id}-h`;
  return (
    <article aria-labelledby={h} className="panel">
      <h3 id={h}>{t('va.referral.title', { id: referral.id, provider: referral.provider.name })}</h3>
      <dl className="facts">
        <dt>{t('va.referral.status')}</dt><dd><strong>{v('referralStatus', referral.status)}</strong></dd>
        <dt>{t('va.provider.serviceType')}</dt><dd>{v('service', referral.serviceType)}</dd>
        <dt>{t('va.refer.needs')}</dt><dd>{referral.needs ?? '—'}</dd>
        {referral.outcome && <><dt>{t('va.referral.outcome')}</dt><dd>{referral.outcome}</dd></>}
        {referral.closeReason && <><dt>{t('va.referral.reason')}</dt><dd>{referral.closeReason}</dd></>}
        {referral.overrideReason && <><dt>{t('va.referral.overridden')}</dt><dd>{referral.overrideReason}</dd></>}
      </dl>
      {next.length > 0 && !erased && (
        <form className="row" onSubmit={(e) => void change(e)} aria-label={t('va.referral.changeFor', { id: referral.id })}>
          <label>
            {t('va.referral.newStatus')}
            <select value={status} onChange={(e) => setStatus(e.target.value as ReferralStatus)}>
              {next.map((s) => <option key={s} value={s}>{v('referralStatus', s)}</option>)}
            </select>
          </label>
          <label>{t('va.referral.outcome')}<input maxLength={1000} value={outcome} onChange={(e) => setOutcome(e.target.value)} /></label>
          <label>
            {t('va.referral.reason')}
            <input maxLength={1000} required={status !== '' && NEEDS_REASON.includes(status)} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit">{t('va.referral.change')}</button>
        </form>
      )}
      <ErrorBox error={error} />
      {detail && (
        <>
          <h4>{t('va.referral.history')}</h4>
          <ol className="history">
            {detail.events.map((ev) => (
              <li key={ev.id}>
                {formatDate(ev.at, lang)} · {ev.fromStatus ? `${v('referralStatus', ev.fromStatus)} → ` : ''}{v('referralStatus', ev.toStatus)} · {v('actorType', ev.actorType)}{ev.note ? ` · ${ev.note}` : ''}
              </li>
            ))}
          </ol>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={`fu-${referral.id}`}>
            <table className="cards">
              <caption id={`fu-${referral.id}`}>{t('va.followUp.caption', { id: referral.id })}</caption>
              <thead>
                <tr><th scope="col">{t('va.followUp.after')}</th><th scope="col">{t('va.followUp.due')}</th><th scope="col">{t('va.followUp.status')}</th><th scope="col">{t('va.followUp.answer')}</th></tr>
              </thead>
              <tbody>
                {detail.followUps.map((f) => (
                  <tr key={f.id}>
                    <th scope="row" data-label={t('va.followUp.after')}>{t('va.followUp.days', { days: f.offsetDays })}</th>
                    <td data-label={t('va.followUp.due')}>{formatDate(f.dueAt, lang)}</td>
                    <td data-label={t('va.followUp.status')}>{v('followUpStatus', f.status)}{f.attempt > 0 ? ` (${t('va.followUp.attempts', { count: f.attempt })})` : ''}{f.skipReason ? ` · ${f.skipReason}` : ''}</td>
                    <td data-label={t('va.followUp.answer')}>{f.answer ? `${v('answer', f.answer)} · ${formatDate(f.answeredAt, lang)}` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </article>
  );
}
