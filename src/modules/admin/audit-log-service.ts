import type { Knex } from 'knex';
import type { AuditFilter, AuditLogRepository, AuditRow } from './audit-log-repository.js';

export { AUDIT_SOURCES, type AuditFilter, type AuditRow, type AuditSource } from './audit-log-repository.js';

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_CSV_LIMIT = 50_000;

/**
 * The journal of every state change and signed document: the audit log, the order events and the
 * signed documents, in one time-ordered list with filters.
 */
export class AuditLogService {
  constructor(
    private readonly db: Knex,
    private readonly repo: AuditLogRepository,
  ) {}

  async list(f: AuditFilter, page = 1): Promise<{ rows: AuditRow[]; total: number; pageSize: number }> {
    const offset = (Math.max(1, page) - 1) * AUDIT_PAGE_SIZE;
    const { rows, total } = await this.repo.page(this.db, f, AUDIT_PAGE_SIZE, offset);
    return { rows, total, pageSize: AUDIT_PAGE_SIZE };
  }

  /** Everything the filter matches, oldest first (for CSV export). */
  async all(f: AuditFilter): Promise<AuditRow[]> {
    return this.repo.all(this.db, f, AUDIT_CSV_LIMIT);
  }
}
