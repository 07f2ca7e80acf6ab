// Where things are, for the CLI: paths relative to the working directory and located problems in
// the compiler style that editors and CI logs link (file:line:col).

import * as path from 'node:path';
import type { ConfigProblem, SourceRange } from '../core/config/configProblem';

export function relativeToCwd(filePath: string): string {
  const relative = path.relative(process.cwd(), filePath);
  return relative && !relative.startsWith('..') ? relative : filePath;
}

export function location(filePath: string, range: SourceRange | undefined): string {
  return range ? `${relativeToCwd(filePath)}:${range.line}:${range.column}` : relativeToCwd(filePath);
}

export function formatProblem(filePath: string, p: ConfigProblem): string {
  return `${location(filePath, p.range)}: ${p.severity} ${p.code}: ${p.message}`;
}
