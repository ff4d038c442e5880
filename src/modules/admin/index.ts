import type { CoreServices } from '../index.js';
import { ContentService } from './content-service.js';
import { SiteService } from './site-service.js';
import { SupportService } from './support-service.js';
import { UsersService } from './users-service.js';
import { AuditLogService } from './audit-log-service.js';
import { ReportsService } from './reports-service.js';
import { ExchangeService } from './exchange-service.js';
import { FileStore } from './uploads.js';
import { ContentRepository } from './content-repository.js';
import { SiteRepository } from './site-repository.js';
import { SupportRepository } from './support-repository.js';
import { UsersRepository } from './users-repository.js';
import { AuditLogRepository } from './audit-log-repository.js';
import { ReportsRepository } from './reports-repository.js';
import { ExchangeRepository } from './exchange-repository.js';

/** Administration: content, registries, contact-centre requests, reports, exchange monitor. */
export function createAdminModule(core: CoreServices) {
  const { db, clock, config } = core;
  const files = new FileStore(core.files);
  const site = new SiteService(db, new SiteRepository(), clock, config);
  return {
    site,
    content: new ContentService(db, new ContentRepository(), clock, files),
    support: new SupportService(db, new SupportRepository(), clock, core.notifier, site, files),
    users: new UsersService(db, new UsersRepository(), clock, core.auth),
    auditLog: new AuditLogService(db, new AuditLogRepository()),
    reports: new ReportsService(db, new ReportsRepository(), clock),
    exchange: new ExchangeService(db, new ExchangeRepository(), core.outbox, core.devMailbox),
  };
}

export type AdminModule = ReturnType<typeof createAdminModule>;
