// `training-doctor lint`: every problem of a config, located, and the static findings (the rules
// that need no training), without running anything. Exit 1 on errors (problems or findings).

import { locatePath } from '../../core/config/parseConfig';
import { lintFindings } from '../../core/diagnosis/lintConfig';
import { EXIT, reportProblems, type CommandContext } from '../commandContext';
import { formatFinding } from '../../core/report/textFormat';
import { location } from '../formatting';

export async function runLint({ file, flags, stdout }: CommandContext): Promise<number> {
  const json = flags.json === true;
  // Problems and findings are both lint's output: stdout, in the order of the file's checks.
  const valid = reportProblems(file, json, stdout);
  const { findings } = await lintFindings(file);
  const failing = !valid || findings.some((f) => f.severity === 'error');
  if (json) {
    const located = findings.map((f) => ({
      ...f,
      range: locatePath(f.path, file.tree, file.text),
      related: f.related?.map((r) => ({ ...r, range: locatePath(r.path, file.tree, file.text) })),
    }));
    stdout.write(JSON.stringify({ file: file.filePath, problems: file.problems, findings: located }, null, 2) + '\n');
    return failing ? EXIT.failed : EXIT.ok;
  }
  for (const f of findings) {
    stdout.write(formatFinding(f, location(file.filePath, locatePath(f.path, file.tree, file.text))) + '\n');
    // A grouped finding's other places, as compiler notes: editors and CI logs link each one.
    for (const r of f.related?.slice(1) ?? []) {
      const where = r.layer !== undefined ? `layer ${r.layer}` : 'also';
      stdout.write(`${location(file.filePath, locatePath(r.path, file.tree, file.text))}: note ${f.rule}: ${where}: ${r.message.split('. ')[0]}.\n`);
    }
  }
  if (valid) {
    const counts = ['error', 'warning', 'info'].map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    stdout.write(`${file.config?.name ?? file.filePath}: valid${counts.length ? `; findings: ${counts.map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`).join(', ')}` : ', no findings'}.\n`);
  }
  return failing ? EXIT.failed : EXIT.ok;
}
