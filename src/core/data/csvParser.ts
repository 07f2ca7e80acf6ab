// Splits CSV text into records of raw cell strings, keeping the line each record starts on so
// that errors can point at file:line. Knows nothing about numbers, headers or labels.

export interface CsvRecord {
  cells: string[];
  /** 1-based line on which the record starts (quoted cells may span lines). */
  line: number;
}

/**
 * RFC 4180 style: a cell that starts with a quote may contain the delimiter, line breaks and
 * doubled quotes. CRLF, LF and lone CR all end a record; blank lines are dropped.
 */
export function parseCsv(text: string, delimiter: string): CsvRecord[] {
  const separator = delimiter.length > 0 ? delimiter : ',';
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let cellWasQuoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;

  const endCell = () => {
    cells.push(cell);
    cell = '';
    cellWasQuoted = false;
  };
  const endRecord = () => {
    const isBlankLine = cells.length === 0 && cell.trim() === '' && !cellWasQuoted;
    if (!isBlankLine) {
      endCell();
      records.push({ cells, line: recordLine });
    }
    cells = [];
    cell = '';
    cellWasQuoted = false;
  };

  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (inQuotes) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (ch === '\n' || (ch === '\r' && source[i + 1] !== '\n')) line++;
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell.trim() === '' && !cellWasQuoted) {
      // Whitespace before an opening quote is tolerated and dropped, as spreadsheets write it.
      cell = '';
      cellWasQuoted = true;
      inQuotes = true;
      i++;
      continue;
    }
    if (source.startsWith(separator, i)) {
      endCell();
      i += separator.length;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && source[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    cell += ch;
    i++;
  }
  endRecord();
  return records;
}
