// Consent per purpose (services; sharing with a named organisation; de-identified statistics): who gave it and
// how, or the legal basis when consent cannot be had (vital interests, for emergency care only); withdrawing it.
import { useEffect, useState, type FormEvent } from 'react';
import { request } from '../../api/http';
import { CONSENT_GIVERS, CONSENT_METHODS, CONSENT_PURPOSES, LEGAL_BASES, type Consent, type Provider } from '../../api/victims';
import { ErrorBox, formatDate } from '../../components/common';
import { useI18n } from '../../i18n/i18n';
import { VocabSelect, useVocab } from './common';

export function ConsentsSection({ casualtyId, consents, erased, onChange }: { casualtyId: number; consents: Consent[]; erased: boolean; onChange: (message: string) => void }) {
  const { t, lang } = useI18n();
  const v = useVocab();
  const [purpose, setPurpose] = useState('services');
  const [organisation, setOrganisation] = useState('');
  const [legalBasis, setLegalBasis] = useState('consent');
  const [givenBy, setGivenBy] = useState('survivor');
  const [givenByName, setGivenByName] = useState('');
  const [method, setMethod] = useState('in_person');
  const [error, setError] = useState<unknown>(null);
  // Sharing consent is matched to a provider's organisation by name: offer the directory's names.
  const [organisations, setOrganisations] = useState<string[]>([]);
  useEffect(() => {
    request<{ data: Provider[] }>('GET', '/api/victims/providers').then((r) => setOrganisations([...new Set(r.data.map((p) => p.organisation ?? p.name))].sort()), () => {});
  }, []);

  const record = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', `/api/victims/casualties/${casualtyId}/consents`, {
        purpose, legalBasis, givenBy, method,
        ...(purpose === 'sharing' ? { organisation: organisation.trim() } : {}),
        ...(givenByName.trim() ? { givenByName: givenByName.trim() } : {}),
      });
      setOrganisation('');
      setGivenByName('');
      onChange(t('va.consent.recorded'));
    } catch (err) {
      setError(err);
    }
  };
  const withdraw = async (c: Consent) => {
    setError(null);
    try {
      await request('POST', `/api/victims/consents/${c.id}/withdraw`, {});
      onChange(t('va.consent.withdrawn'));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="consent-h" className="panel">
      <h2 id="consent-h">{t('va.consent.title')}</h2>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="consent-caption">
        <table className="cards">
          <caption id="consent-caption">{t('va.consent.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('va.consent.purpose')}</th><th scope="col">{t('va.consent.legalBasis')}</th><th scope="col">{t('va.consent.givenBy')}</th>
              <th scope="col">{t('va.consent.method')}</th><th scope="col">{t('common.time')}</th><th scope="col"><span className="sr-only">{t('common.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {consents.map((c) => (
              <tr key={c.id}>
                <th scope="row" data-label={t('va.consent.purpose')}>{v('purpose', c.purpose)}{c.organisation ? ` · ${c.organisation}` : ''}</th>
                <td data-label={t('va.consent.legalBasis')}>{v('legalBasis', c.legalBasis)}</td>
                <td data-label={t('va.consent.givenBy')}>{v('giver', c.givenBy)}{c.givenByName ? ` · ${c.givenByName}` : ''}</td>
                <td data-label={t('va.consent.method')}>{v('method', c.method)}</td>
                <td data-label={t('common.time')}>{formatDate(c.givenAt, lang)}{c.withdrawnAt && <> · {t('va.consent.withdrawnAt', { date: formatDate(c.withdrawnAt, lang) })}</>}</td>
                <td>
                  {!c.withdrawnAt && !erased && (
                    <button type="button" className="danger" onClick={() => void withdraw(c)} aria-label={t('va.consent.withdrawOne', { purpose: v('purpose', c.purpose) })}>
                      {t('va.consent.withdraw')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {consents.length === 0 && <p>{t('va.consent.none')}</p>}
      </div>
      {!erased && (
        <form className="stack" onSubmit={(e) => void record(e)} aria-labelledby="consent-new-h">
          <h3 id="consent-new-h">{t('va.consent.new')}</h3>
          <div className="row">
            <VocabSelect label={t('va.consent.purpose')} list="purpose" values={CONSENT_PURPOSES} value={purpose} onChange={(p) => { setPurpose(p); if (p !== 'services') setLegalBasis('consent'); }} />
            {purpose === 'sharing' && (
              <label>{t('va.consent.organisation')}<input required maxLength={200} list="consent-organisations" value={organisation} onChange={(e) => setOrganisation(e.target.value)} /></label>
            )}
            <VocabSelect label={t('va.consent.legalBasis')} list="legalBasis" values={purpose === 'services' ? LEGAL_BASES : ['consent']} value={legalBasis} onChange={setLegalBasis} />
            <VocabSelect label={t('va.consent.givenBy')} list="giver" values={CONSENT_GIVERS} value={givenBy} onChange={setGivenBy} />
            <label>{t('va.consent.givenByName')}<input maxLength={200} autoComplete="off" value={givenByName} onChange={(e) => setGivenByName(e.target.value)} /></label>
            <VocabSelect label={t('va.consent.method')} list="method" values={CONSENT_METHODS} value={method} onChange={setMethod} />
          </div>
          {purpose === 'sharing' && <p className="muted">{t('va.consent.sharingHint')}</p>}
          <datalist id="consent-organisations">{organisations.map((o) => <option key={o} value={o} />)}</datalist>
          <ErrorBox error={error} />
          <div className="toolbar"><button type="submit" className="primary">{t('va.consent.record')}</button></div>
        </form>
      )}
    </section>
  );
}
