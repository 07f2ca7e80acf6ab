// Named moments of a run where the fault-injection tests kill the process (kill -9) to check what
// a run folder holds then. With TRAINING_DOCTOR_FAULT_POINT=<name> in its environment, the process
// prints `fault-point <name>` on stderr when it gets there and waits, so a test can kill it at
// exactly that moment instead of guessing by time. Without the variable this does nothing.

export type FaultPoint =
  /** The run folder exists (run.json says running), the data is not loaded, no run-started yet. */
  | 'before-run-started'
  /** The model's weights are written, its model.json is not. */
  | 'model-save';

export const FAULT_POINT_VARIABLE = 'TRAINING_DOCTOR_FAULT_POINT';

export async function faultPoint(name: FaultPoint): Promise<void> {
  if (process.env[FAULT_POINT_VARIABLE] !== name) return;
  process.stderr.write(`fault-point ${name}\n`);
  // A timer keeps the process alive while it waits for its kill.
  await new Promise(() => setInterval(() => undefined, 60_000));
}
