// Loads a user's CSV file (header row, one label column, every other column a numeric feature)
// and reports every problem it finds at once, each pointing at file:line, so one edit fixes all.

import { closestMatch } from '../config/closestMatch';
import { ConfigProblem, ConfigProblemError, JsonPath, problem } from '../config/configProblem';
import type { DatasetConfig } from '../config/trainConfig';
import { deriveSeed, SeededRandom } from '../random';
import { readRegularFile, type BoundedRead } from './boundedFileRead';
import { parseCsv } from './csvParser';
import { defaultDataAccess, resolveDataFile, type DataAccess } from './dataAccessPolicy';
import { DatasetExamples, shuffledCopy } from './dataset';

export type CsvDatasetConfig = Extract<DatasetConfig, { kind: 'csv' }>;

const CSV_PATH: JsonPath = ['data', 'dataset', 'csv'];
const LABEL_PATH: JsonPath = ['data', 'dataset', 'label'];
/** Beyond this many bad cells the user has a systematic problem; more lines would only bury it. */
const MAX_CELL_PROBLEMS = 10;
/**
 * The largest CSV file read (32 MB): parsed into cells it takes about ten times that, and an
 * endless or huge file must not take the editor's worker or the CI machine down with it.
 */
export const MAX_CSV_BYTES = 32 * 1024 * 1024;
/** A message names at most this many columns, and quotes no cell longer than MAX_QUOTED_CHARS: the file is data, not text to show. */
const MAX_LISTED_COLUMNS = 12;
const MAX_QUOTED_CHARS = 40;

/** `access`: where the file may be (see dataAccessPolicy); by default inside the config's project. */
export async function loadCsvExamples(config: CsvDatasetConfig, baseDir: string, seed: number, access: DataAccess = defaultDataAccess(baseDir)): Promise<DatasetExamples> {
  const file = config.csv;
  const text = await readCsvText(baseDir, file, access);
  const records = parseCsv(text, config.delimiter);
  if (records.length === 0) throw new ConfigProblemError([problem('data.csv-empty', CSV_PATH, `${file} is empty: it needs a header row and at least one data row.`)]);
  const header = records[0].cells.map((name) => name.trim());
  const rows = records.slice(1);
  if (rows.length === 0) throw new ConfigProblemError([problem('data.csv-empty', CSV_PATH, `${file} has a header row but no data rows.`)]);

  const labelColumn = header.indexOf(config.label);
  if (labelColumn < 0) throw new ConfigProblemError([labelMissingProblem(config.label, header, file)]);
  if (header.length < 2) throw new ConfigProblemError([problem('data.csv-empty', CSV_PATH, `${file} has only the label column "${config.label}"; there are no feature columns to learn from.`)]);

  const featureSize = header.length - 1;
  const cellProblems = new CellProblems();
  const x = new Float32Array(rows.length * featureSize);
  const rawLabels: (string | undefined)[] = [];
  rows.forEach((record, row) => {
    const where = `${file}:${record.line}`;
    if (record.cells.length !== header.length) {
      cellProblems.add(problem('data.csv-ragged-row', CSV_PATH, `${where}: the row has ${record.cells.length} cells but the header has ${header.length}.`));
      // Which cell is the label is unknowable in a ragged row, so it gets no label (and no second complaint).
      rawLabels.push(undefined);
      return;
    }
    let feature = 0;
    record.cells.forEach((cell, column) => {
      if (column === labelColumn) {
        rawLabels.push(cell.trim());
        return;
      }
      const value = parseFiniteNumber(cell);
      if (value === undefined) cellProblems.add(notNumericProblem(where, header[column], cell));
      else x[row * featureSize + feature] = value;
      feature++;
    });
  });

  const places = rows.map((record) => `${file}:${record.line}`);
  const labels = config.task === 'regression'
    ? regressionTargets(rawLabels, places, config.label, cellProblems)
    : classIndices(rawLabels, places, config.label, cellProblems);
  cellProblems.throwIfAny();

  const examples = shuffledCopy({ x, y: labels.y, count: rows.length }, featureSize, new SeededRandom(deriveSeed(seed, 'csv-order')));
  return {
    task: config.task,
    inputShape: [featureSize],
    featureSize,
    numClasses: labels.classNames ? labels.classNames.length : 1,
    classNames: labels.classNames,
    examples,
    description: `CSV ${file} (${rows.length} rows, label "${config.label}")`,
  };
}

async function readCsvText(baseDir: string, file: string, access: DataAccess): Promise<string> {
  const decision = resolveDataFile(baseDir, file, access);
  if (decision.type === 'refused') throw csvProblem('data.outside-workspace', decision.message);
  const resolved = decision.path;
  let read: BoundedRead;
  try {
    read = await readRegularFile(resolved, MAX_CSV_BYTES);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw csvProblem('data.unreadable', `The CSV file "${file}" cannot be read (${reason}; looked at ${resolved}).`);
  }
  switch (read.type) {
    case 'text':
      return read.text;
    case 'missing':
    case 'directory': {
      const why = read.type === 'directory' ? 'is a directory, not a file' : 'does not exist';
      throw csvProblem('data.file-not-found', `The CSV file "${file}" ${why} (looked at ${resolved}; relative paths start from the config file's folder).`);
    }
    case 'not-a-file':
      throw csvProblem('data.not-a-regular-file', `The CSV file "${file}" (${resolved}) is ${read.kind}, not a regular file; only regular files are read.`);
    case 'too-large':
      throw csvProblem('data.csv-too-large', `The CSV file "${file}" is larger than ${read.limit / (1024 * 1024)} MB, the most a CSV may hold; use a sample of it, or several smaller files.`);
  }
}

function csvProblem(code: string, message: string): ConfigProblemError {
  return new ConfigProblemError([problem(code, CSV_PATH, message)]);
}

/**
 * A piece of the file as a message may show it: a short one quoted, a long one only described,
 * since a long "column name" is most likely a whole line of a file that is not a CSV at all.
 */
function quoted(text: string, what: string): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length > MAX_QUOTED_CHARS ? `(a ${flat.length}-character ${what})` : `"${flat}"`;
}

function labelMissingProblem(label: string, header: string[], file: string): ConfigProblem {
  const suggestion = closestMatch(label, header);
  const hint = suggestion !== undefined ? ` Did you mean ${quoted(suggestion, 'name')}?` : '';
  const listed = header.slice(0, MAX_LISTED_COLUMNS).map((name) => quoted(name, 'name')).join(', ');
  const more = header.length > MAX_LISTED_COLUMNS ? ` and ${header.length - MAX_LISTED_COLUMNS} more` : '';
  return problem('data.csv-label-missing', LABEL_PATH, `${file} has no column "${label}". Its columns are ${listed}${more}.${hint}`);
}

function notNumericProblem(where: string, column: string, cell: string) {
  const what = cell.trim() === '' ? 'is empty' : `has ${quoted(cell, 'value')}, which is not a finite number`;
  return problem('data.csv-not-numeric', CSV_PATH, `${where}: column ${quoted(column, 'name')} ${what}.`);
}

function parseFiniteNumber(cell: string): number | undefined {
  const trimmed = cell.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

function regressionTargets(raw: (string | undefined)[], where: string[], label: string, problems: CellProblems): { y: Float32Array; classNames?: string[] } {
  const y = new Float32Array(raw.length);
  raw.forEach((cell, row) => {
    if (cell === undefined) return;
    const value = parseFiniteNumber(cell);
    if (value === undefined) problems.add(notNumericProblem(where[row], label, cell));
    else y[row] = value;
  });
  return { y };
}

/** Distinct labels become classes in sorted order (numerically when all are numbers), so "2" < "10". */
function classIndices(raw: (string | undefined)[], where: string[], label: string, problems: CellProblems): { y: Float32Array; classNames: string[] } {
  raw.forEach((cell, row) => {
    if (cell === '') problems.add(problem('data.csv-empty-label', CSV_PATH, `${where[row]}: the label column "${label}" is empty.`));
  });
  const present = raw.filter((cell): cell is string => cell !== undefined && cell !== '');
  const allNumeric = present.length > 0 && present.every((cell) => parseFiniteNumber(cell) !== undefined);
  // Numeric labels are keyed by value so that "1" and "1.0" are one class.
  const keyOf = (cell: string) => (allNumeric ? String(parseFiniteNumber(cell)) : cell);
  const nameOfKey = new Map<string, string>();
  for (const cell of present) if (!nameOfKey.has(keyOf(cell))) nameOfKey.set(keyOf(cell), cell);
  const keys = [...nameOfKey.keys()].sort(allNumeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const indexOfKey = new Map(keys.map((key, index) => [key, index]));
  const y = new Float32Array(raw.length);
  raw.forEach((cell, row) => {
    if (cell !== undefined && cell !== '') y[row] = indexOfKey.get(keyOf(cell)) ?? 0;
  });
  return { y, classNames: keys.map((key) => nameOfKey.get(key) ?? key) };
}

/** Collects bad-cell problems, keeping the first few in full and counting the rest. */
class CellProblems {
  private readonly kept: ConfigProblem[] = [];
  private omitted = 0;

  add(found: ConfigProblem): void {
    if (this.kept.length < MAX_CELL_PROBLEMS) this.kept.push(found);
    else this.omitted++;
  }

  throwIfAny(): void {
    if (this.kept.length === 0) return;
    const all = [...this.kept];
    if (this.omitted > 0) {
      all.push(problem('data.csv-more-errors', CSV_PATH, `…and ${this.omitted} more problem${this.omitted === 1 ? '' : 's'} like these in the same file.`));
    }
    throw new ConfigProblemError(all);
  }
}
