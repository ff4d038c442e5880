import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../../src/config.js';
import { MAX_BODY_BYTES, UPLOADS, totalBytesOf } from '../../../src/web/uploads.js';

const MIB = 1024 * 1024;

function nginxBodyLimit(): number {
  const conf = fs.readFileSync(path.join(ROOT_DIR, 'deploy', 'nginx.conf'), 'utf8');
  const m = /^\s*client_max_body_size\s+(\d+)([kKmM]?)\s*;/m.exec(conf);
  if (!m) throw new Error('deploy/nginx.conf sets no client_max_body_size');
  const unit = { '': 1, k: 1024, m: MIB }[m[2]!.toLowerCase() as '' | 'k' | 'm'];
  return Number(m[1]) * unit;
}

describe('upload limits', () => {
  it('nginx lets through the largest body the portal takes, and not a megabyte more', () => {
    const nginx = nginxBodyLimit();
    expect(nginx).toBeGreaterThanOrEqual(MAX_BODY_BYTES);
    expect(nginx - MAX_BODY_BYTES).toBeLessThan(MIB);
  });

  it('every route bounds its whole body: files at their largest, every field full, part headers', () => {
    for (const limits of Object.values(UPLOADS)) {
      const files = Object.values(limits.files).reduce((n, f) => n + f.count * f.bytes, 0);
      expect(totalBytesOf(limits)).toBeGreaterThan(files + limits.fields * limits.fieldBytes);
      expect(totalBytesOf(limits)).toBeLessThanOrEqual(MAX_BODY_BYTES);
      expect(limits.fieldBytes).toBeLessThanOrEqual(16 * 1024);
    }
    // the act scan route takes one file of 10 MB, not the video route's 25
    expect(totalBytesOf(UPLOADS.actScan)).toBeLessThan(11 * MIB);
    expect(totalBytesOf(UPLOADS.goodsPhoto)).toBeLessThan(6 * MIB);
  });
});
