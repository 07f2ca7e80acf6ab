import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from 'jsonc-parser';
import { EditLog } from '../../../../src/core/diagnosis/fixes/editLog';

/** A small deterministic generator, so a failing case can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

describe('EditLog', () => {
  it('composes sequential edits into edits of the original text', () => {
    const log = new EditLog('abcdef');
    log.apply({ offset: 1, length: 1, content: 'XX' }); // aXXcdef
    log.apply({ offset: 5, length: 0, content: '!' }); // aXXcd!ef
    assert.equal(log.text, 'aXXcd!ef');
    assert.deepEqual(log.toOriginalEdits(), [{ offset: 1, length: 1, content: 'XX' }, { offset: 4, length: 0, content: '!' }]);
  });

  it('merges an edit that overlaps or touches an earlier one', () => {
    const log = new EditLog('0123456789');
    log.apply({ offset: 2, length: 2, content: 'ab' });
    log.apply({ offset: 3, length: 3, content: '' }); // removes "b45"
    assert.equal(log.text, '01a6789');
    assert.deepEqual(log.toOriginalEdits(), [{ offset: 2, length: 4, content: 'a' }]);
  });

  it('random sequences: the composed edits reproduce the text and are sorted and disjoint', () => {
    const random = generator(7);
    for (let round = 0; round < 500; round++) {
      const original = Array.from({ length: 30 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      const log = new EditLog(original);
      let expected = original;
      const steps = 1 + Math.floor(random() * 6);
      for (let s = 0; s < steps; s++) {
        const offset = Math.floor(random() * (expected.length + 1));
        const length = Math.floor(random() * Math.min(4, expected.length - offset + 1));
        const content = random() < 0.3 ? '' : 'XYZ'.slice(0, 1 + Math.floor(random() * 3));
        log.apply({ offset, length, content });
        expected = expected.slice(0, offset) + content + expected.slice(offset + length);
      }
      const edits = log.toOriginalEdits();
      assert.equal(log.text, expected);
      assert.equal(applyEdits(original, edits), expected, `round ${round}`);
      for (let i = 1; i < edits.length; i++) assert.ok(edits[i - 1].offset + edits[i - 1].length < edits[i].offset, `round ${round}: disjoint`);
    }
  });

  it('applyAll takes several edits computed on the same text', () => {
    const log = new EditLog('[a, b]');
    log.applyAll([{ offset: 2, length: 0, content: ', x' }, { offset: 5, length: 0, content: ', y' }]);
    assert.equal(log.text, '[a, x, b, y]');
  });
});
