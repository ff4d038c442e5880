import { describe, expect, it } from 'vitest';
import { excerpt, isOpenForDesk } from '../../../src/modules/chat/rules.js';
import { linkOf } from '../../../src/routes/chat/views.js';

describe('the chat bot’s excerpts and links', () => {
  it('gives plain text of a sanitised body, shortened at a word', () => {
    expect(excerpt('<p>Для входа — ключ <strong>AUTH_RSA256</strong> &amp; пароль.</p>')).toBe(
      'Для входа — ключ AUTH_RSA256 & пароль.',
    );
    const long = excerpt(`<p>${'слово '.repeat(100)}</p>`, 40);
    expect(long.length).toBeLessThanOrEqual(41);
    expect(long.endsWith('слово…')).toBe(true);
  });

  it('links an instruction to its page and a FAQ answer to its place on /info', () => {
    expect(linkOf({ kind: 'instruction', id: 7 })).toBe('/info/instructions/7');
    expect(linkOf({ kind: 'faq', id: 3 })).toBe('/info#faq-3');
  });

  it('keeps on the desk only the conversations handed to it and not ended', () => {
    expect(
      ['bot', 'waiting', 'active', 'registered', 'closed'].filter((s) => isOpenForDesk(s as never)),
    ).toEqual(['waiting', 'active', 'registered']);
  });
});
