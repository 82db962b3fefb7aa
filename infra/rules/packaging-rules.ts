import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { handlerFor, LAMBDA_ARCHITECTURE, LAMBDA_PLUGINS, nodejsArgs } from '../lambda';
import { infraNames } from '../names';
import { allLambdaSpecs } from '../needs';
import { installedVersion } from '../repo';
import { tessdataFiles } from '../tessdata';
import { RecordedAsset, type Recording, Ref } from '../testing/recorder';
import { functionDefs } from './functions';
import type { Rule, Violation } from './types';

function layerFiles(recording: Recording): Record<string, string> | undefined {
  const layer = recording.find('aws.lambda.LayerVersion', infraNames.tessdataLayer);
  const code = layer?.args.code;
  if (!(code instanceof RecordedAsset) || code.kind !== 'AssetArchive') return undefined;
  return Object.fromEntries(
    Object.entries(code.value as Record<string, unknown>).map(([path, asset]) => [
      path,
      asset instanceof RecordedAsset ? String(asset.value) : '',
    ]),
  );
}

/**
 * Functions are packaged as `build:lambdas` measures them and as Lambda can run them:
 * bundled with the shared plugins and splitting, the natives they import installed at
 * the tested versions for arm64, and the OCR consumers given the language-data layer,
 * which holds every language the adapter may load, laid out where Node resolves it.
 */
export const packaging: Rule = ({ recording, root }) => {
  const out: Violation[] = [];
  const push = (component: string, message: string) => out.push({ rule: 'packaging', component, message });
  const specs = allLambdaSpecs();
  const expectedLayer = tessdataFiles();
  const layer = layerFiles(recording);
  if (layer && !isDeepStrictEqual(Object.keys(layer).sort(), Object.keys(expectedLayer).sort())) {
    const missing = Object.keys(expectedLayer).filter((p) => !(p in layer));
    push(
      infraNames.tessdataLayer,
      `does not hold the language data the OCR adapter resolves${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}`,
    );
  }
  for (const [path, source] of Object.entries(layer ?? {})) {
    if (!existsSync(source)) push(infraNames.tessdataLayer, `${path}: no file at ${source}; run npm ci`);
  }
  const pluginsFile = join(root, LAMBDA_PLUGINS);
  for (const fn of functionDefs(recording)) {
    const spec = specs.find((s) => handlerFor(s.entry) === fn.args.handler);
    if (!spec) continue;
    const nodejs = (fn.args.nodejs as Sst.FunctionArgs['nodejs']) ?? {};
    const { install: _given, ...bundling } = nodejs;
    const { install: _expected, ...measured } = nodejsArgs(spec);
    if (!isDeepStrictEqual(bundling, measured)) {
      push(
        fn.name,
        `bundles with nodejs ${JSON.stringify(bundling)}, not as build:lambdas measures (${JSON.stringify(measured)}, nodejsArgs in infra/lambda.ts)`,
      );
    } else if (!existsSync(pluginsFile)) {
      push(fn.name, `its esbuild plugins file ${LAMBDA_PLUGINS} does not exist`);
    }
    if (fn.args.architecture !== LAMBDA_ARCHITECTURE) {
      push(
        fn.name,
        `runs on ${String(fn.args.architecture ?? 'x86_64')}; natives and layers are built for ${LAMBDA_ARCHITECTURE}`,
      );
    }
    const install = nodejs.install ?? {};
    const installed = Array.isArray(install) ? Object.fromEntries(install.map((n) => [n, '*'])) : install;
    for (const name of spec.external) {
      const version = installedVersion(name);
      if (!(name in installed)) push(fn.name, `loads ${name} but does not install it (nodejs.install)`);
      else if (installed[name] !== version) {
        push(fn.name, `installs ${name}@${installed[name]}, but the tests ran against ${version}`);
      }
    }
    for (const name of Object.keys(installed)) {
      if (!(spec.external as readonly string[]).includes(name)) {
        push(fn.name, `installs ${name}, which infra/needs.ts says it never loads`);
      }
    }
    const layers = (fn.args.layers as unknown[] | undefined) ?? [];
    const hasTessdata = layers.some(
      (l) => l instanceof Ref && l.component === infraNames.tessdataLayer && l.attribute === 'arn',
    );
    if (spec.tessdata && !hasTessdata) {
      push(
        fn.name,
        `may run tesseract but lacks the ${infraNames.tessdataLayer} layer: OCR would find no language data`,
      );
    }
    if (!spec.tessdata && hasTessdata)
      push(fn.name, `carries the ${infraNames.tessdataLayer} layer but never OCRs`);
  }
  return out;
};
