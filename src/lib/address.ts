/** A postal address as the portal keeps it (persons' addresses, delivery addresses). */
export interface Address {
  region?: string | null;
  locality?: string | null;
  street?: string | null;
  house?: string | null;
  flat?: string | null;
}

/** The address in one line: «Астана, ул. Абая, 10, кв. 5» (the region first when asked for). */
export function addressLine(a: Address | null | undefined, withRegion = true): string {
  if (!a) return '';
  return [withRegion ? a.region : '', a.locality, a.street, a.house, a.flat ? `кв. ${a.flat}` : '']
    .filter(Boolean)
    .join(', ');
}
