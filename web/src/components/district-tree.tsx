// A checkbox tree of provinces and their districts (GET /api/districts). Ticking a province stands for all its
// districts (the API expands it), so its districts are shown ticked and locked.
import { useEffect, useState } from 'react';
import { request } from '../api/http';
import type { DistrictNode } from '../api/types';
import { useI18n } from '../i18n/i18n';

let cache: Promise<DistrictNode[]> | null = null;
export function loadDistricts(): Promise<DistrictNode[]> {
  cache ??= request<{ data: DistrictNode[] }>('GET', '/api/districts?depth=2').then((r) => r.data).catch((e) => {
    cache = null;
    throw e;
  });
  return cache;
}

export function DistrictTree({ value, onChange, legend }: { value: string[]; onChange: (v: string[]) => void; legend: string }) {
  const { t } = useI18n();
  const [tree, setTree] = useState<DistrictNode[]>([]);
  useEffect(() => {
    loadDistricts().then(setTree, () => {});
  }, []);
  const toggle = (pcode: string, on: boolean, children: string[] = []) => {
    const rest = value.filter((v) => v !== pcode && !children.includes(v));
    onChange(on ? [...rest, pcode] : rest);
  };
  return (
    <fieldset className="tree">
      <legend>{legend}</legend>
      {tree.length === 0 && <p className="muted">{t('common.loading')}</p>}
      <ul>
        {tree.map((p) => {
          const kids = (p.children ?? []).map((d) => d.pcode);
          const provinceOn = value.includes(p.pcode);
          return (
            <li key={p.pcode}>
              <label>
                <input type="checkbox" checked={provinceOn} onChange={(e) => toggle(p.pcode, e.target.checked, kids)} />
                {p.nameEn}{p.nameLocal ? ` · ${p.nameLocal}` : ''} <span className="muted">({p.pcode}{p.subscribers !== undefined ? `, ${t('districts.subscribers', { n: p.subscribers })}` : ''})</span>
              </label>
              {kids.length > 0 && (
                <ul>
                  {(p.children ?? []).map((d) => (
                    <li key={d.pcode}>
                      <label>
                        <input type="checkbox" disabled={provinceOn} checked={provinceOn || value.includes(d.pcode)} onChange={(e) => toggle(d.pcode, e.target.checked)} />
                        {d.nameEn}{d.nameLocal ? ` · ${d.nameLocal}` : ''} <span className="muted">({d.pcode}{d.subscribers !== undefined ? `, ${t('districts.subscribers', { n: d.subscribers })}` : ''})</span>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
