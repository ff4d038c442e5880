/**
 * Who acts: the roles of the portal and the acting person as services see them. The web layer builds
 * an Actor from the session; services and rules take it and know nothing of HTTP.
 */
export type Role =
  | 'recipient'
  | 'guardian'
  | 'specialist'
  | 'employee'
  | 'admin'
  | 'operator'
  // an employee of a local executive body, bound to one region (src/modules/outreach)
  | 'local_executive';

/** What a login establishes about who is logged in and for whom they act (kept in the session). */
export interface SessionAuth {
  personId: number;
  name: string;
  roles: Role[];
  /** the organisation an employee acts for (from the certificate's OU=BIN…) */
  organisationId?: number;
  /** the directions of that organisation's activity (which cabinets it has) */
  directions?: string[];
  /** the employee administers the organisation's staff (refreshed on every request) */
  orgAdmin?: boolean;
  /** the person whose records a recipient or guardian works with: self or a ward */
  principalId: number;
  principalName: string;
  loginAt: string;
}

/** The acting person as services see it. */
export interface Actor {
  personId: number;
  principalId: number;
  roles: Role[];
  organisationId?: number;
}
