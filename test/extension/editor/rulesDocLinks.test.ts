import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ruleCatalog } from '../../../src/core/diagnosis/diagnosisRegistry';
import { anchorLines, docsFragment } from '../../../src/extension/editor/rulesDocLinks';

describe('links from diagnostics to docs/rules.md', () => {
  const markdown = fs.readFileSync(path.resolve(__dirname, '../../../docs/rules.md'), 'utf8');
  const lines = anchorLines(markdown);
  const text = markdown.split('\n');

  it('land on the heading of every rule', () => {
    for (const rule of ruleCatalog()) {
      const fragment = docsFragment(rule.id, lines);
      assert.match(fragment, /^L\d+$/, rule.id);
      assert.equal(text[Number(fragment.slice(1)) - 1], `### ${rule.id}`);
    }
  });

  it('fall back to the anchor name when the line is unknown', () => {
    assert.equal(docsFragment('no.such-rule', lines), 'no.such-rule');
  });
});
