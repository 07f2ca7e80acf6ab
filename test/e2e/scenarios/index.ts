// The scenarios, in the order the runner runs them (their numbers on the command line).

import type { Scenario } from '../harness/scenario';
import { s1QuickFix } from './s1QuickFix';
import { s2Train } from './s2Train';
import { s3FixFinding } from './s3FixFinding';
import { s4Stop } from './s4Stop';
import { s5Reload } from './s5Reload';
import { s6Untrusted } from './s6Untrusted';
import { s7TensorboardLogs } from './s7TensorboardLogs';
import { s8Import } from './s8Import';
import { s9ImportKerasWorkspace } from './s9ImportKerasWorkspace';
import { s10Pytorch } from './s10Pytorch';

export const allScenarios: Scenario[] = [s1QuickFix, s2Train, s3FixFinding, s4Stop, s5Reload, s6Untrusted, s7TensorboardLogs, s8Import, s9ImportKerasWorkspace, s10Pytorch];
