// The campaign builder: a library message or custom text per language, districts from the tree, one-off or
// recurring (cron presets with a plain description) in a time zone, quiet hours and a weekly cap. It saves a
// draft; the campaign's page then shows the live preview per language and schedules it.
import { useEffect, useState, type FormEvent } from 'react';
import { client, request, unwrap } from '../api/http';
import { LOCALES, type Campaign, type ContentMessage, type Locale } from '../api/types';
import { ErrorBox, PageTitle } from '../components/common';
import { DistrictTree } from '../components/district-tree';
import { CRON_PRESETS, TIME_ZONES, describeCron, zonedToIso } from '../cron';
import { useI18n, type Key } from '../i18n/i18n';
import { navigate } from '../router';

export function CampaignBuilderPage() {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [channel, setChannel] = useState<'sms' | 'voice'>('sms');
  const [source, setSource] = useState<'library' | 'custom'>('library');
  const [library, setLibrary] = useState<ContentMessage[]>([]);
  const [message, setMessage] = useState('');
  const [texts, setTexts] = useState<Partial<Record<Locale, string>>>({});
  const [districts, setDistricts] = useState<string[]>([]);
  const [languages, setLanguages] = useState<Locale[]>([]);
  const [kind, setKind] = useState<'once' | 'recurring'>('once');
  const [at, setAt] = useState('');
  const [cron, setCron] = useState('0 9 * * 1');
  const [timezone, setTimezone] = useState('Asia/Phnom_Penh');
  const [quiet, setQuiet] = useState(false);
  const [quietStart, setQuietStart] = useState('20:00');
  const [quietEnd, setQuietEnd] = useState('07:00');
  const [cap, setCap] = useState('');
  const [allowUnapproved, setAllowUnapproved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    request<{ data: ContentMessage[] }>('GET', '/api/content').then((r) => {
      setLibrary(r.data);
      if (r.data[0]) setMessage((m) => m || r.data[0]!.id);
    }, (e) => setError(e));
  }, []);

  const chosen = library.find((m) => m.id === message);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const customTexts = Object.fromEntries(Object.entries(texts).filter(([, v]) => v && v.trim()));
    const body = {
      name: name.trim(),
      channel,
      ...(source === 'library' ? { message, ...(allowUnapproved ? { allowUnapproved: true } : {}) } : { text: customTexts }),
      districts,
      ...(languages.length ? { languages } : {}),
      schedule: kind === 'once' ? { at: at ? zonedToIso(at, timezone) : '', timezone } : { cron: cron.trim(), timezone },
      ...(quiet ? { quietHours: { start: quietStart, end: quietEnd } } : {}),
      ...(cap ? { maxPerSubscriberPerWeek: Number(cap) } : {}),
      draft: true,
    };
    try {
      const created = await unwrap<Campaign>(client.POST('/api/campaigns', { body: body as never }));
      navigate(`/campaigns/${created.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{t('builder.title')}</PageTitle>
      <form onSubmit={submit} className="stack builder">
        <label>
          {t('campaigns.name')}
          <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset>
          <legend>{t('campaigns.channel')}</legend>
          <label className="inline"><input type="radio" name="channel" checked={channel === 'sms'} onChange={() => setChannel('sms')} /> SMS</label>
          <label className="inline"><input type="radio" name="channel" checked={channel === 'voice'} onChange={() => setChannel('voice')} /> {t('builder.voice')}</label>
        </fieldset>
        <fieldset>
          <legend>{t('builder.message')}</legend>
          <label className="inline"><input type="radio" name="source" checked={source === 'library'} onChange={() => setSource('library')} /> {t('builder.library')}</label>
          <label className="inline"><input type="radio" name="source" checked={source === 'custom'} onChange={() => setSource('custom')} /> {t('builder.custom')}</label>
          {source === 'library' ? (
            <>
              <label>
                {t('builder.libraryMessage')}
                <select value={message} onChange={(e) => setMessage(e.target.value)} required>
                  {library.map((m) => <option key={m.id} value={m.id}>{m.id} · {m.title}</option>)}
                </select>
              </label>
              <label className="inline">
                <input type="checkbox" checked={allowUnapproved} onChange={(e) => setAllowUnapproved(e.target.checked)} aria-describedby="unapproved-hint" />
                {t('builder.allowUnapproved')}
              </label>
              <p id="unapproved-hint" className="muted">{t('builder.allowUnapprovedHint')}</p>
              {chosen && (
                <dl className="texts">
                  {LOCALES.filter((l) => chosen.texts[l]).map((l) => (
                    <div key={l}>
                      <dt>{t(`lang.${l}` as Key)} · {chosen.texts[l]!.encoding} · {t('content.parts', { n: chosen.texts[l]!.parts })}</dt>
                      <dd lang={l}>{chosen.texts[l]!.sms}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </>
          ) : (
            LOCALES.map((l) => (
              <label key={l}>
                {t('builder.textIn', { lang: t(`lang.${l}` as Key) })} <span className="muted">({(texts[l] ?? '').length}/1600)</span>
                <textarea lang={l} rows={3} maxLength={1600} value={texts[l] ?? ''} onChange={(e) => setTexts({ ...texts, [l]: e.target.value })} />
              </label>
            ))
          )}
          <p className="muted">{t('builder.variables')}</p>
        </fieldset>
        <DistrictTree value={districts} onChange={setDistricts} legend={t('campaigns.districts')} />
        <fieldset>
          <legend>{t('builder.languages')}</legend>
          {LOCALES.map((l) => (
            <label className="inline" key={l}>
              <input type="checkbox" checked={languages.includes(l)} onChange={(e) => setLanguages(e.target.checked ? [...languages, l] : languages.filter((x) => x !== l))} /> {t(`lang.${l}` as Key)}
            </label>
          ))}
          <p className="muted">{t('builder.languagesHint')}</p>
        </fieldset>
        <fieldset>
          <legend>{t('builder.when')}</legend>
          <label className="inline"><input type="radio" name="kind" checked={kind === 'once'} onChange={() => setKind('once')} /> {t('builder.once')}</label>
          <label className="inline"><input type="radio" name="kind" checked={kind === 'recurring'} onChange={() => setKind('recurring')} /> {t('builder.recurring')}</label>
          {kind === 'once' ? (
            <label>
              {t('builder.at')}
              <input type="datetime-local" required value={at} onChange={(e) => setAt(e.target.value)} />
            </label>
          ) : (
            <>
              <label>
                {t('builder.preset')}
                <select value={CRON_PRESETS.some((p) => p.cron === cron) ? cron : ''} onChange={(e) => e.target.value && setCron(e.target.value)}>
                  <option value="">{t('builder.customCron')}</option>
                  {CRON_PRESETS.map((p) => <option key={p.cron} value={p.cron}>{t(p.label)}</option>)}
                </select>
              </label>
              <label>
                {t('builder.cron')}
                <input value={cron} onChange={(e) => setCron(e.target.value)} required aria-describedby="cron-desc" spellCheck={false} />
              </label>
              <p id="cron-desc" className="muted" aria-live="polite">{describeCron(cron, t)}</p>
            </>
          )}
          <label>
            {t('builder.timezone')}
            <select value={timezone} onChange={(e) => setTimezone(e.target.value)}>
              {TIME_ZONES.map((z) => <option key={z} value={z}>{z}</option>)}
            </select>
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('builder.limits')}</legend>
          <label className="inline"><input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} /> {t('builder.quietHours')}</label>
          {quiet && (
            <div className="row">
              <label>{t('builder.quietStart')}<input type="time" value={quietStart} onChange={(e) => setQuietStart(e.target.value)} required /></label>
              <label>{t('builder.quietEnd')}<input type="time" value={quietEnd} onChange={(e) => setQuietEnd(e.target.value)} required /></label>
            </div>
          )}
          <label>
            {t('builder.cap')}
            <input type="number" min={1} max={100} value={cap} onChange={(e) => setCap(e.target.value)} />
          </label>
        </fieldset>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>{t('builder.saveDraft')}</button>
      </form>
    </>
  );
}
