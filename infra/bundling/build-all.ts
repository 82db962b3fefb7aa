import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nodejsArgs } from '../lambda';
import { allLambdaSpecs, type LambdaSpec, lambdaSpecs } from '../needs';
import { bundleLambda, bundlePath, type ExternalImport } from './bundle';
import type { Budgets, BundleRow } from './size-report';

/**
 * The API answers users synchronously: its cold start is the one people feel. 420 KB since
 * the console and the list/link routes (issue 12): ~20 KB zipped of routes a user asked for;
 * the SDK clients and zod are still most of it (docs/deploy.md).
 */
export const BUNDLE_BUDGETS: Budgets = { [lambdaSpecs.api.name]: 420 * 1024 };

/**
 * Externals the bundle imports but the function does not install: `undeclared` would
 * be missing on Lambda; `loadsAtInit` are declared never loaded yet imported
 * statically, so the function would fail to start.
 */
export function externalProblems(
  spec: LambdaSpec,
  externals: readonly ExternalImport[],
  bundled: readonly string[] = [],
): { undeclared: string[]; loadsAtInit: string[] } {
  const installed = spec.external as readonly string[];
  const never = (spec.neverLoads ?? []) as readonly string[];
  return {
    undeclared: [
      ...externals.filter((e) => !installed.includes(e.name) && !never.includes(e.name)).map((e) => e.name),
      ...bundled,
    ],
    loadsAtInit: externals.filter((e) => never.includes(e.name) && e.atInit).map((e) => e.name),
  };
}

/**
 * Bundles every function whose entry point exists; the others are reported
 * `missing`, not an error, while packages/functions is being written.
 */
export async function buildAllLambdas(
  root: string,
  options: { specs?: LambdaSpec[]; budgets?: Budgets } = {},
): Promise<BundleRow[]> {
  const specs = options.specs ?? allLambdaSpecs();
  const budgets = options.budgets ?? BUNDLE_BUDGETS;
  return Promise.all(
    specs.map(async (spec): Promise<BundleRow> => {
      const entry = join(root, spec.entry);
      if (!existsSync(entry)) return { name: spec.name, entry: spec.entry, status: 'missing' };
      try {
        // The function's own nodejs args, exactly as infra/lambda.ts hands them to SST.
        const result = await bundleLambda(entry, bundlePath(root, spec.name), nodejsArgs(spec));
        return {
          name: spec.name,
          entry: spec.entry,
          status: 'built',
          result,
          ...(budgets[spec.name] === undefined ? {} : { budget: budgets[spec.name] }),
          ...externalProblems(spec, result.externals, result.bundledExternals),
        };
      } catch (error) {
        const first = (
          error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }
        ).errors?.[0];
        const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
        return {
          name: spec.name,
          entry: spec.entry,
          status: 'error',
          error: first ? `${first.text}${where}` : String(error),
        };
      }
    }),
  );
}
