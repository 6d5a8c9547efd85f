// The risk-education library: every message in every language with its encoding, parts and recorded audio.
import { useEffect, useState } from 'react';
import { request } from '../api/http';
import { LOCALES, type ContentMessage } from '../api/types';
import { ErrorBox, Loading, PageTitle } from '../components/common';
import { useI18n, type Key } from '../i18n/i18n';

export function ContentPage() {
  const { t } = useI18n();
  const [items, setItems] = useState<ContentMessage[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request<{ data: ContentMessage[] }>('GET', '/api/content').then((r) => setItems(r.data), setError);
  }, []);
  return (
    <>
      <PageTitle>{t('content.title')}</PageTitle>
      <ErrorBox error={error} />
      {!items && !error && <Loading />}
      {items?.map((m) => (
        <section key={m.id} className="panel" aria-labelledby={`msg-${m.id}`}>
          <h2 id={`msg-${m.id}`}>{m.id} · {m.title}</h2>
          <p className="muted">{[m.topic, m.channels.join(', ')].filter(Boolean).join(' · ')}</p>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <caption>{t('content.caption', { id: m.id })}</caption>
              <thead><tr><th scope="col">{t('common.language')}</th><th scope="col">SMS</th><th scope="col">{t('content.encoding')}</th><th scope="col">{t('campaigns.partsCol')}</th><th scope="col">{t('content.audio')}</th></tr></thead>
              <tbody>
                {LOCALES.map((l) => {
                  const x = m.texts[l];
                  return (
                    <tr key={l}>
                      <th scope="row">{t(`lang.${l}` as Key)}</th>
                      <td lang={l} className="body">{x?.sms ?? t('content.missing')}</td>
                      <td>{x?.encoding ?? '—'}</td>
                      <td>{x ? `${x.parts} (${x.chars} ${t('content.chars')})` : '—'}</td>
                      <td>{x?.audioUrl ? <audio controls preload="none" src={x.audioUrl} aria-label={t('content.audioFor', { id: m.id, lang: t(`lang.${l}` as Key) })} /> : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}
