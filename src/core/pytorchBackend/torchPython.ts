// Which Python runs the pytorch backend. One the user named (the setting trainingDoctor.pythonPath,
// `--python`, TRAINING_DOCTOR_PYTHON) is the only one tried: running another behind their back
// would train with a torch they did not choose. Otherwise the Python extension's interpreter
// (when the editor has one), then `python3`, `python` and, on Linux, `/usr/bin/python3`: the
// first that can import torch. Nothing found is one message naming every try and the fixes.

import { defaultPythonCandidates, probePython, type PythonCandidate, type PythonWithTorch } from '../python/findPython';

/** The CLI's environment variable naming the Python for the pytorch backend. */
export const PYTHON_ENV_VARIABLE = 'TRAINING_DOCTOR_PYTHON';

export interface CandidateChoice {
  /** A Python the user named: tried alone. */
  named?: PythonCandidate;
  /** Tried before the defaults (the Python extension's interpreter). */
  preferred?: PythonCandidate[];
  platform?: NodeJS.Platform;
}

export function pythonCandidates(choice: CandidateChoice): PythonCandidate[] {
  if (choice.named) return [choice.named];
  const all = [...(choice.preferred ?? []), ...defaultPythonCandidates(choice.platform)];
  return all.filter((c, i) => all.findIndex((d) => d.command === c.command) === i);
}

/** No candidate could import torch; the message says what was tried and what to do. */
export class TorchPythonMissingError extends Error {}

const HOW_TO_NAME = 'the setting trainingDoctor.pythonPath in VS Code, or `--python PATH` or the ' + PYTHON_ENV_VARIABLE + ' environment variable for the CLI';

export interface FoundPython extends PythonWithTorch {
  source: string;
  /** The candidates passed over before it, with why. */
  passedOver: string[];
}

export function findTorchPython(candidates: PythonCandidate[], probe = probePython): FoundPython {
  const passedOver: string[] = [];
  const reasons: string[] = [];
  for (const candidate of candidates) {
    const result = probe(candidate.command);
    if (result.ok) return { ...result.python, source: candidate.source, passedOver };
    reasons.push(result.reason);
    passedOver.push(`${result.reason} (${candidate.source})`);
  }
  const [only] = candidates;
  if (candidates.length === 1 && only.source !== 'PATH') {
    throw new TorchPythonMissingError(`The pytorch backend needs a Python that can import torch; the one named by ${only.source} cannot: ${reasons[0]}. ` +
      `Install PyTorch for it (\`${only.command} -m pip install torch\`) or name another Python: ${HOW_TO_NAME}. The TensorFlow.js backends ("backend": "auto") need no Python.`);
  }
  throw new TorchPythonMissingError(`The pytorch backend needs a Python that can import torch, and none was found. Tried: ${passedOver.join('; ')}. ` +
    `Install PyTorch (\`python3 -m pip install torch\`) or name a Python that has it: ${HOW_TO_NAME}. The TensorFlow.js backends ("backend": "auto") need no Python.`);
}
