/**
 * The faster nunjucks Frame#set and `trim` filter (src/web/nunjucks-speed.ts) behave as nunjucks's own:
 * scopes, loops (their dotted `loop.*` names go to the original), macros, and what `trim` removes.
 */
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ROOT_DIR } from '../../../src/config.js';
import { speedUpNunjucks } from '../../../src/web/nunjucks-speed.js';

const TEMPLATE = `
{%- macro card(title, items, caller) -%}
<h2>{{ title | trim }}</h2>{% for i in items %}[{{ loop.index }}/{{ loop.length }}{% if loop.last %} last{% endif %}:{{ i }}]{% endfor %}
{%- if caller %}<p>{{ caller() | trim }}</p>{% endif %}
{%- endmacro -%}
{% set outer = 'a' %}{% set count = 0 %}
{%- for x in [1, 2, 3] %}{% set outer = outer + x %}{% set count = count + x %}{% endfor -%}
{% if true %}{% set inIf = 'set in an if' %}{% endif -%}
{{ outer }} {{ count }} {{ inIf }}
{{ card('  Заявка \u00a0\n', ['x', 'y']) }}
{% call card('b', []) %}
   <b>  inner  </b>
{% endcall %}
{% set html %}  <i>&</i>  {% endset %}[{{ html | trim }}][{{ '\u2003 <&> \t' | trim }}][{{ '' | trim }}]`;

function render(fast: boolean): string {
  const env = new nunjucks.Environment(null, { autoescape: true });
  if (fast) speedUpNunjucks(env);
  return env.renderString(TEMPLATE, {});
}

/** a govuk-frontend component, whose macro includes its template by a relative name */
function renderComponent(fast: boolean): string {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(path.join(ROOT_DIR, 'node_modules', 'govuk-frontend', 'dist')),
    { autoescape: true },
  );
  if (fast) speedUpNunjucks(env);
  const call = `{{ govukInput({ label: { text: 'Телефон' }, hint: { text: '+7 …' }, id: 'phone', name: 'phone' }) }}`;
  return env.renderString(
    `{% from "govuk/components/input/macro.njk" import govukInput %}${call}${call}`,
    {},
  );
}

// nunjucks's own output, before the faster Frame#set and resolution are installed (they are process-wide)
const NUNJUCKS_OWN = render(false);
const COMPONENT_OWN = renderComponent(false);

describe('the faster nunjucks set and trim', () => {
  it('render a template with scopes, loops, macros and trim exactly as nunjucks does', () => {
    const after = render(true);
    expect(after).toBe(NUNJUCKS_OWN);
    // what the template shows, so that a change to both would not pass unnoticed
    expect(after).toContain('a123 6 set in an if');
    expect(after).toContain('<h2>Заявка</h2>[1/2:x][2/2 last:y]');
    expect(after).toContain('<p><b>  inner  </b></p>');
    expect(after).toContain('[&lt;i&gt;&amp;&lt;/i&gt;][&lt;&amp;&gt;][]');
  });

  it('render a govuk-frontend component, whose template is included by a relative name, as nunjucks does', () => {
    const after = renderComponent(true);
    expect(after).toBe(COMPONENT_OWN);
    expect(
      after.match(
        /<input\s+class="govuk-input" id="phone" name="phone" type="text" aria-describedby="phone-hint">/g,
      ),
    ).toHaveLength(2);
    expect(after).toContain('Телефон');
  });

  it('trim on nothing fails as nunjucks’s own does', () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    speedUpNunjucks(env);
    expect(() => env.renderString('{{ nothing | trim }}', {})).toThrow();
  });
});
