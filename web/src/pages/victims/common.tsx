// Pieces the victim-assistance pages share: a select over a closed list with translated labels, the province
// picker (provinces from GET /api/districts), and a label for a P-code.
import { useEffect, useState } from 'react';
import type { DistrictNode } from '../../api/types';
import { loadDistricts } from '../../components/district-tree';
import { useI18n, type Key } from '../../i18n/i18n';

/** The translated label of a value of a closed list: `va.<list>.<value>`. */
export function useVocab() {
  const { t } = useI18n();
  return (list: string, value: string | null | undefined) => (value ? t(`va.${list}.${value}` as Key) : '—');
}

export function VocabSelect({ label, list, values, value, onChange, empty, id }: {
  label: string; list: string; values: readonly string[]; value: string; onChange: (v: string) => void; empty?: string; id?: string;
}) {
  const v = useVocab();
  return (
    <label>
      {label}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {values.map((x) => <option key={x} value={x}>{v(list, x)}</option>)}
      </select>
    </label>
  );
}

export function useProvinces(): DistrictNode[] {
  const [tree, setTree] = useState<DistrictNode[]>([]);
  useEffect(() => {
    loadDistricts().then((nodes) => setTree(nodes.filter((n) => n.level === 'province')), () => {});
  }, []);
  return tree;
}

export function ProvinceSelect({ label, value, onChange, empty, required }: { label: string; value: string; onChange: (v: string) => void; empty?: string; required?: boolean }) {
  const provinces = useProvinces();
  return (
    <label>
      {label}
      <select value={value} required={required} onChange={(e) => onChange(e.target.value)}>
        {empty !== undefined && <option value="">{empty}</option>}
        {value && !provinces.some((p) => p.pcode === value) && <option value={value}>{value}</option>}
        {provinces.map((p) => <option key={p.pcode} value={p.pcode}>{p.nameEn} ({p.pcode})</option>)}
      </select>
    </label>
  );
}

/** "Banteay Meanchey (01)" for a province P-code, or the code itself before the list has loaded. */
export function usePlaceName() {
  const provinces = useProvinces();
  return (pcode: string | null | undefined) => {
    if (!pcode) return '—';
    const p = provinces.find((x) => x.pcode === pcode);
    return p ? `${p.nameEn} (${pcode})` : pcode;
  };
}

/** The place of an accident: a province or one of its districts (the API derives the rest from the P-code). */
export function PlaceSelect({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  const provinces = useProvinces();
  const known = provinces.some((p) => p.pcode === value || p.children?.some((d) => d.pcode === value));
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('va.unknownPlace')}</option>
        {value && !known && <option value={value}>{value}</option>}
        {provinces.map((p) => (
          <optgroup key={p.pcode} label={p.nameEn}>
            <option value={p.pcode}>{p.nameEn} ({p.pcode})</option>
            {(p.children ?? []).map((d) => <option key={d.pcode} value={d.pcode}>{p.nameEn} › {d.nameEn} ({d.pcode})</option>)}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
