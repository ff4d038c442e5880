/** How a person's name is written: in full on their own pages, masked on public ones. */
export interface PersonName {
  surname: string;
  name: string;
  patronymic: string | null;
}

export function fullName(p: PersonName): string {
  return [p.surname, p.name, p.patronymic].filter(Boolean).join(' ');
}

/** "ИВАНОВ П. С." — what public pages may show of a person. */
export function maskedName(p: PersonName): string {
  const initials = [p.name, p.patronymic]
    .filter(Boolean)
    .map((x) => `${x!.charAt(0)}.`)
    .join(' ');
  return `${p.surname.charAt(0)}*** ${initials}`.trim();
}
