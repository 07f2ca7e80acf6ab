// Whether an open JSON file is a model definition `Training Doctor: Import Model…` can read, told
// from its first few kilobytes (the editor asks on every JSON file, so no full parse): a TF.js
// model.json has "modelTopology"; Keras to_json() output has "class_name" with "keras_version"
// (Keras 2) or "module": "keras…" (Keras 3).

const HEAD = 4096;

export function looksLikeKerasModel(fileName: string, text: string): boolean {
  if (fileName.endsWith('.train.json')) return false;
  const head = text.slice(0, HEAD);
  if (!/^\s*\{/.test(head)) return false;
  if (/"modelTopology"\s*:/.test(head)) return !/"format"\s*:\s*"graph-model"/.test(head);
  if (!/"class_name"\s*:/.test(head)) return false;
  return /"keras_version"\s*:/.test(head) || /"module"\s*:\s*"keras/.test(head) || /"class_name"\s*:\s*"(Sequential|Functional|Model)"/.test(head);
}
