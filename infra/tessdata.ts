import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { languageDataFile, TESSERACT_LANGUAGES } from '@paperlane/adapters/ocr/tesseract-languages';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from './lambda';
import { infraNames } from './names';
import { repoRoot } from './repo';

/** Where Lambda mounts a layer's `nodejs/node_modules`: on the runtime's NODE_PATH. */
export const LAYER_NODE_MODULES = 'nodejs/node_modules';

/**
 * The layer's files (path in the layer → file on disk): for each installed OCR
 * language, its `@tesseract.js-data/<lang>` package as the OCR adapter resolves it
 * (`languageDataFile`: the package.json, then the LSTM model it loads), nothing
 * else (the packages also carry a larger legacy model tesseract is never asked for).
 */
export function tessdataFiles(): Record<string, string> {
  const require = createRequire(join(repoRoot(), 'packages/adapters/package.json'));
  const files: Record<string, string> = {};
  for (const lang of TESSERACT_LANGUAGES) {
    const manifest = require.resolve(`@tesseract.js-data/${lang}/package.json`);
    const base = `${LAYER_NODE_MODULES}/@tesseract.js-data/${lang}`;
    files[`${base}/package.json`] = manifest;
    const model = languageDataFile(lang);
    files[`${base}/${relative(dirname(manifest), model).split('\\').join('/')}`] = model;
  }
  return files;
}

/**
 * The OCR language data (about 19 MB) as a Lambda layer, kept out of the function
 * package so a code change does not re-upload it. Node resolves
 * `@tesseract.js-data/<lang>` from `/opt/nodejs/node_modules` through Lambda's
 * NODE_PATH, so the adapter reads it exactly as it does locally.
 */
export function tessdataLayer(): InstanceType<typeof aws.lambda.LayerVersion> {
  const files = tessdataFiles();
  return new aws.lambda.LayerVersion(infraNames.tessdataLayer, {
    layerName: `${$app.name}-${$app.stage}-tessdata`,
    description: `tesseract LSTM models: ${TESSERACT_LANGUAGES.join(', ')}`,
    code: new $util.asset.AssetArchive(
      Object.fromEntries(
        Object.entries(files).map(([path, source]) => [path, new $util.asset.FileAsset(source)]),
      ),
    ),
    compatibleRuntimes: [LAMBDA_RUNTIME],
    compatibleArchitectures: [LAMBDA_ARCHITECTURE],
  });
}
