// A small, strict argument parser for the `training-doctor` command: positional arguments plus
// known flags (boolean or valued). Unknown flags are errors, not silently ignored.

export interface FlagSpec {
  /** Takes a value (`--out DIR`) rather than being a switch (`--json`). */
  value?: boolean;
}

export interface ParsedArguments {
  positionals: string[];
  flags: Record<string, string | true>;
}

export class UsageError extends Error {}

export function parseArguments(argv: string[], spec: Record<string, FlagSpec>): ParsedArguments {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const flag = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!flag) throw new UsageError(`Unknown option --${name}.`);
    if (!flag.value) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value.`);
      flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
    flags[name] = value;
  }
  return { positionals, flags };
}

export function positiveInteger(flags: ParsedArguments['flags'], name: string): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw === true || !Number.isInteger(value) || value < 1) throw new UsageError(`--${name} needs a whole number of at least 1, not ${JSON.stringify(raw)}.`);
  return value;
}
