/**
 * Rebuilds the real evaluation corpus folder (SOURCES.md) from local git mirrors of the source
 * repositories, checking every file against the sha256 the index recorded. The documents are
 * never committed, so a machine that lost the folder runs this instead of re-assembling it.
 *
 *   node scripts/run-bundled.mjs packages/testing/scripts/fetch-real-corpus.ts \
 *     --mirrors /work/.mirror --out /work/corpus/real-files
 *
 * A mirror of `owner/name` is the bare git directory `<mirrors>/owner+name/repo` (or
 * `<mirrors>/owner+name` itself). The file is read at the recorded commit; when the mirror
 * lacks that commit, at its newest commit — accepted only if the bytes still hash the same.
 * Exit code 1 when any file is missing or differs; the others are still written.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const { values: args } = parseArgs({
  options: {
    mirrors: { type: 'string', default: '/work/.mirror' },
    out: { type: 'string', default: 'packages/testing/fixtures/real/files' },
    corpus: { type: 'string', default: 'invoices,sroie' },
  },
  strict: true,
});

const REAL = resolve('packages/testing/fixtures/real');
const OUT = resolve(args.out);
const corpora = new Set(args.corpus.split(',').map((c) => c.trim()));

const invoiceIndex = z.array(
  z.object({
    file: z.string().regex(/^[a-z0-9-]+\.(pdf|png|jpg)$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    source: z.object({ repo: z.string(), path: z.string(), commit: z.string().regex(/^[0-9a-f]{40}$/) }),
  }),
);
const sroieIndex = z.object({
  source: z.object({ repo: z.string(), commit: z.string().regex(/^[0-9a-f]{40}$/) }),
  receipts: z.array(
    z.object({
      id: z.string().regex(/^X\d{11}$/),
      image: z.string(),
      key: z.string(),
      imageSha256: z.string().regex(/^[0-9a-f]{64}$/),
      keySha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

interface Wanted {
  repo: string;
  path: string;
  commit: string;
  sha256: string;
  target: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function gitDir(repo: string): string | undefined {
  const base = join(args.mirrors, repo.replace('/', '+'));
  return [join(base, 'repo'), base].find((dir) => existsSync(join(dir, 'HEAD')));
}

function show(dir: string, rev: string, path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(
      execFileSync('git', ['--git-dir', dir, 'show', `${rev}:${path}`], {
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
  } catch {
    return undefined;
  }
}

/** Writes one file; returns why it could not, or undefined when it is in place and verified. */
async function place(want: Wanted): Promise<string | undefined> {
  if (existsSync(want.target) && sha256(new Uint8Array(await readFile(want.target))) === want.sha256) return;
  const dir = gitDir(want.repo);
  if (!dir) return `no mirror of ${want.repo}`;
  // The recorded commit first; a shallow snapshot may only have its newest tree.
  for (const rev of [want.commit, 'HEAD']) {
    const bytes = show(dir, rev, want.path);
    if (bytes && sha256(bytes) === want.sha256) {
      await writeFile(want.target, bytes);
      return;
    }
  }
  return `${want.repo}:${want.path} not found with sha256 ${want.sha256.slice(0, 12)}`;
}

const wanted: Wanted[] = [];
if (corpora.has('invoices')) {
  await mkdir(join(OUT, 'invoices'), { recursive: true });
  const index = invoiceIndex.parse(JSON.parse(await readFile(join(REAL, 'invoices/index.json'), 'utf8')));
  for (const doc of index)
    wanted.push({ ...doc.source, sha256: doc.sha256, target: join(OUT, 'invoices', doc.file) });
}
if (corpora.has('sroie')) {
  await mkdir(join(OUT, 'sroie'), { recursive: true });
  const index = sroieIndex.parse(JSON.parse(await readFile(join(REAL, 'sroie/index.json'), 'utf8')));
  for (const r of index.receipts) {
    const { repo, commit } = index.source;
    wanted.push({
      repo,
      commit,
      path: r.image,
      sha256: r.imageSha256,
      target: join(OUT, 'sroie', `${r.id}.jpg`),
    });
    wanted.push({
      repo,
      commit,
      path: r.key,
      sha256: r.keySha256,
      target: join(OUT, 'sroie', `${r.id}.json`),
    });
  }
}

const failures: string[] = [];
for (const want of wanted) {
  const why = await place(want);
  if (why) failures.push(`${want.target}: ${why}`);
}
console.log(`${wanted.length - failures.length}/${wanted.length} files in ${OUT}`);
for (const failure of failures) console.error(failure);
process.exitCode = failures.length > 0 ? 1 : 0;
