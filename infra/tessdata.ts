import { createRequire } from 'node:module';
import { join } from 'node:path';
import { LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME } from './lambda';
import { infraNames } from './names';
import { repoRoot, workspaceDependencies } from './repo';

const DATA_PACKAGE = /^@tesseract\.js-data\/([a-z_]+)$/;

/** Where each installed OCR language's data file is, as its `@tesseract.js-data/<lang>` package says. */
export function tessdataFiles(adapters = 'packages/adapters'): Record<string, string> {
  const require = createRequire(join(repoRoot(), adapters, 'package.json'));
  const files: Record<string, string> = {};
  for (const name of Object.keys(workspaceDependencies(adapters))) {
    if (!DATA_PACKAGE.test(name)) continue;
    const data = require(name) as { code: string; gzip: boolean; langPath: string };
    const file = `${data.code}.traineddata${data.gzip ? '.gz' : ''}`;
    files[`tessdata/${file}`] = join(data.langPath, file);
  }
  return files;
}

/**
 * The OCR language data (tens of MB) as a Lambda layer at `/opt/tessdata`, kept out
 * of the function package so a code change does not re-upload it. The languages
 * are the `@tesseract.js-data/*` packages the adapters install.
 */
export function tessdataLayer(): InstanceType<typeof aws.lambda.LayerVersion> {
  const files = tessdataFiles();
  if (Object.keys(files).length === 0)
    throw new Error('no @tesseract.js-data/* packages in packages/adapters');
  return new aws.lambda.LayerVersion(infraNames.tessdataLayer, {
    layerName: `${$app.name}-${$app.stage}-tessdata`,
    description: `tesseract traineddata: ${Object.keys(files)
      .map((f) => f.split('/')[1]?.split('.')[0])
      .join(', ')}`,
    code: new $util.asset.AssetArchive(
      Object.fromEntries(
        Object.entries(files).map(([path, source]) => [path, new $util.asset.FileAsset(source)]),
      ),
    ),
    compatibleRuntimes: [LAMBDA_RUNTIME],
    compatibleArchitectures: [LAMBDA_ARCHITECTURE],
  });
}
