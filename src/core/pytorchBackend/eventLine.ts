// One line of the PyTorch script's stdout, read as a training event without trusting it: JSON
// (with Python's bare NaN and Infinity, which `json.dumps` writes by default), then the same field
// checks as a run folder's events. A line that is not a good event gives a located problem.

import { readEvent } from '../dashboard/trainingEventValidation';
import { PayloadIssues, PayloadReader } from '../dashboard/payloadReader';
import type { TrainingEvent } from '../engine/trainingEvents';

export type EventLine =
  | { kind: 'event'; event: TrainingEvent; /** Parts of the event that were dropped (a bad metric), located. */ notes: string[] }
  | { kind: 'problem'; message: string }
  | { kind: 'blank' };

const SENTINEL = '\u0000py:';
const PYTHON_NUMBERS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Bare NaN / Infinity / -Infinity outside strings become marked strings, which the reviver turns back. */
function markPythonNumbers(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        out += c + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inString = false;
      out += c;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const word = text.startsWith('NaN', i) ? 'NaN' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('-Infinity', i) ? '-Infinity' : undefined;
    if (word) {
      out += JSON.stringify(SENTINEL + word);
      i += word.length - 1;
      continue;
    }
    out += c;
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
    return JSON.parse(markPythonNumbers(text), (_key, value) =>
      typeof value === 'string' && value.startsWith(SENTINEL) && value.slice(SENTINEL.length) in PYTHON_NUMBERS ? PYTHON_NUMBERS[value.slice(SENTINEL.length)] : value);
  }
}

const QUOTED = 120;

export function readEventLine(line: string, lineNumber: number): EventLine {
  if (line.trim() === '') return { kind: 'blank' };
  const at = `stdout line ${lineNumber}`;
  let value: unknown;
  try {
    value = parseJson(line);
  } catch (error) {
    const quoted = line.length > QUOTED ? `${line.slice(0, QUOTED)}…` : line;
    return { kind: 'problem', message: `${at}: not a JSON event (${error instanceof Error ? error.message : String(error)}): ${quoted}` };
  }
  const issues = new PayloadIssues();
  const reader = new PayloadReader(issues);
  const event = reader.attempt(() => readEvent.call(reader, value, at));
  if (!event) return { kind: 'problem', message: `${at}: not a valid training event: ${issues.summary()}` };
  return { kind: 'event', event, notes: issues.notes.length > 0 ? [issues.summary()] : [] };
}
