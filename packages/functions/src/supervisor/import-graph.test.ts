import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * What a module loads before any of its code runs: its static imports, followed
 * through our workspace packages (third-party packages are left as named imports).
 */
async function staticGraph(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [
      {
        name: 'third-party-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@paperlane/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  const inputs: Metafile['inputs'] = result.metafile.inputs;
  const [root] = Object.keys(inputs).filter((path) => path.endsWith(entry.replace(/^\.\//, '')));
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string) => {
    if (files.has(path)) return;
    files.add(path);
    for (const edge of inputs[path]?.imports ?? []) {
      if (edge.kind !== 'import-statement') continue;
      if (edge.external) packages.add(edge.path);
      else visit(edge.path);
    }
  };
  if (root) visit(root);
  return { files: [...files], packages: [...packages] };
}

describe('what the processes of `npm start` load before they run', () => {
  it('the supervisor loads no API, store, container, emulator or job code: its children do', async () => {
    const { files, packages } = await staticGraph('./supervisor.ts');
    expect(files.length).toBeGreaterThan(5);
    expect(
      files.filter((f) =>
        /packages\/(store|jobs|runtime)\/|functions\/src\/(container|local\/|roles\/(api|consumers|emulators))|api\/src\/(app|routes)|testing\/src\/(dynalite|fauxqs)/.test(
          f,
        ),
      ),
    ).toEqual([]);
    expect(
      packages.filter((p) => /^(@aws-sdk|dynamodb-toolbox|bullmq|dynalite|fauxqs)|^hono$/.test(p)),
    ).toEqual([]);
  });

  it('a child loads only its own role: the roles are imported when one starts', async () => {
    const { files } = await staticGraph('./child.ts');
    expect(
      files.filter((f) => /functions\/src\/(roles\/(api|consumers|emulators)|container)/.test(f)),
    ).toEqual([]);
  });
});
