import { describe, expect, it } from 'vitest';
import { sanitizeRichText } from '../../../src/modules/admin/sanitize.js';

describe('sanitizeRichText', () => {
  it('removes scripts together with their content', () => {
    const out = sanitizeRichText(
      '<p>Инструкция<script>alert("x")</script></p><script src="/evil.js"></script>',
    );
    expect(out).toBe('<p class="govuk-body">Инструкция</p>');
    expect(out).not.toMatch(/script|alert/i);
  });

  it('removes event handlers and style attributes but keeps the text', () => {
    const out = sanitizeRichText(
      '<p onclick="steal()" style="color:red">Текст <strong onmouseover="x()">важно</strong></p>',
    );
    expect(out).toBe('<p class="govuk-body">Текст <strong>важно</strong></p>');
    expect(out).not.toMatch(/onclick|onmouseover|style/);
  });

  it('drops images, iframes, forms and SVG entirely', () => {
    const out = sanitizeRichText(
      '<img src=x onerror="alert(1)"><iframe src="https://evil.example"></iframe><form action="/x"><input name="a"></form><svg onload="alert(1)"></svg>ok',
    );
    expect(out).toBe('ok');
  });

  it('keeps links only to http, https and mailto; javascript:, data: and protocol-relative links become text', () => {
    expect(sanitizeRichText('<a href="https://egov.kz/ru">egov</a>')).toBe(
      '<a href="https://egov.kz/ru" class="govuk-link" rel="noopener noreferrer">egov</a>',
    );
    expect(sanitizeRichText('<a href="mailto:help@portal.kz">почта</a>')).toContain(
      'href="mailto:help@portal.kz"',
    );
    expect(sanitizeRichText('<a href="javascript:alert(1)">a</a>')).toBe('a');
    expect(sanitizeRichText('<a href=" JaVaScRiPt:alert(1)">b</a>')).toBe('b');
    expect(sanitizeRichText('<a href="data:text/html;base64,PHNjcmlwdD4=">c</a>')).toBe('c');
    expect(sanitizeRichText('<a href="//evil.example/x">d</a>')).toBe('d');
  });

  it('keeps the allowed structure: paragraphs, emphasis, lists, h2 and h3', () => {
    const out = sanitizeRichText(
      '<h2>Вход</h2><h3>Шаг 1</h3><ol><li><em>Нажмите</em></li></ol><ul><li>a</li></ul><h4>x</h4>',
    );
    expect(out).toBe(
      '<h2 class="govuk-heading-m">Вход</h2><h3 class="govuk-heading-s">Шаг 1</h3>' +
        '<ol class="govuk-list govuk-list--number"><li><em>Нажмите</em></li></ol>' +
        '<ul class="govuk-list govuk-list--bullet"><li>a</li></ul>x',
    );
  });

  it('does not let a class or id through from the input', () => {
    expect(sanitizeRichText('<p class="portal-banner" id="main-content">c</p>')).toBe(
      '<p class="govuk-body">c</p>',
    );
  });
});
