// Ends process groups that e2e sessions recorded in .cache/pids/ and whose test process is gone
// (the runner calls this after a scenario process was killed):  node --import tsx test/e2e/harness/reap.ts

import { reapOrphans } from './processes';

reapOrphans((line) => console.log(`# ${line}`)).then(
  (n) => console.log(`# reaped ${n} process group(s)`),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
