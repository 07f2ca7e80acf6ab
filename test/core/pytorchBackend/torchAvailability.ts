// For the tests that need a real Python with torch: false where one is found, else why not (the
// skip message).

import { findTorchPython, pythonCandidates, TorchPythonMissingError } from '../../../src/core/pytorchBackend/torchPython';

export function noTorchReason(): string | false {
  try {
    findTorchPython(pythonCandidates({}));
    return false;
  } catch (error) {
    if (error instanceof TorchPythonMissingError) return `no Python with torch here: ${error.message}`;
    throw error;
  }
}
