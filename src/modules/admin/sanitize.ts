import sanitizeHtml from 'sanitize-html';

/**
 * Rich text of administered content (instructions, FAQ answers, news): a small allowlist of tags,
 * links only to http, https and mailto. Everything else — scripts, styles, event handlers, images,
 * iframes, javascript: and data: URLs — is removed. Text inside removed tags is kept, except for
 * script/style/textarea whose content is dropped.
 */
const SAFE_HREF = /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'strong', 'em', 'ul', 'ol', 'li', 'a', 'h2', 'h3'],
  allowedAttributes: {
    a: ['href', 'rel', 'class'],
    p: ['class'],
    ul: ['class'],
    ol: ['class'],
    h2: ['class'],
    h3: ['class'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'iframe', 'object'],
  transformTags: {
    // links look like links in govuk-frontend; the portal's own styles apply
    // a link without an allowed absolute URL becomes its plain text
    a: (_tagName, attribs): sanitizeHtml.Tag =>
      attribs.href && SAFE_HREF.test(attribs.href.trim())
        ? {
            tagName: 'a',
            attribs: { href: attribs.href.trim(), class: 'govuk-link', rel: 'noopener noreferrer' },
          }
        : { tagName: 'span', attribs: {} },
    p: () => ({ tagName: 'p', attribs: { class: 'govuk-body' } }),
    ul: () => ({ tagName: 'ul', attribs: { class: 'govuk-list govuk-list--bullet' } }),
    ol: () => ({ tagName: 'ol', attribs: { class: 'govuk-list govuk-list--number' } }),
    h2: () => ({ tagName: 'h2', attribs: { class: 'govuk-heading-m' } }),
    h3: () => ({ tagName: 'h3', attribs: { class: 'govuk-heading-s' } }),
  },
  // the classes set above are the only attributes besides href that survive
  allowedClasses: {
    a: ['govuk-link'],
    p: ['govuk-body'],
    ul: ['govuk-list', 'govuk-list--bullet'],
    ol: ['govuk-list', 'govuk-list--number'],
    h2: ['govuk-heading-m'],
    h3: ['govuk-heading-s'],
  },
};

export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}
