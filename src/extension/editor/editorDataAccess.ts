// Where the editor lets a config's data come from. In Restricted Mode (a workspace VS Code does
// not trust) a config is someone else's text, so its data is read only inside the workspace
// folders; a trusted workspace reads data wherever its configs say, as the CLI does when told to.

import { DATA_ANYWHERE, dataInside, type DataAccess } from '../../core/data/dataAccessPolicy';

export function editorDataAccess(trusted: boolean, workspaceFolders: string[]): DataAccess {
  if (trusted) return DATA_ANYWHERE;
  return dataInside(workspaceFolders, 'This workspace is in Restricted Mode, so data is read only inside its folders; trust the workspace to read data elsewhere.');
}
