// One casualty record: the GICHD fields to complete, consent, referrals with their follow-ups, and erasure on
// request (identifying data goes; what the statistics count stays).
import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/http';
import type { CasualtyDetail } from '../../api/victims';
import { ErrorBox, Loading, PageTitle, formatDate } from '../../components/common';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { CasualtyForm } from './casualty-form';
import { ConsentsSection } from './consents';
import { ReferForm } from './refer';
import { ReferralCard } from './referrals';

export function CasualtyPage({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const [c, setC] = useState<CasualtyDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  const [confirming, setConfirming] = useState(false);

  const load = useCallback(async () => {
    try {
      setC(await request<CasualtyDetail>('GET', `/api/victims/casualties/${id}`));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  const changed = (message: string) => {
    setSaved(message);
    void load();
  };

  const erase = async () => {
    setError(null);
    try {
      await request('POST', `/api/victims/casualties/${id}/erase`);
      setConfirming(false);
      changed(t('va.erase.done'));
    } catch (e) {
      setError(e);
    }
  };

  const title = t('va.casualty.title', { id });
  if (!c) return <>{error ? <><PageTitle>{title}</PageTitle><ErrorBox error={error} /></> : <Loading />}</>;
  const erased = Boolean(c.erasedAt);
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <p><Link href="/victims/casualties">← {t('va.casualty.back')}</Link></p>
      <p className="summary">
        <strong>{erased ? t('va.erased') : t(c.status === 'placeholder' ? 'va.status.placeholder' : 'va.status.complete')}</strong>
        {c.reportId && <> · {t('va.casualty.fromReport', { id: c.reportId })}</>} · {formatDate(c.createdAt, lang)}
      </p>
      {c.status === 'placeholder' && !erased && <p className="notice">{t('va.casualty.placeholderHint')}</p>}
      <div role="status" className="saved">{saved}</div>
      <ErrorBox error={error} />
      {erased ? (
        <p className="notice">{t('va.erase.erasedOn', { date: formatDate(c.erasedAt, lang) })}</p>
      ) : (
        <CasualtyForm key={c.updatedAt} casualty={c} onSaved={(_, m) => changed(m)} />
      )}
      <ConsentsSection casualtyId={c.id} consents={c.consents} erased={erased} onChange={changed} />
      <section aria-labelledby="referrals-h" className="panel">
        <h2 id="referrals-h">{t('va.referral.heading')}</h2>
        {c.referrals.length === 0 && <p>{t('va.referral.none')}</p>}
        {c.referrals.map((r) => <ReferralCard key={`${r.id}-${r.status}`} referral={r} erased={erased} onChange={changed} />)}
        {!erased && <ReferForm casualtyId={c.id} province={c.provincePcode} onCreated={changed} />}
      </section>
      {!erased && (
        <section aria-labelledby="erase-h" className="panel">
          <h2 id="erase-h">{t('va.erase.title')}</h2>
          <p>{t('va.erase.what')}</p>
          {!confirming ? (
            <button type="button" className="danger" onClick={() => setConfirming(true)}>{t('va.erase.button')}</button>
          ) : (
            <div role="alertdialog" aria-labelledby="erase-confirm-h" aria-describedby="erase-confirm-d" className="notice">
              <h3 id="erase-confirm-h">{t('va.erase.confirmTitle')}</h3>
              <p id="erase-confirm-d">{t('va.erase.confirmText')}</p>
              <div className="toolbar">
                <button type="button" className="danger" onClick={() => void erase()}>{t('va.erase.confirm')}</button>
                {/* Focus lands on the safe choice: Enter on a confirmation should not erase a person. */}
                <button type="button" autoFocus onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
              </div>
            </div>
          )}
        </section>
      )}
    </>
  );
}
