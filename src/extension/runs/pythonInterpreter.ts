// The Python for the pytorch backend, as the editor knows it: the setting trainingDoctor.pythonPath
// (the user named it: used alone), else the interpreter selected in the Python extension
// (ms-python.python) when it is installed, tried before python3, python and /usr/bin/python3.
// The Python extension is activated only when a pytorch run needs it, and any failure of its API
// (absent, older, slow to activate) just leaves the defaults.

import * as vscode from 'vscode';
import type { StartMessage } from '../../core/trainerProcess/trainerProtocol';

const PYTHON_EXTENSION = 'ms-python.python';
/** Activating the Python extension can take a while; a run does not wait longer than this for it. */
const ACTIVATION_TIMEOUT_MS = 15_000;

/** The parts of the Python extension's API used here (both its environments API and the older settings API). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path?: string } | undefined;
    resolveEnvironment?(environment: { path?: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined };
}

export async function pythonChoiceFor(resource: vscode.Uri): Promise<NonNullable<StartMessage['python']>> {
  const setting = vscode.workspace.getConfiguration('trainingDoctor', resource).get<string>('pythonPath')?.trim();
  if (setting) return { named: { command: setting, source: 'the setting trainingDoctor.pythonPath' } };
  const selected = await selectedInterpreter(resource);
  return selected ? { preferred: [{ command: selected, source: 'the interpreter selected in the Python extension' }] } : {};
}

async function selectedInterpreter(resource: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await withTimeout(Promise.resolve(extension.activate()), ACTIVATION_TIMEOUT_MS);
    if (!api) return undefined;
    const environment = api.environments?.getActiveEnvironmentPath?.(resource);
    if (environment) {
      const resolved = await withTimeout(Promise.resolve(api.environments?.resolveEnvironment?.(environment)), ACTIVATION_TIMEOUT_MS);
      const executable = resolved?.executable?.uri?.fsPath ?? environment.path;
      if (executable) return executable;
    }
    const command = api.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
    return typeof command === 'string' && command ? command : undefined;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, () => { clearTimeout(timer); resolve(undefined); });
  });
}
