/**
 * Charts drawn on the server as SVG: horizontal bars with text labels and values, series told apart
 * by pattern and by name (never by colour alone). Each chart is an image with a title and a
 * description; the page puts the same figures in a data table next to it.
 */

export type PatternName = 'solid' | 'hatch' | 'dots' | 'cross';

export interface ChartSeries {
  key: string;
  label: string;
  pattern: PatternName;
}

export interface ChartGroup {
  label: string;
  values: { series: string; value: number; text: string }[];
}

export interface BarChartOptions {
  id: string;
  title: string;
  desc: string;
  series: ChartSeries[];
  groups: ChartGroup[];
  /** the value of a full-length bar (default: the largest value) */
  max?: number;
}

const WIDTH = 760;
const LABEL_W = 250;
const BAR_AREA = 360;
const BAR_H = 18;
const BAR_GAP = 4;
const GROUP_GAP = 14;
const LEGEND_H = 30;
const INK = '#0b0c0c';
const BRAND = '#0b4f6c';

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Up to two lines of about `max` characters; longer labels end with an ellipsis (the table has them in full). */
export function wrapLabel(label: string, max = 34): string[] {
  const words = label.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (!cur) cur = w;
    else if ((cur + ' ' + w).length <= max) cur += ' ' + w;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur) lines.push(cur);
  if (lines.length <= 2) return lines.map((l) => (l.length > max ? l.slice(0, max - 1) + '…' : l));
  const second = lines.slice(1).join(' ');
  return [lines[0]!.slice(0, max), second.slice(0, max - 1) + '…'];
}

function patternDefs(id: string, patterns: PatternName[]): string {
  const defs: string[] = [];
  for (const p of new Set(patterns)) {
    const pid = `${id}-pat-${p}`;
    if (p === 'solid') continue;
    if (p === 'hatch') {
      defs.push(
        `<pattern id="${pid}" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/><rect width="4" height="8" fill="${BRAND}"/></pattern>`,
      );
    } else if (p === 'dots') {
      defs.push(
        `<pattern id="${pid}" patternUnits="userSpaceOnUse" width="7" height="7"><rect width="7" height="7" fill="#ffffff"/><circle cx="3.5" cy="3.5" r="2" fill="${INK}"/></pattern>`,
      );
    } else {
      defs.push(
        `<pattern id="${pid}" patternUnits="userSpaceOnUse" width="8" height="8"><rect width="8" height="8" fill="#ffffff"/><path d="M0 0L8 8M8 0L0 8" stroke="${INK}" stroke-width="1.5"/></pattern>`,
      );
    }
  }
  return defs.length ? `<defs>${defs.join('')}</defs>` : '';
}

function fillOf(id: string, p: PatternName): string {
  return p === 'solid' ? BRAND : `url(#${id}-pat-${p})`;
}

export function barChart(o: BarChartOptions): string {
  const id = o.id.replace(/[^a-zA-Z0-9_-]/g, '');
  const seriesByKey = new Map(o.series.map((s) => [s.key, s]));
  const all = o.groups.flatMap((g) => g.values.map((v) => v.value));
  const max = Math.max(o.max ?? 0, ...all, 0) || 1;
  const showLegend = o.series.length > 1;
  const top = showLegend ? LEGEND_H + 6 : 6;

  const parts: string[] = [];
  let y = top;
  for (const g of o.groups) {
    const groupH = Math.max(1, g.values.length) * (BAR_H + BAR_GAP) - BAR_GAP;
    const lines = wrapLabel(g.label);
    const labelY = y + groupH / 2 - ((lines.length - 1) * 15) / 2 + 5;
    parts.push(
      `<text x="${LABEL_W - 10}" y="${labelY.toFixed(1)}" text-anchor="end" font-size="13" fill="${INK}">${lines
        .map((l, i) => `<tspan x="${LABEL_W - 10}" dy="${i === 0 ? 0 : 15}">${escapeXml(l)}</tspan>`)
        .join('')}</text>`,
    );
    for (const v of g.values) {
      const s = seriesByKey.get(v.series) ?? {
        key: v.series,
        label: v.series,
        pattern: 'solid' as PatternName,
      };
      const w = Math.max(v.value > 0 ? 2 : 0, Math.round((v.value / max) * BAR_AREA));
      if (w > 0) {
        parts.push(
          `<rect x="${LABEL_W}" y="${y}" width="${w}" height="${BAR_H}" fill="${fillOf(id, s.pattern)}" stroke="${INK}" stroke-width="1"/>`,
        );
      }
      const valueText = showLegend ? `${s.label}: ${v.text}` : v.text;
      parts.push(
        `<text x="${LABEL_W + w + 6}" y="${y + BAR_H - 4}" font-size="13" fill="${INK}">${escapeXml(valueText)}</text>`,
      );
      y += BAR_H + BAR_GAP;
    }
    y += GROUP_GAP - BAR_GAP;
  }
  const height = Math.max(y + 6, top + 30);

  const legend = showLegend
    ? o.series
        .map((s, i) => {
          const x = 10 + i * 200;
          return `<rect x="${x}" y="6" width="22" height="16" fill="${fillOf(id, s.pattern)}" stroke="${INK}" stroke-width="1"/><text x="${x + 30}" y="19" font-size="13" fill="${INK}">${escapeXml(s.label)}</text>`;
        })
        .join('')
    : '';
  const axis = `<line x1="${LABEL_W}" y1="${top - 2}" x2="${LABEL_W}" y2="${height - 4}" stroke="${INK}" stroke-width="1"/>`;

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">` +
    `<title id="${id}-title">${escapeXml(o.title)}</title><desc id="${id}-desc">${escapeXml(o.desc)}</desc>` +
    patternDefs(
      id,
      o.series.map((s) => s.pattern),
    ) +
    legend +
    axis +
    parts.join('') +
    `</svg>`
  );
}
