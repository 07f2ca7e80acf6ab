// Shared helpers of the data loader tests.

import assert from 'node:assert/strict';
import { ConfigProblemError, type ConfigProblem } from '../../../src/core/config/configProblem';

/** The problems a loader rejects with (fails when it resolves, or throws anything else). */
export async function problemsOf(promise: Promise<unknown>): Promise<ConfigProblem[]> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConfigProblemError, String(error));
    return error.problems;
  }
  assert.fail('expected a ConfigProblemError');
}
