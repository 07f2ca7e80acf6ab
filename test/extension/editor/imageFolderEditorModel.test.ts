// The editor's image-folder features without VS Code: the hover's facts and text, the path
// completion, and the data cache noticing an image added to a class folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { dataInside } from '../../../src/core/data/dataAccessPolicy';
import { encodeJpeg, encodePng } from '../../../src/core/data/imageEncoding';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { DataCheckCache, fileSystemDataLoaders } from '../../../src/extension/editor/dataChecks';
import { imageFolderCompletions, imageFolderHoverText, imagesValueAt, summarizeImageFolder } from '../../../src/extension/editor/imageFolderEditorModel';

const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-image-editor-')));
after(() => fs.rmSync(top, { recursive: true, force: true }));

function picture(width: number, height: number, channels: 1 | 3) {
  return { width, height, channels, pixels: new Uint8Array(width * height * channels).fill(90) };
}

function write(file: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
}

// cats: 20 colour JPEGs of 30×20; dogs: 2 grey PNGs of 12×40. Heavily imbalanced.
for (let i = 0; i < 20; i++) write(path.join(top, 'data', 'pets', 'cats', `${i}.jpg`), encodeJpeg(picture(30, 20, 3)));
for (let i = 0; i < 2; i++) write(path.join(top, 'data', 'pets', 'dogs', `${i}.png`), encodePng(picture(12, 40, 1)));
fs.mkdirSync(path.join(top, 'data', 'notes'));
const config = '{\n  "data": { "dataset": { "images": "data/pets", "size": [32, 32] } }\n}';

describe('image folders in the editor', () => {
  it('finds the images value under the cursor, and nothing elsewhere', () => {
    const at = config.indexOf('data/pets');
    assert.deepEqual(imagesValueAt(config, at + 2), { value: 'data/pets', offset: at - 1, length: 11 });
    assert.equal(imagesValueAt(config, config.indexOf('"size"') + 1), undefined);
    assert.equal(imagesValueAt('{"images": "x"}', 13), undefined);
  });

  it('a hover lists the classes with their counts, the sizes and formats, and warns of heavy imbalance', async () => {
    const summary = await summarizeImageFolder('data/pets', top, dataInside([top], 'test'));
    assert.ok(!('problem' in summary));
    assert.deepEqual(summary.classes, [{ name: 'cats', images: 20 }, { name: 'dogs', images: 2 }]);
    assert.deepEqual([summary.width, summary.height, summary.png, summary.jpeg, summary.grey], [[12, 30], [20, 40], 2, 20, 2]);
    const text = imageFolderHoverText('data/pets', summary);
    assert.match(text, /22 images in 2 classes/);
    assert.match(text, /- cats: 20\n- dogs: 2/);
    assert.match(text, /Sizes: width 12–30 px, height 20–40 px; 2 PNG, 20 JPEG, 2 grey\./);
    assert.match(text, /heavily imbalanced: 20 images against 2/);
  });

  it('a hover leaves an image over the pixel cap (a decompression bomb\'s header) out of the sizes and says it is skipped', async () => {
    const bomb = Buffer.from(encodePng(picture(8, 8, 3)));
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    // Beside `top`, whose listing the completion test expects as it is.
    const project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'td-image-bomb-')));
    try {
      write(path.join(project, 'bombed', 'a', '1.png'), encodePng(picture(8, 6, 3)));
      write(path.join(project, 'bombed', 'b', '1.png'), encodePng(picture(8, 6, 3)));
      write(path.join(project, 'bombed', 'b', 'bomb.png'), bomb);
      const summary = await summarizeImageFolder('bombed', project, dataInside([project], 'test'));
      assert.ok(!('problem' in summary));
      assert.deepEqual([summary.width, summary.height], [[8, 8], [6, 6]]);
      assert.match(imageFolderHoverText('bombed', summary), /Sizes: width 8 px, height 6 px; 2 PNG, 0 JPEG, 1 over the 40-megapixel cap on one image \(skipped when the folder is loaded\)\./);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it('a hover on a folder that cannot be read says why, under the same access rules as training', async () => {
    const outside = await summarizeImageFolder('../..', top, dataInside([top], 'Only the project.'));
    assert.ok('problem' in outside);
    assert.match(imageFolderHoverText('../..', outside), /was not read: .*Only the project\./);
    const missing = await summarizeImageFolder('data/nothing', top, dataInside([top], 'test'));
    assert.match(imageFolderHoverText('data/nothing', missing), /does not exist/);
  });

  it('completes the path with folders, image folders first', () => {
    assert.deepEqual(imageFolderCompletions(top, ''), [{ path: 'data', imageFolder: false }]);
    assert.deepEqual(imageFolderCompletions(top, 'data/'), [{ path: 'data/pets', imageFolder: true }, { path: 'data/notes', imageFolder: false }]);
    assert.deepEqual(imageFolderCompletions(top, 'nowhere/'), []);
  });

  it('completes only folders that data may be read from, as the hover and training do', () => {
    const project = path.join(top, 'project');
    const away = path.join(top, 'away');
    write(path.join(project, 'inside', 'cats', '1.png'), encodePng(picture(4, 4, 3)));
    write(path.join(away, 'cats', '1.png'), encodePng(picture(4, 4, 3)));
    fs.symlinkSync(away, path.join(project, 'linked'));
    const access = dataInside([project], 'Only the project.');
    assert.deepEqual(imageFolderCompletions(project, '', access), [{ path: 'inside', imageFolder: true }], 'not the link that leads out');
    assert.deepEqual(imageFolderCompletions(project, '../', access), []);
    assert.deepEqual(imageFolderCompletions(project, 'linked/', access), []);
  });

  it('the editor reads the folder under the config\'s own data budget', async () => {
    const report = async (dataGiB: number) => {
      const parsed = parseTrainConfig(JSON.stringify({
        memoryBudget: { dataGiB },
        data: { dataset: { images: 'data/pets', size: [256, 256] } },
        model: { input: [256, 256, 3], layers: [{ type: 'globalAveragePooling2d' }, { type: 'dense', units: 2, activation: 'softmax' }] },
        training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 0.1 } },
      }), path.join(top, 'pets.train.json'));
      let budgetAsked: number | undefined;
      const loaders = { ...fileSystemDataLoaders, inputStatistics: (...args: Parameters<typeof fileSystemDataLoaders.inputStatistics>) => {
        budgetAsked = args[4];
        return fileSystemDataLoaders.inputStatistics(...args);
      } };
      const result = await new DataCheckCache(loaders).compute(parsed, top, dataInside([top], 'test'));
      assert.equal(budgetAsked, dataGiB * 1024 ** 3, 'the statistics are loaded under the config\'s budget, not the default');
      return result;
    };
    // 22 images of 256×256×3 floats, held three times: about 52 MiB.
    const small = await report(0.01);
    assert.deepEqual(small.problems.map((p) => p.code), ['memory.data-over-budget']);
    const enough = await report(2);
    assert.ok(!enough.problems.some((p) => p.code === 'memory.data-over-budget'), JSON.stringify(enough.problems));
    assert.equal(enough.inputStats?.channelMeans?.length, 3);
  });

  it('the data cache sees an image added to a class folder: the folder stamp changes', () => {
    const folder = path.join(top, 'data', 'pets');
    const before = fileSystemDataLoaders.modifiedTime(folder);
    assert.ok(before !== undefined);
    write(path.join(folder, 'dogs', 'new.png'), encodePng(picture(4, 4, 3)));
    const later = new Date(before + 10_000);
    fs.utimesSync(path.join(folder, 'dogs'), later, later);
    // The file system keeps whole milliseconds here, or fewer digits.
    assert.ok(Math.abs(fileSystemDataLoaders.modifiedTime(folder)! - (before + 10_000)) < 1);
  });
});
