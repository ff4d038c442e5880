import { describe, expect, it } from 'vitest';
import { maskUrl } from '../../../src/app.js';
import { withoutCsrfToken } from '../../../src/web/security.js';

describe('URLs in the log', () => {
  it('leave out the CSRF token that upload forms carry in their action URL', () => {
    const url = '/support/new?_csrf=abc123def456ghi&lang=ru';
    expect(maskUrl(url)).toBe('/support/new?_csrf=…&lang=ru');
    expect(maskUrl('/admin/content/7/media?lang=kk&_csrf=tok%2Fen')).toBe(
      '/admin/content/7/media?lang=kk&_csrf=…',
    );
  });

  it('still mask IINs in the path and long digit runs in the query', () => {
    expect(maskUrl('/admin/users/850101300123?q=7012345678')).not.toMatch(/850101300123|7012345678/);
  });
});

describe('links built from the current address', () => {
  it('drop the CSRF token of an upload form and keep every other parameter', () => {
    expect(withoutCsrfToken('/support/new?_csrf=abc')).toBe('/support/new');
    expect(withoutCsrfToken('/support/new?_csrf=abc&lang=ru')).toBe('/support/new?lang=ru');
    expect(withoutCsrfToken('/x?lang=kk&_csrf=abc')).toBe('/x?lang=kk');
    expect(withoutCsrfToken('/x?a=1&_csrf=abc&b=2')).toBe('/x?a=1&b=2');
    expect(withoutCsrfToken('/x?a=1')).toBe('/x?a=1');
  });
});
