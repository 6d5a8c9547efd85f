// The service directory: providers by province and service type, with contact, language and opening hours;
// the demo ones are marked, to be checked before real use. Create and edit (victim_assistance, admin).
import { useEffect, useState, type FormEvent } from 'react';
import { qs, request } from '../../api/http';
import { LOCALES } from '../../api/types';
import { SERVICE_TYPES, type Provider } from '../../api/victims';
import { ErrorBox, Loading, PageTitle } from '../../components/common';
import { useI18n } from '../../i18n/i18n';
import { ProvinceSelect, VocabSelect, usePlaceName, useVocab } from './common';

interface Draft { id: number | null; name: string; organisation: string; provincePcode: string; serviceType: string; phone: string; webhookUrl: string; language: string; openingHours: string; demo: boolean; active: boolean; notes: string }
const empty = (): Draft => ({ id: null, name: '', organisation: '', provincePcode: '', serviceType: 'physical_rehabilitation', phone: '', webhookUrl: '', language: 'km', openingHours: '', demo: false, active: true, notes: '' });
const draftOf = (p: Provider): Draft => ({ id: p.id, name: p.name, organisation: p.organisation ?? '', provincePcode: p.provincePcode, serviceType: p.serviceType, phone: p.phone ?? '', webhookUrl: p.webhookUrl ?? '', language: p.language, openingHours: p.openingHours ?? '', demo: p.demo, active: p.active, notes: p.notes ?? '' });

export function ProvidersPage() {
  const { t } = useI18n();
  const v = useVocab();
  const place = usePlaceName();
  const [province, setProvince] = useState('');
  const [serviceType, setServiceType] = useState('');
  const [rows, setRows] = useState<Provider[] | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async () => {
    try {
      setRows((await request<{ data: Provider[] }>('GET', `/api/victims/providers${qs({ province, serviceType })}`)).data);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    void load();
  }, [province, serviceType]);

  return (
    <>
      <PageTitle actions={<button type="button" className="primary" onClick={() => setDraft(empty())}>{t('va.provider.new')}</button>}>{t('va.provider.title')}</PageTitle>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
        <ProvinceSelect label={t('va.province')} value={province} onChange={setProvince} empty={t('common.all')} />
        <VocabSelect label={t('va.provider.serviceType')} list="service" values={SERVICE_TYPES} value={serviceType} onChange={setServiceType} empty={t('common.all')} />
      </form>
      <ErrorBox error={error} />
      {!rows && !error && <Loading />}
      {rows && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="providers-caption">
          <table className="cards">
            <caption id="providers-caption">{t('va.provider.caption', { count: rows.length })}</caption>
            <thead>
              <tr><th scope="col">{t('va.provider.name')}</th><th scope="col">{t('va.provider.serviceType')}</th><th scope="col">{t('va.province')}</th><th scope="col">{t('va.provider.contact')}</th><th scope="col">{t('va.provider.hours')}</th><th scope="col"><span className="sr-only">{t('common.actions')}</span></th></tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id}>
                  <th scope="row" data-label={t('va.provider.name')}>{p.name}{p.organisation ? ` · ${p.organisation}` : ''}{p.demo && <> · <span className="pill">{t('va.provider.demo')}</span></>}{!p.active && <> · {t('va.provider.inactive')}</>}</th>
                  <td data-label={t('va.provider.serviceType')}>{v('service', p.serviceType)}</td>
                  <td data-label={t('va.province')}>{place(p.provincePcode)}</td>
                  <td data-label={t('va.provider.contact')}>{[p.phone, p.webhookUrl].filter(Boolean).join(' · ') || '—'} ({p.language})</td>
                  <td data-label={t('va.provider.hours')}>{p.openingHours ?? '—'}</td>
                  <td><button type="button" onClick={() => setDraft(draftOf(p))} aria-label={t('va.provider.editOne', { name: p.name })}>{t('common.edit')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p>{t('va.provider.none')}</p>}
        </div>
      )}
      {draft && <ProviderForm key={draft.id ?? 'new'} initial={draft} onClose={() => setDraft(null)} onSaved={() => { setDraft(null); void load(); }} />}
    </>
  );
}

function ProviderForm({ initial, onClose, onSaved }: { initial: Draft; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(initial);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body = {
      name: d.name.trim(), organisation: d.organisation.trim() || null, provincePcode: d.provincePcode, serviceType: d.serviceType,
      phone: d.phone.trim() || null, webhookUrl: d.webhookUrl.trim() || null, language: d.language, openingHours: d.openingHours.trim() || null,
      demo: d.demo, active: d.active, notes: d.notes.trim() || null, ...(secret ? { webhookSecret: secret } : {}),
    };
    try {
      if (d.id) await request('PATCH', `/api/victims/providers/${d.id}`, body);
      else await request('POST', '/api/victims/providers', body);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="provider-form-h" className="panel">
      <h2 id="provider-form-h">{d.id ? t('va.provider.edit', { name: initial.name }) : t('va.provider.new')}</h2>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>{t('va.provider.name')}<input required maxLength={200} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} /></label>
        <label>{t('va.provider.organisation')}<input maxLength={200} value={d.organisation} onChange={(e) => setD({ ...d, organisation: e.target.value })} /></label>
        <ProvinceSelect label={t('va.province')} value={d.provincePcode} onChange={(provincePcode) => setD({ ...d, provincePcode })} empty="—" required />
        <VocabSelect label={t('va.provider.serviceType')} list="service" values={SERVICE_TYPES} value={d.serviceType} onChange={(serviceType) => setD({ ...d, serviceType })} />
        <label>{t('va.provider.phone')}<input type="tel" maxLength={40} value={d.phone} onChange={(e) => setD({ ...d, phone: e.target.value })} /></label>
        <label>{t('va.provider.webhook')}<input type="url" maxLength={2000} placeholder="https://" value={d.webhookUrl} onChange={(e) => setD({ ...d, webhookUrl: e.target.value })} /></label>
        <label>{t('va.provider.webhookSecret')}<input type="password" autoComplete="off" minLength={16} maxLength={200} value={secret} onChange={(e) => setSecret(e.target.value)} /></label>
        <label>
          {t('common.language')}
          <select value={d.language} onChange={(e) => setD({ ...d, language: e.target.value })}>
            {LOCALES.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <label>{t('va.provider.hours')}<input maxLength={200} value={d.openingHours} onChange={(e) => setD({ ...d, openingHours: e.target.value })} /></label>
        <label>{t('va.field.notes')}<textarea maxLength={1000} rows={2} value={d.notes} onChange={(e) => setD({ ...d, notes: e.target.value })} /></label>
        <label className="inline"><input type="checkbox" checked={d.demo} onChange={(e) => setD({ ...d, demo: e.target.checked })} /> {t('va.provider.demoLabel')}</label>
        <label className="inline"><input type="checkbox" checked={d.active} onChange={(e) => setD({ ...d, active: e.target.checked })} /> {t('va.provider.activeLabel')}</label>
        <ErrorBox error={error} />
        <div className="toolbar">
          <button type="submit" className="primary">{t('common.save')}</button>
          <button type="button" onClick={onClose}>{t('common.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
