import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

describe('configuration', () => {
  it('is documented: every variable of the schema is in the README’s configuration table', () => {
    const schema = fs.readFileSync('src/config.ts', 'utf8');
    const variables = [...schema.matchAll(/^ {4}([A-Z][A-Z0-9_]+): z\./gm)].map((m) => m[1]!);
    expect(variables).toContain('HOST');
    const readme = fs.readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## How it is built'));
    const missing = variables.filter((v) => !table.includes(`\`${v}\``));
    expect(missing).toEqual([]);
  });

  it('has working development defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.NODE_ENV).toBe('development');
    expect(c.dataDir.endsWith('/var')).toBe(true);
    expect(c.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
  });
  it('lists every bad variable in one message', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect(msg).toContain('PORT');
    expect(msg).toContain('LOG_LEVEL');
    expect(msg).toContain('DATABASE_URL');
  });
  it('requires real secrets and addresses in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /SESSION_SECRET[\s\S]*DATABASE_URL[\s\S]*BASE_URL[\s\S]*EDS_TRUST_ANCHORS/,
    );
  });
  it('the dev stand listens on 127.0.0.1 unless HOST opens it; production on every interface', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    const prod = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://u:p@db/portal',
      BASE_URL: 'https://portal.example',
      EDS_TRUST_ANCHORS: '/dev/null',
    };
    expect(loadConfig(prod).HOST).toBe('0.0.0.0');
    expect(loadConfig({ ...prod, HOST: '10.0.0.5' }).HOST).toBe('10.0.0.5');
  });
});
