/** KazPost track numbers: two letters, nine digits, two letters (UPU S10), e.g. RR123456785KZ. */
export function isValidS10(track: string): boolean {
  const m = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/.exec(track);
  if (!m) return false;
  const digits = [...m[2]!].map(Number);
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = digits.reduce((acc, d, i) => acc + d * weights[i]!, 0);
  let check = 11 - (sum % 11);
  if (check === 10) check = 0;
  if (check === 11) check = 5;
  return check === Number(m[3]);
}
