/**
 * The faster nunjucks Frame#set and `trim` filter (src/web/nunjucks-speed.ts) behave as nunjucks's own:
 * scopes, loops (their dotted `loop.*` names go to the original), macros, and what `trim` removes.
 */
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
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

// nunjucks's own output, before the faster Frame#set is installed (it is process-wide)
const NUNJUCKS_OWN = render(false);

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

  it('trim on nothing fails as nunjucks’s own does', () => {
    const env = new nunjucks.Environment(null, { autoescape: true });
    speedUpNunjucks(env);
    expect(() => env.renderString('{{ nothing | trim }}', {})).toThrow();
  });
});
