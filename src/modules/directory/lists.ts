/**
 * Lists of the domain that several areas and the dev stand's demo data share: the directions an
 * organisation works in and the regions of Kazakhstan. Declared here once; the others import them.
 */

/** Supplier directions (rules, item 13). */
export const DIRECTIONS = [
  'special_social_services',
  'tsr_sales',
  'sanatorium',
  'sign_language',
  'individual_assistant',
] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Regions of Kazakhstan as the state registries write them (persons.region, organisations.region). */
export const KZ_REGIONS = [
  'г. Астана',
  'г. Алматы',
  'г. Шымкент',
  'Абайская область',
  'Акмолинская область',
  'Актюбинская область',
  'Алматинская область',
  'Атырауская область',
  'Восточно-Казахстанская область',
  'Жамбылская область',
  'Жетысуская область',
  'Западно-Казахстанская область',
  'Карагандинская область',
  'Костанайская область',
  'Кызылординская область',
  'Мангистауская область',
  'Павлодарская область',
  'Северо-Казахстанская область',
  'Туркестанская область',
  'Улытауская область',
] as const;
export type KzRegion = (typeof KZ_REGIONS)[number];
