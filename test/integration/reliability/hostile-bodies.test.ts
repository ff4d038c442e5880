import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../support/context.js';
import { csrfFrom } from '../../support/http.js';
import { PNG } from '../admin/fixtures.js';
import { PortalClient, PortalProcess, freePort } from './crash-support.js';
import {
  MB,
  filesUnder,
  healthz,
  many,
  postMultipart,
  productionNodeFlags,
  rssMb,
  text,
  until,
  watched,
  type Answer,
  type Part,
} from './hostile-support.js';

/**
 * Hostile request bodies against the portal as production runs it: a child process with the heap caps
 * of `npm run start:prod` (192 MB old space). Multipart bodies of many large fields, many files and
 * oversized files go to an upload route and to a route that takes none, anonymously and logged in,
 * several at once. Each is refused (403 without the session's token, 415 where the route takes no
 * files, 413 over a limit) or, for a file of allowed size that is not what the form takes, answered
 * by the form (400); the portal's resident memory stays under 250 MB, /healthz answers all along, and
 * no temporary file is left behind.
 */
const RSS_BUDGET_MB = 250;

let ctx: TestContext;
let portal: PortalProcess | undefined;
let recipient: { cookie: string; token: string };
let admin: { cookie: string; token: string };
let instructionId: number;
let stored: { requests: number; media: number };
const figures: string[] = [];

async function sessionOf(p: PortalProcess, key: string, formUrl: string) {
  const client = new PortalClient(p.baseUrl, ctx.dataDir, key);
  await client.login();
  const page = await client.get(formUrl);
  if (page.status !== 200) throw new Error(`${formUrl}: ${page.status}`);
  // the agent's cookie jar (cookiejar, read with a plain access description)
  const jar = (
    client.agent as unknown as {
      jar: { getCookies: (a: object) => { toValueString(): string }[] };
    }
  ).jar;
  const cookie = jar
    .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
    .map((c) => c.toValueString())
    .join('; ');
  return { cookie, token: csrfFrom(page.text) };
}

beforeAll(async () => {
  ctx = await createTestContext();
  const row = (await ctx.db('content_items').where({ kind: 'instruction' }).orderBy('id').first('id')) as {
    id: number;
  };
  instructionId = row.id;
  stored = await storedRows();
  portal = new PortalProcess(
    await freePort(),
    {
      NODE_ENV: 'test',
      DATABASE_URL: ctx.databaseUrl,
      DATA_DIR: ctx.dataDir,
      LOG_LEVEL: 'warn',
      RUN_JOBS: 'false',
      LOGIN_RATE_LIMIT: '10000',
    },
    productionNodeFlags(),
  );
  await portal.start();
  recipient = await sessionOf(portal, 'r01', '/support/new');
  admin = await sessionOf(portal, 'a01', `/admin/content/${instructionId}`);
}, 180_000);

afterAll(async () => {
  await portal?.kill();
  await ctx?.close();
  if (figures.length) console.log(`hostile bodies (peak RSS of the portal, MB):\n${figures.join('\n')}`);
});

async function storedRows() {
  const count = async (table: string) =>
    Number(((await ctx.db(table).count({ n: '*' }).first()) as { n: string }).n);
  return { requests: await count('support_requests'), media: await count('content_media') };
}

/** 100 text fields of 1,000,000 bytes: just under the 1 MiB a field may have by busboy's default. */
const bigFields = (): Part[] => many(100, (i) => ({ name: `f${i}`, size: 1_000_000 }));

interface Case {
  name: string;
  who: 'anonymous' | 'recipient' | 'recipient without token' | 'admin';
  url: () => string;
  parts: () => Part[];
  at: number;
  expected: number;
}

const SUPPORT = () => '/support/new';
const PREFERENCES = () => '/cabinet/preferences';
const MEDIA = () => `/admin/content/${instructionId}/media`;

const CASES: Case[] = [
  {
    name: 'anonymous, 100×1 MB fields, upload route',
    who: 'anonymous',
    url: SUPPORT,
    parts: bigFields,
    at: 3,
    expected: 403,
  },
  {
    name: 'anonymous, 100×1 MB fields, no-upload route',
    who: 'anonymous',
    url: PREFERENCES,
    parts: bigFields,
    at: 3,
    expected: 403,
  },
  {
    name: 'logged in without the token, upload route',
    who: 'recipient without token',
    url: SUPPORT,
    parts: bigFields,
    at: 3,
    expected: 403,
  },
  {
    name: 'logged in, 100×1 MB fields, upload route',
    who: 'recipient',
    url: SUPPORT,
    parts: bigFields,
    at: 3,
    expected: 413,
  },
  {
    name: 'logged in, 100×1 MB fields, no-upload route',
    who: 'recipient',
    url: PREFERENCES,
    parts: bigFields,
    at: 3,
    expected: 415,
  },
  {
    name: 'logged in, 200 files of 10 KB, upload route',
    who: 'recipient',
    url: SUPPORT,
    parts: () =>
      many(200, (i) => ({
        name: 'screenshots',
        filename: `s${i}.png`,
        contentType: 'image/png',
        head: PNG,
        size: 10_000,
      })),
    at: 3,
    expected: 413,
  },
  {
    name: 'logged in, one 40 MB screenshot',
    who: 'recipient',
    url: SUPPORT,
    parts: () => [
      { name: 'description', size: 20 },
      { name: 'screenshots', filename: 'big.png', contentType: 'image/png', head: PNG, size: 40 * MB },
    ],
    at: 3,
    expected: 413,
  },
  {
    name: 'admin, 8 videos of 25 MB that are not videos',
    who: 'admin',
    url: MEDIA,
    parts: () => [{ name: 'video', filename: 'v.mp4', contentType: 'video/mp4', size: 25 * MB }],
    at: 8,
    expected: 400,
  },
  {
    name: 'admin, 8 videos of 30 MB',
    who: 'admin',
    url: MEDIA,
    parts: () => [{ name: 'video', filename: 'v.mp4', contentType: 'video/mp4', size: 30 * MB }],
    at: 8,
    expected: 413,
  },
];

function request(c: Case): Promise<Answer> {
  const p = portal!;
  if (c.who === 'anonymous') return postMultipart(p.baseUrl, c.url(), c.parts());
  if (c.who === 'recipient without token')
    return postMultipart(p.baseUrl, c.url(), c.parts(), { cookie: recipient.cookie });
  const s = c.who === 'admin' ? admin : recipient;
  return postMultipart(p.baseUrl, `${c.url()}?_csrf=${encodeURIComponent(s.token)}`, c.parts(), {
    cookie: s.cookie,
  });
}

describe('hostile multipart bodies against the production heap', () => {
  const tmp = () => path.join(ctx.dataDir, 'tmp');

  it.each(CASES)(
    '$name ($at at once): refused with $expected, RSS within budget, /healthz answers',
    async (c) => {
      const p = portal!;
      const pid = p.pids.at(-1)!;
      const uploadsBefore = filesUnder(path.join(ctx.dataDir, 'uploads')).length;
      const { result, peakRssMb, health } = await watched(p.baseUrl, pid, () =>
        Promise.all(Array.from({ length: c.at }, () => request(c))),
      );
      const after = await healthz(p.baseUrl);
      figures.push(
        `${c.name} ×${c.at}: ${result.map((r) => r.status ?? r.error).join(',')}; peak ${peakRssMb} MB; ` +
          `sent before the answer ≤ ${Math.round(Math.max(...result.map((r) => r.sent)) / MB)} MB; ` +
          `slowest /healthz ${Math.max(...health.map((h) => h.ms))} ms`,
      );
      expect(p.running, `the portal died:\n${p.tail()}`).toBe(true);
      expect(result.map((r) => r.status)).toEqual(Array(c.at).fill(c.expected));
      expect(peakRssMb).toBeLessThan(RSS_BUDGET_MB);
      expect(health.length).toBeGreaterThan(0);
      expect(health.filter((h) => h.status !== 200)).toEqual([]);
      expect(after.status).toBe(200);
      expect(rssMb(pid)).not.toBeNull();
      // nothing stored, nothing left in the temporary area
      expect(filesUnder(path.join(ctx.dataDir, 'uploads')).length).toBe(uploadsBefore);
      // the temporary files go when each response ends
      await until(() => filesUnder(tmp()).length === 0);
      expect(filesUnder(tmp())).toEqual([]);
    },
  );

  it('a sender that ignores the 413 and keeps writing reads the answer, then is cut off within the bound', async () => {
    const p = portal!;
    const url = new URL(p.baseUrl);
    const socket = net.connect(Number(url.port), url.hostname);
    let answer = '';
    let written = 0;
    let closed = false;
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => (closed = true));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /support/new?_csrf=${encodeURIComponent(recipient.token)} HTTP/1.1\r\nHost: ${url.host}\r\n` +
        `Cookie: ${recipient.cookie}\r\nContent-Type: multipart/form-data; boundary=x\r\n` +
        `Content-Length: ${300 * MB}\r\n\r\n`,
    );
    // 200 MB at most, whatever the answer says: the portal drops at most 64 MB (or 5 s) of it, then closes
    const chunk = Buffer.alloc(MB, 0x61);
    while (!closed && written < 200 * MB) {
      written += chunk.length;
      if (!socket.write(chunk))
        await Promise.race([new Promise<void>((resolve) => socket.once('drain', () => resolve())), ended]);
    }
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(written).toBeLessThan(200 * MB);
    expect(p.running).toBe(true);
    expect((await healthz(p.baseUrl)).status).toBe(200);
  });

  it('stored nothing: no support request, no media', async () => {
    expect(await storedRows()).toEqual(stored);
  });

  it('still takes a real upload within the limits: stored, and no temporary file left behind', async () => {
    const p = portal!;
    const res = await postMultipart(
      p.baseUrl,
      `/support/new?_csrf=${encodeURIComponent(recipient.token)}`,
      [
        text('_csrf', recipient.token),
        text('description', 'Страница заказа не открывается'),
        {
          name: 'screenshots',
          filename: 'screen.png',
          contentType: 'image/png',
          head: PNG,
          size: PNG.length,
        },
      ],
      { cookie: recipient.cookie },
    );
    expect(res.status).toBe(303);
    const row = (await ctx.db('support_requests').orderBy('id', 'desc').first('id')) as { id: number };
    const files = (await ctx.db('support_attachments').where({ request_id: row.id })) as { sha256: string }[];
    expect(files).toHaveLength(1);
    expect(files[0]!.sha256).toBe(crypto.createHash('sha256').update(PNG).digest('hex'));
    await until(() => filesUnder(path.join(ctx.dataDir, 'tmp')).length === 0);
    expect(filesUnder(path.join(ctx.dataDir, 'tmp'))).toEqual([]);
  });
});
