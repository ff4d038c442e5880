/**
 * The state systems of a production run, played by a small HTTP server in the bench process, speaking
 * the gateway contract of src/integrations/http.ts: ГБД ФЛ (the people the bench made), БМГ (no phones),
 * the SMS/e-mail gateway and Е-Собес (accepting everything, counting what came), and the CRLs of the
 * dev CA, which stands in for НУЦ РК.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { RegistryPerson } from '../../src/integrations/ports.js';

export interface StateGateways {
  url: string;
  /** messages received per gateway: sms, emails, esobes */
  received: { sms: number; emails: number; esobes: number };
  /** the portal's production environment for these gateways and this data folder */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startStateGateways(people: RegistryPerson[], dataDir: string): Promise<StateGateways> {
  const byIin = new Map(people.map((p) => [p.iin, p]));
  const pki = path.join(dataDir, 'pki');
  const received = { sms: 0, emails: 0, esobes: 0 };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    req.resume();
    req.on('end', () => {
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && (m = /^\/registry\/persons\/(\d{12})$/.exec(url))) {
        const p = byIin.get(m[1]!);
        return p ? send(200, p) : send(404);
      }
      if (req.method === 'GET' && /^\/(registry\/organisations|bmg\/phones)\//.test(url)) return send(404);
      if (req.method === 'GET' && (m = /^\/crl\/(root|ca)\.pem$/.exec(url))) {
        res.writeHead(200, { 'content-type': 'application/pkix-crl' });
        return res.end(fs.readFileSync(path.join(pki, m[1] === 'root' ? 'root-crl.pem' : 'crl.pem')));
      }
      if (req.method === 'POST' && url === '/sms/messages') return (received.sms++, send(204));
      if (req.method === 'POST' && url === '/sms/emails') return (received.emails++, send(204));
      if (req.method === 'POST' && url.startsWith('/esobes/')) return (received.esobes++, send(204));
      send(404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    env: {
      EDS_TRUST_ANCHORS: ['root.pem', 'ca.pem'].map((f) => path.join(pki, f)).join(','),
      EDS_CRL_URLS: `${url}/crl/root.pem,${url}/crl/ca.pem`,
      PERSON_REGISTRY_URL: `${url}/registry`,
      MOBILE_BASE_URL: `${url}/bmg`,
      SMS_GATEWAY_URL: `${url}/sms`,
      ESOBES_URL: `${url}/esobes`,
      // the gateway knows no guardianship (404): nobody in the bench acts for a ward
      GUARDIANSHIP_REGISTRY_URL: `${url}/guardianships`,
      ESOBES_API_TOKEN: 'bench-esobes-token-0123456789',
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
