/** A small HTTP client for the benchmarks: keep-alive sockets, one cookie jar per person, signing forms. */
import http from 'node:http';
import { signXml, type SignKeyMaterial } from '../../src/eds/index.js';
import { signFormFrom } from '../../test/support/http.js';

/** The signing form of a page: where it posts, its CSRF token, the sign request and the document. */
export const signForm = (html: string) => signFormFrom(html);

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class Client {
  private cookies = new Map<string, string>();
  constructor(
    private readonly base: URL,
    private readonly agent: http.Agent,
  ) {}

  /** The session cookie header, for a load generator that reuses this person's login. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  request(method: 'GET' | 'POST', pathname: string, form?: Record<string, string>): Promise<Reply> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path: pathname,
          agent: this.agent,
          headers: {
            // the portal runs behind a TLS proxy in production; its Secure cookie needs this
            'x-forwarded-proto': 'https',
            accept: 'text/html',
            ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
            ...(body
              ? {
                  'content-type': 'application/x-www-form-urlencoded',
                  'content-length': Buffer.byteLength(body),
                }
              : {}),
          },
        },
        (res) => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const [pair] = c.split(';');
            const eq = pair!.indexOf('=');
            this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
          }
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }

  /** The real EDS login with the person's AUTH key; follows the welcome letter when it is shown. */
  async login(auth: SignKeyMaterial): Promise<void> {
    const form = signForm((await this.request('GET', '/login')).body);
    const r = await this.request('POST', form.action, {
      _csrf: form.csrf,
      signRequestId: form.signRequestId,
      signedXml: signXml(form.xml, auth),
    });
    if (r.status !== 303) throw new Error(`login failed: ${r.status} ${r.body.slice(0, 300)}`);
  }
}
