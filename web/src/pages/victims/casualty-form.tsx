// The GICHD minimum data of one casualty, as a form: completing a placeholder from an SMS report, or correcting
// a record. Sends only the fields the API accepts (PATCH /api/victims/casualties/:id).
import { useState, type FormEvent } from 'react';
import { request } from '../../api/http';
import { LOCALES } from '../../api/types';
import {
  ACTIVITIES, AGE_GROUPS, CATEGORIES, DEVICE_CATEGORIES, INJURIES, OUTCOMES, RELATIONS, SEXES, type Casualty, type CasualtyDetail,
} from '../../api/victims';
import { ErrorBox } from '../../components/common';
import { useI18n } from '../../i18n/i18n';
import { PlaceSelect, VocabSelect, useVocab } from './common';

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', km: 'ខ្មែរ', lo: 'ລາວ', es: 'Español' };

type Draft = Record<'outcome' | 'sex' | 'age' | 'ageGroup' | 'category' | 'activity' | 'deviceCategory' | 'accidentDate' | 'adminPcode' | 'lat' | 'lon' | 'name' | 'contactName' | 'contactPhone' | 'contactRelation' | 'language' | 'notes', string> & { injuries: string[] };

const draftOf = (c: Casualty): Draft => ({
  outcome: c.outcome, sex: c.sex, age: c.age == null ? '' : String(c.age), ageGroup: c.ageGroup, category: c.category, activity: c.activity,
  deviceCategory: c.deviceCategory, accidentDate: c.accidentDate ?? '', adminPcode: c.adminPcode ?? '', lat: c.lat == null ? '' : String(c.lat),
  lon: c.lon == null ? '' : String(c.lon), name: c.name ?? '', contactName: c.contactName ?? '', contactPhone: c.contactPhone ?? '',
  contactRelation: c.contactRelation ?? '', language: c.language, notes: c.notes ?? '', injuries: c.injuries,
});

const num = (s: string) => (s.trim() === '' ? null : Number(s));

export function CasualtyForm({ casualty, onSaved }: { casualty: CasualtyDetail; onSaved: (c: Casualty, message: string) => void }) {
  const { t } = useI18n();
  const v = useVocab();
  const [d, setD] = useState<Draft>(() => draftOf(casualty));
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof Draft) => (value: string) => setD({ ...d, [k]: value });
  const placeholder = casualty.status === 'placeholder';

  const save = async (e: FormEvent, complete: boolean) => {
    e.preventDefault();
    setError(null);
    const body = {
      outcome: d.outcome, sex: d.sex, age: num(d.age), ...(d.age.trim() === '' ? { ageGroup: d.ageGroup } : {}), category: d.category,
      activity: d.activity, deviceCategory: d.deviceCategory, accidentDate: d.accidentDate || null, adminPcode: d.adminPcode || null,
      lat: num(d.lat), lon: num(d.lon), injuries: d.injuries, name: d.name.trim() || null, contactName: d.contactName.trim() || null,
      contactPhone: d.contactPhone.trim() || null, contactRelation: d.contactRelation || null, language: d.language, notes: d.notes.trim() || null,
      ...(complete ? { complete: true } : {}),
    };
    try {
      const c = await request<Casualty>('PATCH', `/api/victims/casualties/${casualty.id}`, body);
      setD(draftOf(c));
      onSaved(c, complete ? t('va.casualty.completed') : t('va.saved'));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="record-h" className="panel">
      <h2 id="record-h">{t('va.casualty.record')}</h2>
      <form className="stack" onSubmit={(e) => void save(e, placeholder)}>
        <fieldset>
          <legend>{t('va.casualty.person')}</legend>
          <div className="row">
            <VocabSelect label={t('va.field.outcome')} list="outcome" values={OUTCOMES} value={d.outcome} onChange={set('outcome')} />
            <label>{t('va.field.name')}<input maxLength={200} autoComplete="off" value={d.name} onChange={(e) => set('name')(e.target.value)} /></label>
            <VocabSelect label={t('va.field.sex')} list="sex" values={SEXES} value={d.sex} onChange={set('sex')} />
            <label>{t('va.field.age')}<input type="number" inputMode="numeric" min={0} max={120} value={d.age} onChange={(e) => set('age')(e.target.value)} /></label>
            <VocabSelect label={t('va.field.ageGroup')} list="ageGroup" values={AGE_GROUPS} value={d.age.trim() ? (Number(d.age) < 18 ? 'child' : 'adult') : d.ageGroup} onChange={set('ageGroup')} />
            <VocabSelect label={t('va.field.category')} list="category" values={CATEGORIES} value={d.category} onChange={set('category')} />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('va.casualty.accident')}</legend>
          <div className="row">
            <VocabSelect label={t('va.field.activity')} list="activity" values={ACTIVITIES} value={d.activity} onChange={set('activity')} />
            <VocabSelect label={t('va.field.deviceCategory')} list="device" values={DEVICE_CATEGORIES} value={d.deviceCategory} onChange={set('deviceCategory')} />
            <label>{t('va.field.accidentDate')}<input type="date" value={d.accidentDate} onChange={(e) => set('accidentDate')(e.target.value)} /></label>
            <PlaceSelect label={t('va.field.place')} value={d.adminPcode} onChange={set('adminPcode')} />
            <label>{t('va.field.lat')}<input type="number" step="any" min={-90} max={90} value={d.lat} onChange={(e) => set('lat')(e.target.value)} /></label>
            <label>{t('va.field.lon')}<input type="number" step="any" min={-180} max={180} value={d.lon} onChange={(e) => set('lon')(e.target.value)} /></label>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('va.field.injuries')}</legend>
          {INJURIES.map((i) => (
            <label key={i} className="inline">
              <input type="checkbox" checked={d.injuries.includes(i)} onChange={(e) => setD({ ...d, injuries: e.target.checked ? [...d.injuries, i] : d.injuries.filter((x) => x !== i) })} />{' '}
              {v('injury', i)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('va.casualty.contact')}</legend>
          <div className="row">
            <label>{t('va.field.contactName')}<input maxLength={200} autoComplete="off" value={d.contactName} onChange={(e) => set('contactName')(e.target.value)} /></label>
            <label>{t('va.field.contactPhone')}<input type="tel" autoComplete="off" maxLength={40} value={d.contactPhone} onChange={(e) => set('contactPhone')(e.target.value)} /></label>
            <VocabSelect label={t('va.field.contactRelation')} list="relation" values={RELATIONS} value={d.contactRelation} onChange={set('contactRelation')} empty="—" />
            <label>
              {t('va.field.language')}
              <select value={d.language} onChange={(e) => set('language')(e.target.value)}>
                {LOCALES.map((l) => <option key={l} value={l} lang={l}>{LANGUAGE_NAMES[l]}</option>)}
              </select>
            </label>
          </div>
        </fieldset>
        <label>{t('va.field.notes')}<textarea maxLength={2000} rows={3} value={d.notes} onChange={(e) => set('notes')(e.target.value)} /></label>
        <ErrorBox error={error} />
        <div className="toolbar">
          {placeholder && <button type="submit" className="primary">{t('va.casualty.complete')}</button>}
          <button type={placeholder ? 'button' : 'submit'} className={placeholder ? '' : 'primary'} onClick={placeholder ? (e) => void save(e, false) : undefined}>{t('common.save')}</button>
        </div>
      </form>
    </section>
  );
}
