import path from 'node:path';
import type { CoreServices } from '../index.js';
import { ContentService } from './content-service.js';
import { SiteService } from './site-service.js';
import { SupportService } from './support-service.js';
import { UsersService } from './users-service.js';
import { AuditLogService } from './audit-log-service.js';
import { ReportsService } from './reports-service.js';
import { ExchangeService } from './exchange-service.js';
import { FileStore } from './uploads.js';

/** Administration: content, registries, contact-centre requests, reports, exchange monitor. */
export function createAdminModule(core: CoreServices) {
  const files = new FileStore(path.join(core.config.dataDir, 'uploads'));
  const site = new SiteService(core.db, core.clock, core.config);
  return {
    site,
    content: new ContentService(core.db, core.clock, files),
    support: new SupportService(core.db, core.clock, core.notifier, site, files),
    users: new UsersService(core.db, core.clock, core.auth),
    auditLog: new AuditLogService(core.db),
    reports: new ReportsService(core.db, core.clock),
    exchange: new ExchangeService(core.db, core.outbox, core.devMailbox),
  };
}

export type AdminModule = ReturnType<typeof createAdminModule>;
