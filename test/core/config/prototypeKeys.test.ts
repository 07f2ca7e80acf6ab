// Keys that name Object.prototype members (__proto__, constructor, toString, ...) are ordinary
// unknown properties: they must be reported where they stand, never select a schema or a default,
// and never reach (or change) a prototype.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSettings, unknownThresholds } from '../../../src/core/diagnosis/ruleSettings';
import type { RuleMeta } from '../../../src/core/diagnosis/rule';
import { configText, parse, parseValid } from './configTestHelpers';

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

/** A config text with `"key": value` written into the object at `where` (a raw edit: JSON.stringify drops __proto__). */
function withKey(text: string, anchor: string, key: string, value: string): string {
  const at = text.indexOf(anchor);
  assert.ok(at >= 0, `test setup: ${anchor} is in the text`);
  return `${text.slice(0, at)}"${key}": ${value}, ${text.slice(at)}`;
}

describe('object-prototype keys in a config', () => {
  it('"training": {"__proto__": {"loss": ...}} is an unknown property and does not set the loss', () => {
    const text = withKey(configText(), '"epochs"', '__proto__', '{"loss": "notALoss"}');
    const { problems, config } = parse(text);
    assert.deepEqual(problems.map((p) => [p.code, p.path.join('.')]), [['schema.unknown-property', 'training.__proto__']]);
    assert.equal(config, undefined);
    assert.equal(({} as Record<string, unknown>).loss, undefined, 'Object.prototype is untouched');
  });

  for (const key of PROTOTYPE_KEYS) {
    it(`"${key}" inside a layer is reported as an unknown property, located on the key`, () => {
      const text = withKey(configText(), '"units": 256', key, '{"x": 1}');
      const { problems, config } = parse(text);
      assert.deepEqual(problems.map((p) => [p.code, p.path.join('.')]), [['schema.unknown-property', `model.layers.0.${key}`]]);
      const range = problems[0].range!;
      assert.equal(text.slice(range.offset, range.offset + range.length), `"${key}"`);
      assert.equal(config, undefined);
    });

    it(`"${key}" at the top level is reported too`, () => {
      const text = withKey(configText(), '"data"', key, '1');
      assert.deepEqual(parse(text).problems.map((p) => [p.code, p.path.join('.')]), [['schema.unknown-property', key]]);
    });
  }

  it('a rule id "__proto__" in diagnostics.rules is kept as an own key (an unknown rule), not as a prototype', () => {
    const text = withKey(configText({ top: { diagnostics: { rules: { 'init.symmetry': { severity: 'off' } } } } }), '"init.symmetry"', '__proto__', '{"severity": "error"}');
    const config = parseValid(text);
    const rules = config.diagnostics.rules;
    assert.equal(Object.getPrototypeOf(rules), Object.prototype);
    assert.ok(Object.hasOwn(rules, '__proto__'));
    assert.deepEqual(Object.keys(rules).sort(), ['__proto__', 'init.symmetry']);
    const meta: RuleMeta = { id: 'init.symmetry', defaultSeverity: 'warning', thresholds: {}, docs: '', fixes: [] } as unknown as RuleMeta;
    assert.deepEqual(unknownThresholds([meta], config), [{ rule: '__proto__', name: '' }]);
  });

  it('thresholds named like prototype members are unknown thresholds, never set', () => {
    const config = parseValid(configText({ top: { diagnostics: { rules: { 'init.symmetry': { severity: 'info', constructor: 3, toString: 2 } } } } }));
    const meta = { id: 'init.symmetry', defaultSeverity: 'warning', thresholds: { tolerance: 1 }, docs: '', fixes: [] } as unknown as RuleMeta;
    const settings = resolveSettings(meta, config);
    assert.deepEqual(settings.thresholds, { tolerance: 1 });
    assert.equal(settings.severity, 'info');
    assert.deepEqual(unknownThresholds([meta], config), [{ rule: 'init.symmetry', name: 'constructor' }, { rule: 'init.symmetry', name: 'toString' }]);
  });

  it('a rule id named like a prototype member does not resolve to inherited settings', () => {
    const config = parseValid(configText());
    const meta = { id: 'constructor', defaultSeverity: 'warning', thresholds: {}, docs: '', fixes: [] } as unknown as RuleMeta;
    assert.equal(resolveSettings(meta, config).severity, 'warning');
  });
});
