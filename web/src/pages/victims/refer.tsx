// A new referral: the provider picked from the directory, filtered by province and service type. When the API
// answers 422 consent_missing, the form names the missing consent and offers the audited override, which needs
// a reason.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, qs, request } from '../../api/http';
import { SERVICE_TYPES, type MissingConsent, type Provider } from '../../api/victims';
import { ErrorBox } from '../../components/common';
import { useI18n } from '../../i18n/i18n';
import { ProvinceSelect, VocabSelect, usePlaceName, useVocab } from './common';

export function ReferForm({ casualtyId, province, onCreated }: { casualtyId: number; province: string | null; onCreated: (message: string) => void }) {
  const { t } = useI18n();
  const v = useVocab();
  const place = usePlaceName();
  const [filterProvince, setFilterProvince] = useState(province ?? '');
  const [serviceType, setServiceType] = useState('');
  const [providers, setProviders] = useState<Provider[]>([]);
  const [providerId, setProviderId] = useState('');
  const [needs, setNeeds] = useState('');
  const [missing, setMissing] = useState<MissingConsent[] | null>(null);
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    request<{ data: Provider[] }>('GET', `/api/victims/providers${qs({ province: filterProvince, serviceType, active: 'true' })}`).then(
      (r) => {
        setProviders(r.data);
        setProviderId((id) => (r.data.some((p) => String(p.id) === id) ? id : String(r.data[0]?.id ?? '')));
      },
      setError,
    );
  }, [filterProvince, serviceType]);
  useEffect(() => {
    setMissing(null);
    setOverride(false);
  }, [providerId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', '/api/victims/referrals', {
        casualtyId, providerId: Number(providerId), ...(needs.trim() ? { needs: needs.trim() } : {}),
        ...(override ? { override: { reason: reason.trim() } } : {}),
      });
      setNeeds('');
      setReason('');
      setMissing(null);
      setOverride(false);
      onCreated(t('va.refer.created'));
    } catch (err) {
      const details = err instanceof ApiError ? (err.details as { code?: string; missing?: MissingConsent[] } | undefined) : undefined;
      if (details?.code === 'consent_missing') setMissing(details.missing ?? []);
      else setError(err);
    }
  };

  const describe = (m: MissingConsent) => (m.organisation ? t('va.refer.missingSharing', { organisation: m.organisation }) : v('purpose', m.purpose));
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="refer-h">
      <h3 id="refer-h">{t('va.refer.title')}</h3>
      <div className="row">
        <ProvinceSelect label={t('va.province')} value={filterProvince} onChange={setFilterProvince} empty={t('common.all')} />
        <VocabSelect label={t('va.provider.serviceType')} list="service" values={SERVICE_TYPES} value={serviceType} onChange={setServiceType} empty={t('common.all')} />
        <label>
          {t('va.refer.provider')}
          <select required value={providerId} onChange={(e) => setProviderId(e.target.value)}>
            {providers.length === 0 && <option value="">{t('va.refer.noProvider')}</option>}
            {providers.map((p) => (
              <option key={p.id} value={p.id}>{p.name} · {v('service', p.serviceType)} · {place(p.provincePcode)}</option>
            ))}
          </select>
        </label>
      </div>
      <label>{t('va.refer.needs')}<textarea maxLength={1000} rows={2} value={needs} onChange={(e) => setNeeds(e.target.value)} /></label>
      {missing && (
        <div className="notice" role="alert">
          <p><strong>{t('va.refer.consentMissing')}</strong></p>
          <ul>{missing.map((m, i) => <li key={i}>{describe(m)}</li>)}</ul>
          <p>{t('va.refer.recordFirst')}</p>
          <label className="inline"><input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} /> {t('va.refer.override')}</label>
          {override && (
            <label>{t('va.refer.overrideReason')}<textarea required minLength={10} maxLength={1000} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} /></label>
          )}
        </div>
      )}
      <ErrorBox error={error} />
      <div className="toolbar">
        <button type="submit" className="primary" disabled={!providerId}>
          {override ? t('va.refer.submitOverride') : t('va.refer.submit')}
        </button>
      </div>
    </form>
  );
}
