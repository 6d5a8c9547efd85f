// A horizontal bar chart as plain SVG, with the numbers in a table beside it for screen readers and for
// anyone who prefers figures to bars.
import { useI18n } from '../i18n/i18n';

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const { t } = useI18n();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 26;
  // Room for the longest label (about 7.5 px a character at 12 px), within reason; longer ones are shortened
  // with an ellipsis and keep their full text in a <title> and in the table below.
  const longest = Math.max(...bars.map((b) => [...b.label].length), 4);
  const labelW = Math.min(190, Math.max(80, Math.round(longest * 7.5) + 12));
  const width = 420 + Math.max(0, labelW - 110);
  const fit = (label: string) => {
    const max = Math.floor((labelW - 12) / 7.5);
    const chars = [...label];
    return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : label;
  };
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${bars.length * row + 4}`} role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.value}`).join(', ')}`}>
        {bars.map((b, i) => {
          const w = ((width - labelW - 50) * b.value) / max;
          return (
            <g key={b.label} transform={`translate(0 ${i * row + 2})`}>
              <text x={labelW - 6} y={16} textAnchor="end" fontSize="12"><title>{b.label}</title>{fit(b.label)}</text>
              <rect x={labelW} y={3} width={Math.max(w, b.value ? 2 : 0)} height={18} fill={b.color ?? '#2b5d8a'} />
              <text x={labelW + w + 6} y={16} fontSize="12">{b.value}</text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
      <details>
        <summary>{t('common.showTable')}</summary>
        <table>
          <caption>{title}</caption>
          <thead><tr><th scope="col">{t('common.item')}</th><th scope="col">{t('common.count')}</th></tr></thead>
          <tbody>
            {bars.map((b) => (
              <tr key={b.label}><th scope="row">{b.label}</th><td>{b.value}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
