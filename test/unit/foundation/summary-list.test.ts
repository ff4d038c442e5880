/**
 * The portal's summaryList macro (views/macros/summary.njk) writes out the markup of govuk-frontend's
 * govukSummaryList for the rows the views give it: text and markup values, rows left out, rows with one
 * action or several, beside rows without (which then get the «no actions» modifier), and extra classes.
 * The two are compared element by element: only whitespace between tags may differ.
 */
import express from 'express';
import { describe, expect, it } from 'vitest';
import { setUpNunjucks } from '../../../src/web/nunjucks.js';

const env = setUpNunjucks(express(), { development: false });

interface Row {
  key: string;
  value?: string;
  html?: string;
  actions?: { href: string; text?: string; html?: string; visuallyHiddenText?: string; classes?: string }[];
}

/** govukSummaryList with the items the portal's macro used to build for it */
function govuk(rows: (Row | false)[], classes = ''): string {
  return env.renderString(
    `{% from "govuk/components/summary-list/macro.njk" import govukSummaryList %}
{%- set items = [] %}
{%- for r in rows %}{% if r %}{% set items = (items.push({
  key: { text: r.key },
  value: ({ html: r.html } if r.html else { text: r.value }),
  actions: ({ items: r.actions } if r.actions else none)
}), items) %}{% endif %}{% endfor -%}
{{ govukSummaryList({ rows: items, classes: classes }) }}`,
    { rows, classes },
  );
}

function portal(rows: (Row | false)[], classes = ''): string {
  return env.renderString(
    `{% from "macros/summary.njk" import summaryList %}{{ summaryList(rows, classes) }}`,
    { rows, classes },
  );
}

/**
 * The markup with each run of whitespace as one space, and none beside the tags of block elements,
 * where HTML does not show it (beside a link or a span it is kept: a screen reader reads it).
 */
const BLOCK_TAG = /\s*(<\/?(?:dl|dt|dd|div|ul|li)\b[^>]*>)\s*/g;
const tags = (html: string) => html.replace(/\s+/g, ' ').replace(BLOCK_TAG, '$1').trim();

const PEN = '<svg aria-hidden="true" focusable="false" width="16" height="16"><path d="M0 0h16v16z"/></svg>';

const CASES: [string, (Row | false)[], string][] = [
  [
    'text values, one escaped, and a row left out',
    [{ key: 'Статус', value: 'Новый <заказ> & «ТСР»' }, false, { key: 'Срок', value: '05.12.2026' }],
    '',
  ],
  [
    'a markup value and extra classes',
    [{ key: 'Статус', html: '<strong class="portal-status">Исполнено</strong>' }],
    'govuk-summary-list--no-border govuk-!-margin-bottom-8',
  ],
  [
    'one row with one action beside rows without',
    [
      { key: 'ИИН', value: '800101300123' },
      {
        key: 'Телефон',
        value: '+7 701 555 12 34',
        actions: [{ href: '/cabinet/contacts/phone', html: PEN, visuallyHiddenText: 'Изменить телефон' }],
      },
      { key: 'Почта', value: 'не указана' },
    ],
    '',
  ],
  [
    'a row with several actions, text and classes',
    [
      {
        key: 'Документ',
        value: 'Акт № 7',
        actions: [
          { href: '/acts/7/pdf', text: 'PDF' },
          {
            href: '/acts/7/xml',
            text: 'XML',
            visuallyHiddenText: 'подписанный документ',
            classes: 'portal-link',
          },
        ],
      },
    ],
    '',
  ],
  ['no rows', [], ''],
];

describe('summaryList writes govukSummaryList’s markup', () => {
  for (const [name, rows, classes] of CASES) {
    it(name, () => {
      const ours = portal(rows, classes);
      expect(tags(ours)).toBe(tags(govuk(rows, classes)));
      expect(ours).toContain('<dl class="govuk-summary-list');
    });
  }

  it('escapes text values and keeps markup values as they are', () => {
    const html = portal([
      { key: 'a', value: '<b>x</b>' },
      { key: 'b', html: '<b>y</b>' },
    ]);
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('<b>y</b>');
  });

  it('marks the rows without actions only when another row has some', () => {
    const [, mixed] = CASES[2]!;
    expect(portal(mixed).match(/govuk-summary-list__row--no-actions/g)).toHaveLength(2);
    expect(portal(CASES[0]![1])).not.toContain('--no-actions');
  });
});
