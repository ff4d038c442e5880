import type { Response } from 'express';
import type { TFunction } from 'i18next';
import { toCsv, type CsvCell } from '../../lib/csv.js';

/** One column of an export: the text key of its heading and the cell of a row. */
export type CsvColumn<R> = readonly [heading: string, cell: (row: R) => CsvCell];

/** Sends rows as a CSV download, the headings in the reader's language. */
export function sendCsvTable<R>(
  res: Response,
  fileName: string,
  t: TFunction,
  columns: readonly CsvColumn<R>[],
  rows: readonly R[],
): void {
  sendCsv(
    res,
    fileName,
    toCsv(
      columns.map(([heading]) => t(heading)),
      rows.map((r) => columns.map(([, cell]) => cell(r))),
    ),
  );
}

/** Sends a CSV export as a download that no cache keeps. */
export function sendCsv(res: Response, fileName: string, csv: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(csv);
}
