// `training-doctor lint`: every problem of a config, located, without running anything.

import { EXIT, reportProblems, type CommandContext } from '../commandContext';

export async function runLint({ file, flags, stdout, stderr }: CommandContext): Promise<number> {
  const json = flags.json === true;
  const ok = reportProblems(file, json, stderr);
  if (json) {
    stdout.write(JSON.stringify({ file: file.filePath, problems: file.problems, findings: [] }, null, 2) + '\n');
  } else if (ok) {
    const warnings = file.problems.length;
    stdout.write(`${file.config?.name ?? file.filePath}: no errors${warnings ? `, ${warnings} warning(s)` : ''}.\n`);
  }
  return ok ? EXIT.ok : EXIT.failed;
}
