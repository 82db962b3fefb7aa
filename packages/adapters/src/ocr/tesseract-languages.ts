import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readlink, rename, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '@paperlane/core';

/** Tesseract codes with language data installed from npm (`@tesseract.js-data/<code>`). */
export const TESSERACT_LANGUAGES = ['eng', 'deu', 'fra', 'nld', 'spa', 'ita'] as const;
export type TesseractLanguage = (typeof TESSERACT_LANGUAGES)[number];

/** What the tesseract provider loads unless configured otherwise. */
export const DEFAULT_TESSERACT_LANGUAGES = 'eng+deu+fra+nld+spa';

const ISO_639_1: Record<string, TesseractLanguage> = {
  en: 'eng',
  de: 'deu',
  fr: 'fra',
  nl: 'nld',
  es: 'spa',
  it: 'ita',
};

/**
 * Tesseract codes from `eng+deu`, `['en', 'de']` or a mix; unknown codes are a
 * ConfigError (tesseract would otherwise try to download them).
 *
 * @example
 * tesseractLanguages('en+deu') // ['eng', 'deu']
 */
export function tesseractLanguages(input: string | readonly string[]): TesseractLanguage[] {
  const codes = (typeof input === 'string' ? input.split('+') : input).map((code) =>
    code.trim().toLowerCase(),
  );
  const out: TesseractLanguage[] = [];
  for (const code of codes) {
    if (!code) continue;
    const lang =
      ISO_639_1[code] ?? (TESSERACT_LANGUAGES as readonly string[]).find((known) => known === code);
    if (!lang) {
      throw new ConfigError(
        `no tesseract language data for "${code}"; installed: ${TESSERACT_LANGUAGES.join(', ')}`,
      );
    }
    if (!out.includes(lang as TesseractLanguage)) out.push(lang as TesseractLanguage);
  }
  if (out.length === 0) throw new ConfigError('at least one tesseract language is required');
  return out;
}

/** The LSTM "best_int" model of a language, as the npm package ships it (gzipped). */
export function languageDataFile(lang: TesseractLanguage): string {
  const pkg = createRequire(import.meta.url).resolve(`@tesseract.js-data/${lang}/package.json`);
  return join(dirname(pkg), '4.0.0_best_int', `${lang}.traineddata.gz`);
}

let prepared: Promise<string> | undefined;

/** Points `target` at `source`, atomically (rename over), unless it already does. */
async function linkInto(source: string, target: string): Promise<void> {
  if (
    await readlink(target).then(
      (current) => current === source,
      () => false,
    )
  )
    return;
  const temp = `${target}.${randomUUID()}.tmp`;
  await symlink(source, temp).catch(() => copyFile(source, temp));
  await rename(temp, target);
}

/**
 * A folder holding `<lang>.traineddata.gz` for every language, for tesseract.js's
 * single `langPath`. The npm packages keep each language in its own folder, so
 * this links them into one folder under the OS temp dir (the same folder for
 * every process, so nothing piles up; links are replaced atomically).
 *
 * @example
 * const langPath = await languageDataDir(['eng', 'deu']);
 */
export async function languageDataDir(langs: readonly TesseractLanguage[]): Promise<string> {
  prepared ??= (async () => {
    const folder = join(tmpdir(), 'paperlane-tessdata');
    await mkdir(folder, { recursive: true });
    return folder;
  })();
  const folder = await prepared.catch((error: unknown) => {
    prepared = undefined;
    throw error;
  });
  for (const lang of langs) {
    const source = languageDataFile(lang);
    if (!existsSync(source)) throw new ConfigError(`tesseract language data missing: ${source}`);
    await linkInto(source, join(folder, `${lang}.traineddata.gz`));
  }
  return folder;
}
