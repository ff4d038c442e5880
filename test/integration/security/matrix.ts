import { ROLES, type MatrixRole, type World } from './world.js';

/**
 * The expected answer of every route to every role. A number is the status; `login` is a 303 to
 * `/login?next=…`; `allowed` (POST only) marks a role that may post — its successful path belongs to
 * the feature tests, here it is only checked to get past the CSRF check with a token.
 */
export type Outcome = number | 'login';
export type Cell = Outcome | 'allowed';
export type Expectation = Record<MatrixRole, Cell>;

export interface Entry {
  expect: Expectation;
  /** the concrete URL for a role: its own record where the route is about one */
  url: (w: World, role: MatrixRole) => string;
  /**
   * Object-scoped routes: another person's or organisation's record, which answers 404 to each role
   * that reaches its own (undefined where the role may see every record: the administrator).
   */
  foreign?: (w: World, role: MatrixRole) => string | undefined;
}

type Pair = { recipient: number; guardian: number };

/** The role's own record of a pair (the ward's for the guardian; staff own the recipient's side). */
const own = (p: Pair, role: MatrixRole) => (role === 'guardian' ? p.guardian : p.recipient);
/** The record of the pair that is not the role's. */
const theirs = (p: Pair, role: MatrixRole) => (role === 'guardian' ? p.recipient : p.guardian);

const RECIPIENTS: MatrixRole[] = ['recipient', 'guardian'];
const DESK: MatrixRole[] = ['operator', 'admin'];
const EMPLOYEES: MatrixRole[] = ['supplier', 'institution'];

/**
 * Routes that send a file (uploads, signed documents, PDFs, exports, key files): each is served as
 * an attachment, never rendered in the portal's origin.
 */
export const DOWNLOADS = [
  'GET /documents/:id/xml',
  'GET /dev/keys/*path',
  'GET /open-data/releases.csv',
  'GET /open-data/releases.json',
  'GET /open-data/referrals.csv',
  'GET /open-data/referrals.json',
  'GET /info/media/:id',
  'GET /support/:id/files/:fileId',
  'GET /goods/photos/:id',
  'GET /specialist/documents/:actId/file',
  'GET /specialist/acts/orders/:id/act.pdf',
  'GET /specialist/acts/orders/:id/sheet.pdf',
  'GET /services/orders/:id/acts/:actId/pdf',
  'GET /admin/audit.csv',
  'GET /admin/reports/orders.csv',
  'GET /admin/reports/ipr.csv',
  'GET /admin/reports/queues.csv',
  'GET /admin/reports/hours.csv',
  // the organisation's offer (issue 16 item 3)
  'GET /organisations/:id/documents/:docId',
  // documents anyone can verify (issue 19 item 5)
  'GET /cabinet/referrals/:id/pdf',
  'GET /goods/orders/:id/handover.pdf',
  'GET /supplier/orders/:id/handover.pdf',
  // sanatorium treatment (issue 17): the voucher
  'GET /sanatorium/orders/:id/voucher.pdf',
  'GET /sanatorium-cabinet/orders/:id/voucher.pdf',
  // sanatorium photos (issue 17 item 1)
  'GET /sanatorium/photos/:id',
  // the no-phone list's export (issue 19 item 3)
  'GET /outreach/export.csv',
  // special social services by contract
  'GET /contracts/:id/contract.pdf',
  'GET /contracts/:id/signatures/:which.xml',
  'GET /supplier/contracts/:id/contract.pdf',
  'GET /supplier/contracts/:id/signatures/:which.xml',
];

function cells(f: (role: MatrixRole) => Cell): Expectation {
  return Object.fromEntries(ROLES.map((r) => [r, f(r)])) as Expectation;
}
/** Everybody gets the same answer. */
const everyone = (status: number) => cells(() => status);
/** Any logged-in person; a visitor goes to the login page. */
const signedIn = (status: Cell = 200) => cells((r) => (r === 'anonymous' ? 'login' : status));
/** Only these roles; other logged-in people get 403, a visitor the login page. */
const only = (roles: MatrixRole[], status: Cell = 200, overrides: Partial<Expectation> = {}) => ({
  ...cells((r) => (r === 'anonymous' ? 'login' : roles.includes(r) ? status : 403)),
  ...overrides,
});
/** A POST only these roles may make. */
const postBy = (roles: MatrixRole[], overrides: Partial<Expectation> = {}) =>
  only(roles, 'allowed', overrides);

const path = (p: string) => () => p;

/**
 * The МСУ employee and the supplier's employee share the `employee` role; each cabinet refuses the
 * other's organisation (its directions).
 */
const supplierOnly = (status: Cell = 200, institution: Cell = 403) =>
  only(EMPLOYEES, status, { institution });
const institutionOnly = (status: Cell = 200) => only(EMPLOYEES, status, { supplier: 403 });

export const MATRIX: Record<string, Entry> = {
  // ------------------------------------------------------------ operations, public pages, assets
  'GET /assets/vendor/forge.min.js': { expect: everyone(200), url: path('/assets/vendor/forge.min.js') },
  'GET /favicon.ico': { expect: everyone(200), url: path('/favicon.ico') },
  'GET /healthz': { expect: everyone(200), url: path('/healthz') },
  'GET /readyz': { expect: everyone(200), url: path('/readyz') },
  'GET /': { expect: everyone(200), url: path('/') },
  'GET /settings/low-vision': { expect: everyone(303), url: path('/settings/low-vision?on=0&return=/') },
  // the page's timeout warning asks this in the background: a visitor gets 401, not a page
  'GET /session/extend': { expect: { ...signedIn(200), anonymous: 401 }, url: path('/session/extend') },
  'GET /accessibility': { expect: everyone(200), url: path('/accessibility') },
  'GET /info': { expect: everyone(200), url: path('/info') },
  'GET /info/instructions/:id': { expect: everyone(200), url: (w) => `/info/instructions/${w.ids.content}` },
  'GET /info/media/:id': { expect: everyone(200), url: (w) => `/info/media/${w.ids.media}` },
  'GET /open-data': { expect: everyone(200), url: path('/open-data') },
  'GET /open-data/releases': { expect: everyone(200), url: path('/open-data/releases') },
  'GET /open-data/releases.csv': { expect: everyone(200), url: path('/open-data/releases.csv') },
  'GET /open-data/releases.json': { expect: everyone(200), url: path('/open-data/releases.json') },
  'GET /open-data/referrals': { expect: everyone(200), url: path('/open-data/referrals') },
  'GET /open-data/referrals.csv': { expect: everyone(200), url: path('/open-data/referrals.csv') },
  'GET /open-data/referrals.json': { expect: everyone(200), url: path('/open-data/referrals.json') },
  'GET /queue-check': { expect: everyone(200), url: path('/queue-check') },
  'POST /queue-check': { expect: cells(() => 'allowed'), url: path('/queue-check') },
  'GET /msu': { expect: everyone(200), url: path('/msu') },

  // ------------------------------------------------------------ dev stand only (absent in production)
  'GET /dev/sms': { expect: everyone(200), url: path('/dev/sms') },
  'GET /dev/sms.json': { expect: everyone(200), url: path('/dev/sms.json') },
  'GET /dev/keys/*path': { expect: everyone(200), url: (w) => `/dev/keys/${w.ids.devKey}` },
  // guardianships from the state (issue 16, item 6): the dev guardianship registry's page
  'GET /dev/guardianships': { expect: everyone(200), url: path('/dev/guardianships') },
  'POST /dev/guardianships': { expect: cells(() => 'allowed'), url: path('/dev/guardianships') },

  // ------------------------------------------------------------ login, session, signatures
  'GET /login': { expect: { ...signedIn(303), anonymous: 200 }, url: path('/login') },
  'POST /login': { expect: cells(() => 'allowed'), url: path('/login') },
  'GET /welcome': { expect: signedIn(200), url: path('/welcome') },
  'POST /welcome': { expect: signedIn('allowed'), url: path('/welcome') },
  'GET /act-for': { expect: signedIn(200), url: path('/act-for') },
  'POST /act-for': { expect: signedIn('allowed'), url: path('/act-for') },
  'POST /logout': { expect: cells(() => 'allowed'), url: path('/logout') },
  'POST /eds/prepare': { expect: cells(() => 'allowed'), url: path('/eds/prepare') },
  'GET /eds/check': { expect: signedIn(200), url: path('/eds/check') },
  'POST /eds/check': { expect: signedIn('allowed'), url: path('/eds/check') },
  'GET /documents': { expect: signedIn(200), url: path('/documents') },
  'GET /documents/:id': {
    expect: { ...signedIn(404), recipient: 200, guardian: 200, specialist: 200, admin: 200 },
    url: (w, r) => `/documents/${documentOf(w, r)}`,
    foreign: (w, r) => (r === 'admin' ? undefined : `/documents/${foreignDocument(w, r)}`),
  },
  'GET /documents/:id/xml': {
    expect: { ...signedIn(404), recipient: 200, guardian: 200, specialist: 200, admin: 200 },
    url: (w, r) => `/documents/${documentOf(w, r)}/xml`,
    foreign: (w, r) => (r === 'admin' ? undefined : `/documents/${foreignDocument(w, r)}/xml`),
  },
  'POST /documents/:id/reverify': {
    expect: postBy(['admin']),
    url: (w) => `/documents/${w.ids.document.recipient}/reverify`,
  },
  'POST /api/esobes/ipr': { expect: everyone(401), url: path('/api/esobes/ipr') },

  // ------------------------------------------------------------ the recipient's cabinet (or a guardian's, for the ward)
  'GET /cabinet': { expect: only(RECIPIENTS), url: path('/cabinet') },
  'GET /cabinet/documents': { expect: only(RECIPIENTS), url: path('/cabinet/documents') },
  'GET /cabinet/bank': { expect: only(RECIPIENTS), url: path('/cabinet/bank') },
  'GET /cabinet/medical': { expect: only(RECIPIENTS), url: path('/cabinet/medical') },
  'GET /cabinet/contacts/phone': { expect: only(RECIPIENTS), url: path('/cabinet/contacts/phone') },
  'POST /cabinet/contacts/phone': { expect: postBy(RECIPIENTS), url: path('/cabinet/contacts/phone') },
  'GET /cabinet/contacts/phone/confirm': {
    expect: only(RECIPIENTS),
    url: path('/cabinet/contacts/phone/confirm'),
  },
  'POST /cabinet/contacts/phone/confirm': {
    expect: postBy(RECIPIENTS),
    url: path('/cabinet/contacts/phone/confirm'),
  },
  'GET /cabinet/contacts/email': { expect: only(RECIPIENTS), url: path('/cabinet/contacts/email') },
  'POST /cabinet/contacts/email': { expect: postBy(RECIPIENTS), url: path('/cabinet/contacts/email') },
  'GET /cabinet/preferences': { expect: only(RECIPIENTS), url: path('/cabinet/preferences') },
  'POST /cabinet/preferences': { expect: postBy(RECIPIENTS), url: path('/cabinet/preferences') },
  'GET /cabinet/services': { expect: only(RECIPIENTS), url: path('/cabinet/services') },
  'GET /cabinet/goods': { expect: only(RECIPIENTS), url: path('/cabinet/goods') },
  'GET /cabinet/orders/:number': {
    expect: only(RECIPIENTS, 303),
    url: (w, r) => `/cabinet/orders/${w.ids.numbers[own(w.ids.msuOrder, r)]}`,
    foreign: (w, r) => `/cabinet/orders/${w.ids.numbers[theirs(w.ids.msuOrder, r)]}`,
  },
  'GET /help': { expect: only(RECIPIENTS), url: path('/help') },
  'POST /help/measures/:id/activate': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/help/measures/${own(w.ids.measure, r)}/activate`,
  },

  // ------------------------------------------------------------ МСУ: the recipient's side
  // both already have an unfinished МСУ order: a second enrolment or queue place is refused with that message
  'GET /msu/departments/:id/enrol': {
    expect: only(RECIPIENTS, 409),
    url: (w) => `/msu/departments/${w.ids.department.own}/enrol`,
  },
  'POST /msu/departments/:id/enrol': {
    expect: postBy(RECIPIENTS),
    url: (w) => `/msu/departments/${w.ids.department.own}/enrol`,
  },
  'GET /msu/departments/:id/queue': {
    expect: only(RECIPIENTS, 409),
    url: (w) => `/msu/departments/${w.ids.department.own}/queue`,
  },
  'POST /msu/departments/:id/queue': {
    expect: postBy(RECIPIENTS),
    url: (w) => `/msu/departments/${w.ids.department.own}/queue`,
  },
  'GET /msu/orders': { expect: only(RECIPIENTS), url: path('/msu/orders') },
  ...msuOrderRoutes(),

  // ------------------------------------------------------------ МСУ: the institution's cabinet
  'GET /institution': { expect: institutionOnly(), url: path('/institution') },
  'GET /institution/orders/:id': {
    expect: institutionOnly(),
    url: (w) => `/institution/orders/${w.ids.msuOrder.recipient}`,
    foreign: (w) => `/institution/orders/${w.ids.msuOrder.guardian}`,
  },
  ...institutionOrderRoutes(),
  'GET /institution/departments/:id/beds': {
    expect: institutionOnly(),
    url: (w) => `/institution/departments/${w.ids.department.own}/beds`,
    foreign: (w) => `/institution/departments/${w.ids.department.other}/beds`,
  },
  'POST /institution/departments/:id/beds': {
    expect: institutionOnly('allowed'),
    url: (w) => `/institution/departments/${w.ids.department.own}/beds`,
  },
  'POST /institution/departments/:id/beds/sign': {
    expect: institutionOnly('allowed'),
    url: (w) => `/institution/departments/${w.ids.department.own}/beds/sign`,
  },

  // ------------------------------------------------------------ sign-language and assistant services: the recipient's side
  'GET /services/:slug/specialists': { expect: only(RECIPIENTS), url: path('/services/uzhya/specialists') },
  'GET /services/:slug/specialists/:sid/order': {
    expect: only(RECIPIENTS),
    url: (w, r) => `/services/${newServiceOrder(w, r)}`,
  },
  'POST /services/:slug/specialists/:sid/order': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/services/${newServiceOrder(w, r)}`,
  },
  'POST /services/:slug/specialists/:sid/order/sign': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/services/${newServiceOrder(w, r)}/sign`,
  },
  'GET /services/orders': { expect: only(RECIPIENTS), url: path('/services/orders') },
  ...serviceOrderRoutes(),

  // ------------------------------------------------------------ the specialist's cabinet
  'GET /specialist/orders': { expect: only(['specialist']), url: path('/specialist/orders') },
  ...specialistOrderRoutes(),
  'GET /specialist/journal': { expect: only(['specialist']), url: path('/specialist/journal') },
  'GET /specialist/journal/new': {
    expect: only(['specialist']),
    url: (w) => `/specialist/journal/new?order=${w.ids.serviceOrder.recipient}`,
    foreign: (w) => `/specialist/journal/new?order=${w.ids.serviceOrder.guardian}`,
  },
  'POST /specialist/journal/new': { expect: postBy(['specialist']), url: path('/specialist/journal/new') },
  'GET /specialist/journal/codes/:id': {
    expect: only(['specialist']),
    url: (w) => `/specialist/journal/codes/${w.ids.journalCode.own}`,
    foreign: (w) => `/specialist/journal/codes/${w.ids.journalCode.other}`,
  },
  'POST /specialist/journal/codes/:id': {
    expect: postBy(['specialist']),
    url: (w) => `/specialist/journal/codes/${w.ids.journalCode.own}`,
  },
  'GET /specialist/acts': { expect: only(['specialist']), url: path('/specialist/acts') },
  'GET /specialist/acts/:actId/confirm': {
    // the act is past its draft (it awaits the recipient): the owner is told so, anyone else gets 404
    expect: only(['specialist'], 409),
    url: (w) => `/specialist/acts/${w.ids.act.recipient}/confirm`,
    foreign: (w) => `/specialist/acts/${w.ids.act.guardian}/confirm`,
  },
  'POST /specialist/acts/:actId/confirm': {
    expect: postBy(['specialist']),
    url: (w) => `/specialist/acts/${w.ids.act.recipient}/confirm`,
  },
  'POST /specialist/acts/:actId/cancel': {
    expect: postBy(['specialist']),
    url: (w) => `/specialist/acts/${w.ids.act.recipient}/cancel`,
  },
  'GET /specialist/documents': { expect: only(['specialist']), url: path('/specialist/documents') },
  'GET /specialist/documents/:actId/file': {
    expect: only(['specialist']),
    url: (w) => `/specialist/documents/${w.ids.act.recipient}/file`,
    foreign: (w) => `/specialist/documents/${w.ids.act.guardian}/file`,
  },
  'GET /specialist/registry': { expect: only(['specialist']), url: path('/specialist/registry') },
  'POST /specialist/registry/applications': {
    expect: postBy(['specialist']),
    url: path('/specialist/registry/applications'),
  },
  'POST /specialist/registry/applications/sign': {
    expect: postBy(['specialist']),
    url: path('/specialist/registry/applications/sign'),
  },

  // ------------------------------------------------------------ ТСР goods: the recipient's side
  'GET /goods/photos/:id': { expect: signedIn(200), url: (w) => `/goods/photos/${w.ids.photo.own}` },
  'GET /goods': { expect: only(RECIPIENTS), url: path('/goods') },
  'GET /goods/orders/:id': {
    expect: only(RECIPIENTS),
    url: (w, r) => `/goods/orders/${own(w.ids.goodsOrder, r)}`,
    foreign: (w, r) => `/goods/orders/${theirs(w.ids.goodsOrder, r)}`,
  },
  'POST /goods/orders/:id/:action': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/goods/orders/${own(w.ids.goodsOrder, r)}/confirm`,
  },
  'POST /goods/orders/:id/:action/sign': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/goods/orders/${own(w.ids.goodsOrder, r)}/confirm/sign`,
  },
  'GET /goods/:helpType': { expect: only(RECIPIENTS), url: path('/goods/TSR_PROSTHESIS') },
  // goods a supplier delivers where the recipient (or the ward) lives
  'GET /goods/:helpType/:goodsId/order': {
    expect: only(RECIPIENTS),
    url: (w, r) => `/goods/TSR_PROSTHESIS/${own(w.ids.prosthesis, r)}/order`,
  },
  'POST /goods/:helpType/:goodsId/order': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/goods/TSR_PROSTHESIS/${own(w.ids.prosthesis, r)}/order`,
  },
  'POST /goods/:helpType/:goodsId/order/sign': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/goods/TSR_PROSTHESIS/${own(w.ids.prosthesis, r)}/order/sign`,
  },

  // ------------------------------------------------------------ the supplier's cabinet
  // the home page of every employee: the organisation's card and the cabinets its directions open
  'GET /supplier': { expect: only(EMPLOYEES), url: path('/supplier') },
  'GET /supplier/goods': { expect: supplierOnly(), url: path('/supplier/goods') },
  'GET /supplier/goods/new': { expect: supplierOnly(), url: path('/supplier/goods/new') },
  'POST /supplier/goods': { expect: supplierOnly('allowed'), url: path('/supplier/goods') },
  'GET /supplier/goods/:id': {
    expect: supplierOnly(),
    url: (w) => `/supplier/goods/${w.ids.goods.own}`,
    foreign: (w) => `/supplier/goods/${w.ids.goods.other}`,
  },
  'POST /supplier/goods/:id': {
    expect: supplierOnly('allowed'),
    url: (w) => `/supplier/goods/${w.ids.goods.own}`,
  },
  'POST /supplier/goods/:id/photos': {
    expect: supplierOnly('allowed'),
    url: (w) => `/supplier/goods/${w.ids.goods.own}/photos`,
  },
  'POST /supplier/goods/:id/photos/:photoId/delete': {
    expect: supplierOnly('allowed'),
    url: (w) => `/supplier/goods/${w.ids.goods.own}/photos/${w.ids.photo.own}/delete`,
  },
  'POST /supplier/goods/:id/stock': {
    expect: supplierOnly('allowed'),
    url: (w) => `/supplier/goods/${w.ids.goods.own}/stock`,
  },
  'GET /supplier/locations': { expect: supplierOnly(), url: path('/supplier/locations') },
  'POST /supplier/locations': { expect: supplierOnly('allowed'), url: path('/supplier/locations') },
  'POST /supplier/locations/:id/active': {
    expect: supplierOnly('allowed'),
    url: (w) => `/supplier/locations/${w.ids.location.own}/active`,
  },
  'GET /supplier/orders': { expect: supplierOnly(), url: path('/supplier/orders') },
  // an order of another organisation is not there for the МСУ employee either
  'GET /supplier/orders/:id': {
    expect: supplierOnly(200, 404),
    url: (w) => `/supplier/orders/${w.ids.goodsOrder.recipient}`,
    foreign: (w) => `/supplier/orders/${w.ids.goodsOrder.guardian}`,
  },
  'POST /supplier/orders/:id/:action': {
    expect: supplierOnly('allowed', 404),
    url: (w) => `/supplier/orders/${w.ids.goodsOrder.recipient}/reserve`,
  },
  'POST /supplier/orders/:id/:action/sign': {
    expect: supplierOnly('allowed', 404),
    url: (w) => `/supplier/orders/${w.ids.goodsOrder.recipient}/reserve/sign`,
  },

  // ------------------------------------------------------------ sanatorium treatment (issue 17)
  // the recipient's side: the orders are created (no voucher yet: the voucher answers 404)
  'GET /sanatorium': { expect: only(RECIPIENTS), url: path('/sanatorium') },
  'GET /sanatorium/periods/:id': {
    expect: only(RECIPIENTS),
    url: (w) => `/sanatorium/periods/${w.ids.sanatoriumPeriod}`,
  },
  'POST /sanatorium/periods/:id/order': {
    expect: postBy(RECIPIENTS),
    url: (w) => `/sanatorium/periods/${w.ids.sanatoriumPeriod}/order`,
  },
  'POST /sanatorium/periods/:id/order/sign': {
    expect: postBy(RECIPIENTS),
    url: (w) => `/sanatorium/periods/${w.ids.sanatoriumPeriod}/order/sign`,
  },
  'GET /sanatorium/orders/:id': {
    expect: only(RECIPIENTS),
    url: (w, r) => `/sanatorium/orders/${own(w.ids.sanatoriumOrder, r)}`,
    foreign: (w, r) => `/sanatorium/orders/${theirs(w.ids.sanatoriumOrder, r)}`,
  },
  'GET /sanatorium/orders/:id/voucher.pdf': {
    expect: only(RECIPIENTS, 404),
    url: (w, r) => `/sanatorium/orders/${own(w.ids.sanatoriumOrder, r)}/voucher.pdf`,
  },
  'POST /sanatorium/orders/:id/:action': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/sanatorium/orders/${own(w.ids.sanatoriumOrder, r)}/confirm`,
  },
  'POST /sanatorium/orders/:id/:action/sign': {
    expect: postBy(RECIPIENTS),
    url: (w, r) => `/sanatorium/orders/${own(w.ids.sanatoriumOrder, r)}/confirm/sign`,
  },
  // the sanatorium's side: neither employee of the matrix works at a sanatorium (no direction: 403;
  // another organisation's order: 404)
  'GET /sanatorium-cabinet': { expect: only(EMPLOYEES, 403), url: path('/sanatorium-cabinet') },
  // (csrf.test.ts posts these as e07, an employee of «Сарыарка», which has the direction)
  'POST /sanatorium-cabinet/offer': { expect: only(EMPLOYEES, 403), url: path('/sanatorium-cabinet/offer') },
  'POST /sanatorium-cabinet/periods': {
    expect: only(EMPLOYEES, 403),
    url: path('/sanatorium-cabinet/periods'),
  },
  'GET /sanatorium-cabinet/orders/:id': {
    expect: only(EMPLOYEES, 404),
    url: (w) => `/sanatorium-cabinet/orders/${w.ids.sanatoriumOrder.recipient}`,
  },
  'GET /sanatorium-cabinet/orders/:id/voucher.pdf': {
    expect: only(EMPLOYEES, 404),
    url: (w) => `/sanatorium-cabinet/orders/${w.ids.sanatoriumOrder.recipient}/voucher.pdf`,
  },
  'POST /sanatorium-cabinet/orders/:id/:action': {
    expect: only(EMPLOYEES, 404),
    url: (w) => `/sanatorium-cabinet/orders/${w.ids.sanatoriumOrder.recipient}/accept`,
  },
  'POST /sanatorium-cabinet/orders/:id/:action/sign': {
    expect: only(EMPLOYEES, 404),
    url: (w) => `/sanatorium-cabinet/orders/${w.ids.sanatoriumOrder.recipient}/accept/sign`,
  },
  // the administrator's registry and report; the public free places
  'GET /admin/sanatoriums': { expect: only(['admin']), url: path('/admin/sanatoriums') },
  'GET /open-data/sanatoriums': { expect: everyone(200), url: path('/open-data/sanatoriums') },
  // sanatorium photos and the licence (issue 17 item 1): photos of a sanatorium on offer are seen by
  // anyone signed in; the cabinet's upload and removal refuse the matrix's employees (no sanatorium
  // direction: 403; another organisation's photo: 404). csrf.test.ts posts them as e07.
  'GET /sanatorium/photos/:id': {
    expect: signedIn(200),
    url: (w) => `/sanatorium/photos/${w.ids.sanatoriumPhoto}`,
  },
  'POST /sanatorium-cabinet/photos': {
    expect: only(EMPLOYEES, 403),
    url: path('/sanatorium-cabinet/photos'),
  },
  'POST /sanatorium-cabinet/photos/:id/delete': {
    expect: only(EMPLOYEES, 404),
    url: (w) => `/sanatorium-cabinet/photos/${w.ids.sanatoriumPhoto}/delete`,
  },

  // ------------------------------------------------------------ requests about technical failures
  'GET /support': { expect: signedIn(200), url: path('/support') },
  'GET /support/new': { expect: signedIn(200), url: path('/support/new') },
  'POST /support/new': { expect: signedIn('allowed'), url: path('/support/new') },
  'GET /support/:id': {
    // one's own requests only: the desk works them at /admin/support
    expect: { ...signedIn(404), recipient: 200 },
    url: (w) => `/support/${w.ids.support.own}`,
    foreign: (w) => `/support/${w.ids.support.other}`,
  },
  // the desk sees the screenshots of the requests it works
  'GET /support/:id/files/:fileId': {
    expect: { ...signedIn(404), recipient: 200, operator: 200, admin: 200 },
    url: (w) => `/support/${w.ids.support.own}/files/${w.ids.supportFile}`,
  },

  // ------------------------------------------------------------ administration: the contact-centre desk
  'GET /admin': { expect: only(DESK), url: path('/admin') },
  'GET /admin/support': { expect: only(DESK), url: path('/admin/support') },
  'GET /admin/support/:id': { expect: only(DESK), url: (w) => `/admin/support/${w.ids.support.other}` },
  'POST /admin/support/:id/:action': {
    expect: postBy(DESK),
    url: (w) => `/admin/support/${w.ids.support.other}/register`,
  },

  // ------------------------------------------------------------ administration: administrators only
  'GET /admin/users': { expect: only(['admin']), url: path('/admin/users') },
  'GET /admin/users/:id': { expect: only(['admin']), url: (w) => `/admin/users/${w.ids.person.s01}` },
  'POST /admin/users/:id/roles': {
    expect: postBy(['admin']),
    url: (w) => `/admin/users/${w.ids.person.s01}/roles`,
  },
  'POST /admin/users/:id/roles/:grantId/revoke': {
    expect: postBy(['admin']),
    url: (w) => `/admin/users/${w.ids.person.s01}/roles/${w.ids.grant}/revoke`,
  },
  'GET /admin/audit': { expect: only(['admin']), url: path('/admin/audit') },
  'GET /admin/audit.csv': { expect: only(['admin']), url: path('/admin/audit.csv') },
  'GET /admin/health': { expect: only(['admin']), url: path('/admin/health') },
  'GET /admin/content': { expect: only(['admin']), url: path('/admin/content') },
  'GET /admin/content/new': { expect: only(['admin']), url: path('/admin/content/new?kind=faq') },
  'POST /admin/content/new': { expect: postBy(['admin']), url: path('/admin/content/new') },
  'GET /admin/content/:id': { expect: only(['admin']), url: (w) => `/admin/content/${w.ids.content}` },
  'POST /admin/content/:id': { expect: postBy(['admin']), url: (w) => `/admin/content/${w.ids.content}` },
  'POST /admin/content/:id/delete': {
    expect: postBy(['admin']),
    url: (w) => `/admin/content/${w.ids.content}/delete`,
  },
  'POST /admin/content/:id/media': {
    expect: postBy(['admin']),
    url: (w) => `/admin/content/${w.ids.content}/media`,
  },
  'POST /admin/content/:id/media/:mediaId/delete': {
    expect: postBy(['admin']),
    url: (w) => `/admin/content/${w.ids.content}/media/${w.ids.media}/delete`,
  },
  'GET /admin/notices': { expect: only(['admin']), url: path('/admin/notices') },
  'GET /admin/notices/new': { expect: only(['admin']), url: path('/admin/notices/new') },
  'POST /admin/notices/new': { expect: postBy(['admin']), url: path('/admin/notices/new') },
  'GET /admin/notices/:id': { expect: only(['admin']), url: (w) => `/admin/notices/${w.ids.notice}` },
  'POST /admin/notices/:id': { expect: postBy(['admin']), url: (w) => `/admin/notices/${w.ids.notice}` },
  'POST /admin/notices/:id/end': {
    expect: postBy(['admin']),
    url: (w) => `/admin/notices/${w.ids.notice}/end`,
  },
  'GET /admin/settings': { expect: only(['admin']), url: path('/admin/settings') },
  'POST /admin/settings/phone': { expect: postBy(['admin']), url: path('/admin/settings/phone') },
  'POST /admin/settings/holidays': { expect: postBy(['admin']), url: path('/admin/settings/holidays') },
  'POST /admin/settings/holidays/:day/delete': {
    expect: postBy(['admin']),
    url: (w) => `/admin/settings/holidays/${w.ids.holiday}/delete`,
  },
  'GET /admin/reports': { expect: only(['admin']), url: path('/admin/reports') },
  'GET /admin/reports/orders.csv': { expect: only(['admin']), url: path('/admin/reports/orders.csv') },
  'GET /admin/reports/ipr.csv': { expect: only(['admin']), url: path('/admin/reports/ipr.csv') },
  'GET /admin/reports/queues.csv': { expect: only(['admin']), url: path('/admin/reports/queues.csv') },
  'GET /admin/reports/hours.csv': { expect: only(['admin']), url: path('/admin/reports/hours.csv') },
  'GET /admin/exchange': { expect: only(['admin']), url: path('/admin/exchange') },
  'POST /admin/exchange/:id/retry': {
    expect: postBy(['admin']),
    url: (w) => `/admin/exchange/${w.ids.outbox}/retry`,
  },
  'GET /admin/msu': { expect: only(['admin']), url: path('/admin/msu') },
  'POST /admin/msu/register': { expect: postBy(['admin']), url: path('/admin/msu/register') },
  'GET /admin/msu/institutions/:id': {
    expect: only(['admin']),
    url: (w) => `/admin/msu/institutions/${w.ids.institution.own}`,
  },
  'POST /admin/msu/institutions/:id': {
    expect: postBy(['admin']),
    url: (w) => `/admin/msu/institutions/${w.ids.institution.own}`,
  },
  'GET /admin/msu/institutions/:id/departments/new': {
    expect: only(['admin']),
    url: (w) => `/admin/msu/institutions/${w.ids.institution.own}/departments/new`,
  },
  'POST /admin/msu/institutions/:id/departments/new': {
    expect: postBy(['admin']),
    url: (w) => `/admin/msu/institutions/${w.ids.institution.own}/departments/new`,
  },
  'GET /admin/msu/departments/:id': {
    expect: only(['admin']),
    url: (w) => `/admin/msu/departments/${w.ids.department.own}`,
  },
  'POST /admin/msu/departments/:id': {
    expect: postBy(['admin']),
    url: (w) => `/admin/msu/departments/${w.ids.department.own}`,
  },
  'GET /admin/specialists': { expect: only(['admin']), url: path('/admin/specialists') },
  'POST /admin/specialists/applications/:id': {
    expect: postBy(['admin']),
    url: (w) => `/admin/specialists/applications/${w.ids.application}`,
  },
  'GET /admin/tsr-kinds': { expect: only(['admin']), url: path('/admin/tsr-kinds') },
  'GET /admin/tsr-kinds/:code': { expect: only(['admin']), url: (w) => `/admin/tsr-kinds/${w.ids.tsrKind}` },
  'POST /admin/tsr-kinds/:code': {
    expect: postBy(['admin']),
    url: (w) => `/admin/tsr-kinds/${w.ids.tsrKind}`,
  },
  'GET /admin/suppliers': { expect: only(['admin']), url: path('/admin/suppliers') },
  'GET /admin/suppliers/:id': {
    expect: only(['admin']),
    url: (w) => `/admin/suppliers/${w.ids.supplierOrg}`,
  },

  // ------------------------------------------------------------ participants: the organisation's staff,
  // the administrator's suspension and exclusion of organisations and specialists (docs/participants.md)
  ...participantsRoutes(),

  // ------------------------------------------------------------ supplier registration and the organisation card
  // (issue 16 items 1–2: src/routes/participants). The registration is public: a person is identified
  // by the registration's own signed challenge (kept in the session), so without one the application
  // pages lead back to /registration. The world holds no supplier application: the administrator's
  // card answers 404 for an unknown one (test/integration/participants covers the real ones).
  'GET /registration': { expect: everyone(200), url: path('/registration') },
  'POST /registration/legal': { expect: cells(() => 'allowed'), url: path('/registration/legal') },
  'POST /registration/entrepreneur': {
    expect: cells(() => 'allowed'),
    url: path('/registration/entrepreneur'),
  },
  'GET /registration/application': { expect: everyone(303), url: path('/registration/application') },
  'POST /registration/application': {
    expect: cells(() => 'allowed'),
    url: path('/registration/application'),
  },
  'POST /registration/application/sign': {
    expect: cells(() => 'allowed'),
    url: path('/registration/application/sign'),
  },
  'GET /admin/supplier-applications': {
    expect: only(['admin']),
    url: path('/admin/supplier-applications'),
  },
  'GET /admin/supplier-applications/:id': {
    expect: only(['admin'], 404),
    url: path('/admin/supplier-applications/999999'),
  },
  'GET /admin/supplier-applications/:id/refuse': {
    expect: only(['admin'], 404),
    url: path('/admin/supplier-applications/999999/refuse'),
  },
  'POST /admin/supplier-applications/:id/approve': {
    expect: postBy(['admin']),
    url: path('/admin/supplier-applications/999999/approve'),
  },
  'POST /admin/supplier-applications/:id/refuse': {
    expect: postBy(['admin']),
    url: path('/admin/supplier-applications/999999/refuse'),
  },
  'POST /admin/supplier-applications/:id/approve/sign': {
    expect: postBy(['admin']),
    url: path('/admin/supplier-applications/999999/approve/sign'),
  },
  'POST /admin/supplier-applications/:id/refuse/sign': {
    expect: postBy(['admin']),
    url: path('/admin/supplier-applications/999999/refuse/sign'),
  },
  'GET /supplier/organisation': { expect: only(EMPLOYEES), url: path('/supplier/organisation') },
  'POST /admin/organisations/:id/directions': {
    expect: postBy(['admin']),
    url: (w) => `/admin/organisations/${w.ids.supplierOrg}/directions`,
  },
  'POST /admin/organisations/:id/directions/sign': {
    expect: postBy(['admin']),
    url: (w) => `/admin/organisations/${w.ids.supplierOrg}/directions/sign`,
  },

  // ------------------------------------------------------------ the chat with the contact centre, requests from every channel
  'GET /chat': { expect: everyone(200), url: path('/chat') },
  'POST /chat': { expect: cells(() => 'allowed'), url: path('/chat') },
  'POST /chat/operator': { expect: cells(() => 'allowed'), url: path('/chat/operator') },
  // an event stream to a browser; to a plain GET (no Accept: text/event-stream) the messages once as JSON
  'GET /chat/events': { expect: everyone(200), url: path('/chat/events') },
  'GET /support/report': { expect: everyone(200), url: path('/support/report') },
  'POST /support/report': { expect: cells(() => 'allowed'), url: path('/support/report') },
  'GET /admin/support/record': { expect: only(DESK), url: path('/admin/support/record') },
  'POST /admin/support/record': { expect: postBy(DESK), url: path('/admin/support/record') },
  'GET /admin/support/chat': { expect: only(DESK), url: path('/admin/support/chat') },
  'GET /admin/support/chat/events': { expect: only(DESK), url: path('/admin/support/chat/events') },
  'GET /admin/support/chat/:id': { expect: only(DESK), url: (w) => `/admin/support/chat/${w.ids.chat}` },
  'POST /admin/support/chat/:id/messages': {
    expect: postBy(DESK),
    url: (w) => `/admin/support/chat/${w.ids.chat}/messages`,
  },
  'POST /admin/support/chat/:id/close': {
    expect: postBy(DESK),
    url: (w) => `/admin/support/chat/${w.ids.chat}/close`,
  },
  'POST /admin/support/chat/:id/request': {
    expect: postBy(DESK),
    url: (w) => `/admin/support/chat/${w.ids.chat}/request`,
  },

  // ------------------------------------------------------------ the organisation's own offer (issue 16 item 3)
  // documents: any employee's organisation keeps them; the public card and its files are open to everyone
  'GET /supplier/documents': { expect: only(EMPLOYEES), url: path('/supplier/documents') },
  'POST /supplier/documents': { expect: postBy(EMPLOYEES), url: path('/supplier/documents') },
  'POST /supplier/documents/:id/delete': {
    expect: postBy(EMPLOYEES),
    url: (w) => `/supplier/documents/${w.ids.orgDocument}/delete`,
  },
  'GET /organisations/:id': { expect: everyone(200), url: (w) => `/organisations/${w.ids.supplierOrg}` },
  'GET /organisations/:id/documents/:docId': {
    expect: everyone(200),
    url: (w) => `/organisations/${w.ids.supplierOrg}/documents/${w.ids.orgDocument}`,
  },
  // orders to an organisation: only organisations with a sign-language or assistant direction (the
  // matrix's supplier sells ТСР only, the institution is an МСУ); the feature tests cover the rest
  'GET /supplier/service-orders': { expect: only([], 403), url: path('/supplier/service-orders') },
  'GET /supplier/service-orders/:id': {
    expect: only([], 403),
    url: (w) => `/supplier/service-orders/${w.ids.serviceOrder.recipient}`,
  },
  'POST /supplier/service-orders/:id/assign': {
    expect: only([], 403),
    url: (w) => `/supplier/service-orders/${w.ids.serviceOrder.recipient}/assign`,
  },
  'POST /supplier/service-orders/:id/assign/sign': {
    expect: only([], 403),
    url: (w) => `/supplier/service-orders/${w.ids.serviceOrder.recipient}/assign/sign`,
  },
  // the organisation declines an order sent to it (reason → signed refusal); same refusals as above
  'GET /supplier/service-orders/:id/decline': {
    expect: only([], 403),
    url: (w) => `/supplier/service-orders/${w.ids.serviceOrder.recipient}/decline`,
  },
  'POST /supplier/service-orders/:id/decline': {
    expect: only([], 403),
    url: (w) => `/supplier/service-orders/${w.ids.serviceOrder.recipient}/decline`,
  },
  'POST /supplier/service-orders/:id/decline/sign': {
    expect: only([], 403),
    url: (w) => `/supplier/service-orders/${w.ids.serviceOrder.recipient}/decline/sign`,
  },
  // the recipient orders from an organisation (ТОО «Сурдотехника KZ», org 6, sign language)
  'GET /services/:slug/organisations/:oid/order': {
    expect: only(RECIPIENTS),
    url: path('/services/uzhya/organisations/6/order'),
  },
  'POST /services/:slug/organisations/:oid/order': {
    expect: postBy(RECIPIENTS),
    url: path('/services/uzhya/organisations/6/order'),
  },
  'POST /services/:slug/organisations/:oid/order/sign': {
    expect: postBy(RECIPIENTS),
    url: path('/services/uzhya/organisations/6/order/sign'),
  },
  // an МСУ edits its own card (the administrator's editor); another МСУ's department answers 404
  'GET /institution/card': { expect: institutionOnly(), url: path('/institution/card') },
  'POST /institution/card': { expect: institutionOnly('allowed'), url: path('/institution/card') },
  'GET /institution/card/departments/new': {
    expect: institutionOnly(),
    url: path('/institution/card/departments/new'),
  },
  'POST /institution/card/departments/new': {
    expect: institutionOnly('allowed'),
    url: path('/institution/card/departments/new'),
  },
  'GET /institution/card/departments/:id': {
    expect: institutionOnly(),
    url: (w) => `/institution/card/departments/${w.ids.department.own}`,
    foreign: (w) => `/institution/card/departments/${w.ids.department.other}`,
  },
  'POST /institution/card/departments/:id': {
    expect: institutionOnly('allowed'),
    url: (w) => `/institution/card/departments/${w.ids.department.own}`,
  },

  // ------------------------------------------------------------ documents anyone can verify (issue 19 item 5)
  // the public check of a signed document by its printed code (the recipient's first signed document)
  'GET /verify': { expect: everyone(200), url: path('/verify') },
  'GET /verify/:code': { expect: everyone(200), url: (w) => `/verify/${w.ids.verificationCode}` },
  // «Мои Направления»: the recipient (r03) has no referral (queued), the ward (r16) the seeded one, which
  // is another person's to the recipient; the guardian's foreign one is r10's
  'GET /cabinet/referrals': { expect: only(RECIPIENTS), url: path('/cabinet/referrals') },
  'GET /cabinet/referrals/:id/pdf': {
    expect: only(RECIPIENTS, 200, { recipient: 404 }),
    url: (w) => `/cabinet/referrals/${w.ids.referral.guardian}/pdf`,
    foreign: (w) => `/cabinet/referrals/${w.ids.referral.other}/pdf`,
  },
  // the world's goods orders are not handed over yet: no hand-over document (404) even to their own
  // side; test/integration/verification covers the handed-over ones and the other sides' 404
  'GET /goods/orders/:id/handover.pdf': {
    expect: only(RECIPIENTS, 404),
    url: (w, r) => `/goods/orders/${own(w.ids.goodsOrder, r)}/handover.pdf`,
  },
  'GET /supplier/orders/:id/handover.pdf': {
    expect: only(EMPLOYEES, 404),
    url: (w) => `/supplier/orders/${w.ids.goodsOrder.recipient}/handover.pdf`,
  },
  // ------------------------------------------------------------ reaching everyone (issue 19 items 3, 6, 7)
  ...outreachRoutes(),
  // ------------------------------------------------------------ special social services by contract (issue 18)
  ...contractRoutes(),
};

/**
 * Issue 19: the no-phone list of a local executive body (src/routes/outreach; no role of the world is
 * such an employee, so every role is refused — test/integration/outreach covers the employees of two
 * regions and their isolation), the administrator's counts and grants, the queue check by ИИН (public,
 * rate-limited) and the recipient's refusal to sign an act (the world's acts await the recipient).
 */
function outreachRoutes(): Record<string, Entry> {
  const dispute = (tail: string) => (w: World, r: MatrixRole) =>
    `/services/orders/${own(w.ids.serviceOrder, r)}/acts/${own(w.ids.act, r)}/dispute${tail}`;
  return {
    'GET /outreach': { expect: only([]), url: path('/outreach') },
    'GET /outreach/export.csv': { expect: only([]), url: path('/outreach/export.csv') },
    'GET /outreach/:id': { expect: only([]), url: path('/outreach/1') },
    'POST /outreach/:id/notified': {
      expect: postBy([]),
      url: path('/outreach/999999/notified'),
    },
    'GET /admin/outreach': { expect: only(['admin']), url: path('/admin/outreach') },
    'POST /admin/outreach/executives': { expect: postBy(['admin']), url: path('/admin/outreach/executives') },
    'POST /admin/outreach/executives/:id/revoke': {
      expect: postBy(['admin']),
      url: path('/admin/outreach/executives/999999/revoke'),
    },
    'POST /queue-check/iin': { expect: cells(() => 'allowed'), url: path('/queue-check/iin') },
    'GET /services/orders/:id/acts/:actId/dispute': {
      expect: only(RECIPIENTS),
      url: dispute(''),
      foreign: (w, r) =>
        `/services/orders/${theirs(w.ids.serviceOrder, r)}/acts/${theirs(w.ids.act, r)}/dispute`,
    },
    'POST /services/orders/:id/acts/:actId/dispute': { expect: postBy(RECIPIENTS), url: dispute('') },
    'POST /services/orders/:id/acts/:actId/dispute/sign': {
      expect: postBy(RECIPIENTS),
      url: dispute('/sign'),
    },
  };
}

// ---------------------------------------------------------------- special social services by contract
/**
 * «ИППСУ» and «Договоры» (the person's side, r03's contract and the ward r16's, each active with an act
 * to sign) and the provider's side (e01's organisation holds r03's contract; r16's is at another, 404).
 * The ТСР supplier's employee (no special social services direction) is refused with 403.
 */
function contractRoutes(): Record<string, Entry> {
  const mine = (suffix: string, status: Cell): Entry => ({
    expect: only(RECIPIENTS, status),
    url: (w, role) => `/contracts/${own(w.ids.ssu.contract, role)}${suffix}`,
    ...(status === 'allowed'
      ? {}
      : {
          foreign: (w: World, role: MatrixRole) => `/contracts/${theirs(w.ids.ssu.contract, role)}${suffix}`,
        }),
  });
  const mineAct = (suffix: string, status: Cell): Entry => ({
    expect: only(RECIPIENTS, status),
    url: (w, role) => `/contracts/${own(w.ids.ssu.contract, role)}/acts/${own(w.ids.ssu.act, role)}${suffix}`,
    ...(status === 'allowed'
      ? {}
      : {
          foreign: (w: World, role: MatrixRole) =>
            `/contracts/${theirs(w.ids.ssu.contract, role)}/acts/${theirs(w.ids.ssu.act, role)}${suffix}`,
        }),
  });
  const provider = (suffix: string, status: Cell): Entry => ({
    expect: only(['institution'], status),
    url: (w) => `/supplier/contracts/${w.ids.ssu.contract.recipient}${suffix}`,
    ...(status === 'allowed'
      ? {}
      : { foreign: (w: World) => `/supplier/contracts/${w.ids.ssu.contract.guardian}${suffix}` }),
  });
  return {
    'POST /api/esobes/ippsu': { expect: everyone(401), url: path('/api/esobes/ippsu') },
    'GET /ippsu': { expect: only(RECIPIENTS), url: path('/ippsu?q=%D0%9A%D0%93%D0%A3') },
    'GET /contracts': { expect: only(RECIPIENTS), url: path('/contracts') },
    'GET /contracts/new': {
      expect: only(RECIPIENTS),
      url: (w) => `/contracts/new?organisation=${w.ids.ssu.provider}`,
    },
    'POST /contracts': { expect: postBy(RECIPIENTS), url: path('/contracts') },
    'GET /contracts/:id': mine('', 200),
    // active: nothing to sign, the question leads back to the card
    'GET /contracts/:id/sign': mine('/sign', 303),
    'POST /contracts/:id/sign': mine('/sign', 'allowed'),
    'POST /contracts/:id/sign/signed': mine('/sign/signed', 'allowed'),
    'GET /contracts/:id/terminate': mine('/terminate', 200),
    'POST /contracts/:id/terminate': mine('/terminate', 'allowed'),
    'POST /contracts/:id/terminate/sign': mine('/terminate/sign', 'allowed'),
    'GET /contracts/:id/acts/:actId/sign': mineAct('/sign', 200),
    'POST /contracts/:id/acts/:actId/sign': mineAct('/sign', 'allowed'),
    'POST /contracts/:id/acts/:actId/sign/signed': mineAct('/sign/signed', 'allowed'),
    'GET /contracts/:id/acts/:actId/dispute': mineAct('/dispute', 200),
    'POST /contracts/:id/acts/:actId/dispute': mineAct('/dispute', 'allowed'),
    'POST /contracts/:id/acts/:actId/dispute/sign': mineAct('/dispute/sign', 'allowed'),
    'GET /contracts/:id/contract.pdf': mine('/contract.pdf', 200),
    'GET /contracts/:id/signatures/:which.xml': mine('/signatures/recipient.xml', 200),
    'GET /supplier/contracts': { expect: only(['institution']), url: path('/supplier/contracts') },
    'GET /supplier/contracts/:id': provider('', 200),
    'POST /supplier/contracts/:id/sign': provider('/sign', 'allowed'),
    'POST /supplier/contracts/:id/sign/signed': provider('/sign/signed', 'allowed'),
    'POST /supplier/contracts/:id/records': provider('/records', 'allowed'),
    'POST /supplier/contracts/:id/acts': provider('/acts', 'allowed'),
    // active: a request is declined, not a contract in force
    'GET /supplier/contracts/:id/decline': provider('/decline', 409),
    'POST /supplier/contracts/:id/decline': provider('/decline', 'allowed'),
    'POST /supplier/contracts/:id/decline/sign': provider('/decline/sign', 'allowed'),
    'GET /supplier/contracts/:id/terminate': provider('/terminate', 200),
    'POST /supplier/contracts/:id/terminate': provider('/terminate', 'allowed'),
    'POST /supplier/contracts/:id/terminate/sign': provider('/terminate/sign', 'allowed'),
    'GET /supplier/contracts/:id/contract.pdf': provider('/contract.pdf', 200),
    'GET /supplier/contracts/:id/signatures/:which.xml': provider('/signatures/provider.xml', 200),
  };
}

/** «Сотрудники» of the organisation cabinet and the administrator's standing steps. */
function participantsRoutes(): Record<string, Entry> {
  // the seeded employees of both cabinets administer their organisation's staff
  const grantUrl = (suffix: string) => (w: World) => `/organisation/staff/${w.ids.grant}${suffix}`;
  const staff: Record<string, Entry> = {
    'GET /organisation/staff': { expect: only(EMPLOYEES), url: path('/organisation/staff') },
    'POST /organisation/staff': { expect: postBy(EMPLOYEES), url: path('/organisation/staff') },
    'POST /organisation/staff/sign': { expect: postBy(EMPLOYEES), url: path('/organisation/staff/sign') },
  };
  for (const action of ['suspend', 'resume', 'remove']) {
    staff[`POST /organisation/staff/:id/${action}`] = {
      expect: postBy(EMPLOYEES),
      url: grantUrl(`/${action}`),
    };
    staff[`POST /organisation/staff/:id/${action}/sign`] = {
      expect: postBy(EMPLOYEES),
      url: grantUrl(`/${action}/sign`),
    };
  }
  const org = (suffix: string) => (w: World) => `/admin/organisations/${w.ids.supplierOrg}${suffix}`;
  const entry = (suffix: string) => (w: World) =>
    `/admin/specialists/entries/${w.ids.specialistEntry.recipient}${suffix}`;
  const standing: Record<string, Entry> = {
    'GET /admin/organisations': { expect: only(['admin']), url: path('/admin/organisations') },
    'GET /admin/organisations/:id': { expect: only(['admin']), url: org('') },
  };
  for (const [base, url] of [
    ['/admin/organisations/:id', org],
    ['/admin/specialists/entries/:id', entry],
  ] as const) {
    for (const action of ['suspend', 'exclude']) {
      standing[`GET ${base}/${action}`] = { expect: only(['admin']), url: url(`/${action}`) };
      standing[`POST ${base}/${action}`] = { expect: postBy(['admin']), url: url(`/${action}`) };
    }
    standing[`POST ${base}/resume`] = { expect: postBy(['admin']), url: url('/resume') };
    for (const action of ['suspend', 'exclude', 'resume'])
      standing[`POST ${base}/${action}/sign`] = { expect: postBy(['admin']), url: url(`/${action}/sign`) };
  }
  return { ...staff, ...standing };
}

/** A specialist the role may order from: an assistant in Astana for r03, a sign-language one in Karaganda for r16. */
function newServiceOrder(w: World, role: MatrixRole): string {
  return role === 'guardian'
    ? `uzhya/specialists/${w.ids.specialistEntry.guardian}/order`
    : `uip/specialists/${w.ids.specialistEntry.recipient}/order`;
}

function documentOf(w: World, role: MatrixRole): number {
  const d = w.ids.document;
  return role === 'guardian' ? d.guardian : role === 'specialist' ? d.specialist : d.recipient;
}
/** A document neither signed by the role's person nor for its principal. */
function foreignDocument(w: World, role: MatrixRole): number {
  return role === 'recipient' ? w.ids.document.guardian : w.ids.document.recipient;
}

/** The МСУ order card and its steps, for the recipient or the guardian acting for the ward. */
function msuOrderRoutes(): Record<string, Entry> {
  const card = (suffix: string, status: Cell): Entry => ({
    expect: only(RECIPIENTS, status),
    url: (w, r) => `/msu/orders/${own(w.ids.msuOrder, r)}${suffix}`,
    ...(status === 'allowed'
      ? {}
      : { foreign: (w, r) => `/msu/orders/${theirs(w.ids.msuOrder, r)}${suffix}` }),
  });
  return {
    'GET /msu/orders/:id': card('', 200),
    'GET /msu/orders/:id/cancel-queue': card('/cancel-queue', 200),
    'POST /msu/orders/:id/cancel-queue': card('/cancel-queue', 'allowed'),
    'POST /msu/orders/:id/cancel-queue/sign': card('/cancel-queue/sign', 'allowed'),
    'GET /msu/orders/:id/cancel-enrolment': card('/cancel-enrolment', 200),
    'POST /msu/orders/:id/cancel-enrolment': card('/cancel-enrolment', 'allowed'),
    'POST /msu/orders/:id/cancel-enrolment/sign': card('/cancel-enrolment/sign', 'allowed'),
    // no place is on offer for either order: the step is refused with a message
    'GET /msu/orders/:id/accept': card('/accept', 409),
    'POST /msu/orders/:id/accept': card('/accept', 'allowed'),
    'GET /msu/orders/:id/decline': card('/decline', 409),
    'POST /msu/orders/:id/decline': card('/decline', 'allowed'),
  };
}

/** The institution's steps on an order of its own (the recipient's, at institution 1). */
function institutionOrderRoutes(): Record<string, Entry> {
  const step = (suffix: string, status: Cell): Entry => ({
    expect: institutionOnly(status),
    url: (w) => `/institution/orders/${w.ids.msuOrder.recipient}${suffix}`,
    ...(status === 'allowed'
      ? {}
      : { foreign: (w) => `/institution/orders/${w.ids.msuOrder.guardian}${suffix}` }),
  });
  return {
    // the order is queued: nobody has arrived yet
    'GET /institution/orders/:id/arrival': step('/arrival', 409),
    'POST /institution/orders/:id/arrival': step('/arrival', 'allowed'),
    'GET /institution/orders/:id/no-show': step('/no-show', 409),
    'POST /institution/orders/:id/no-show': step('/no-show', 'allowed'),
    'GET /institution/orders/:id/discharge': step('/discharge', 200),
    'POST /institution/orders/:id/discharge': step('/discharge', 'allowed'),
    'POST /institution/orders/:id/discharge/sign': step('/discharge/sign', 'allowed'),
  };
}

/** The recipient's card of a service order in progress, its steps and its act. */
function serviceOrderRoutes(): Record<string, Entry> {
  const card = (suffix: (w: World, r: MatrixRole) => string, status: Cell): Entry => ({
    expect: only(RECIPIENTS, status),
    url: (w, r) => `/services/orders/${own(w.ids.serviceOrder, r)}${suffix(w, r)}`,
    ...(status === 'allowed'
      ? {}
      : { foreign: (w, r) => `/services/orders/${theirs(w.ids.serviceOrder, r)}${suffix(w, r)}` }),
  });
  const fixed = (s: string) => () => s;
  const act =
    (tail = '') =>
    (w: World, r: MatrixRole) =>
      `/acts/${own(w.ids.act, r)}${tail}`;
  return {
    'GET /services/orders/:id': card(fixed(''), 200),
    'POST /services/orders/:id/delete': card(fixed('/delete'), 'allowed'),
    // in progress: already confirmed, too late to cancel; refusing is open
    'GET /services/orders/:id/confirm': card(fixed('/confirm'), 409),
    'POST /services/orders/:id/confirm': card(fixed('/confirm'), 'allowed'),
    'GET /services/orders/:id/cancel': card(fixed('/cancel'), 409),
    'POST /services/orders/:id/cancel': card(fixed('/cancel'), 'allowed'),
    'POST /services/orders/:id/cancel/sign': card(fixed('/cancel/sign'), 'allowed'),
    'GET /services/orders/:id/refuse': card(fixed('/refuse'), 200),
    'POST /services/orders/:id/refuse': card(fixed('/refuse'), 'allowed'),
    'POST /services/orders/:id/refuse/sign': card(fixed('/refuse/sign'), 'allowed'),
    'GET /services/orders/:id/acts/:actId': card(act(), 200),
    'POST /services/orders/:id/acts/:actId': card(act(), 'allowed'),
    'GET /services/orders/:id/acts/:actId/pdf': card(act('/pdf'), 200),
  };
}

function specialistUrl(w: World, suffix: string, orderId: number): string {
  return `/specialist${suffix.replace(':id', String(orderId)).replace('CURRENT', w.ids.period)}`;
}

/** The specialist's card of the order in progress (r03's), its steps and its acts. */
function specialistOrderRoutes(): Record<string, Entry> {
  const card = (suffix: string, status: Cell): Entry => ({
    expect: only(['specialist'], status),
    url: (w) => specialistUrl(w, suffix, w.ids.serviceOrder.recipient),
    ...(status === 'allowed'
      ? {}
      : { foreign: (w) => specialistUrl(w, suffix, w.ids.serviceOrder.guardian) }),
  });
  return {
    'GET /specialist/orders/:id': card('/orders/:id', 200),
    // in progress: nothing to respond to, nothing to reject, no act that ends the work
    'GET /specialist/orders/:id/respond': card('/orders/:id/respond', 409),
    'POST /specialist/orders/:id/accept': card('/orders/:id/accept', 'allowed'),
    'GET /specialist/orders/:id/reject': card('/orders/:id/reject', 409),
    'POST /specialist/orders/:id/reject': card('/orders/:id/reject', 'allowed'),
    'POST /specialist/orders/:id/reject/sign': card('/orders/:id/reject/sign', 'allowed'),
    'GET /specialist/orders/:id/cancel': card('/orders/:id/cancel', 409),
    'POST /specialist/orders/:id/cancel': card('/orders/:id/cancel', 'allowed'),
    'POST /specialist/orders/:id/cancel/sign': card('/orders/:id/cancel/sign', 'allowed'),
    'GET /specialist/acts/orders/:id': card('/acts/orders/:id?period=CURRENT', 200),
    'GET /specialist/acts/orders/:id/act.pdf': card('/acts/orders/:id/act.pdf?period=CURRENT', 200),
    'GET /specialist/acts/orders/:id/sheet.pdf': card('/acts/orders/:id/sheet.pdf?period=CURRENT', 200),
    'GET /specialist/acts/orders/:id/send': card('/acts/orders/:id/send', 200),
    'POST /specialist/acts/orders/:id/send': card('/acts/orders/:id/send', 'allowed'),
    'POST /specialist/acts/orders/:id/electronic': card('/acts/orders/:id/electronic', 'allowed'),
    'POST /specialist/acts/orders/:id/electronic/sign': card('/acts/orders/:id/electronic/sign', 'allowed'),
  };
}
