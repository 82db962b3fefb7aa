import type { CliIo } from './io';
import { runToken } from './token';

const USAGE = `usage: paperlane <command> [options]

commands:
  token    mint a dev token:       paperlane token --tenant acme [--role admin]
  extract  read an invoice file:   paperlane extract invoice.pdf [--json] [--ocr ...] [--extractor ...]
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  token: async () => runToken,
  // Loaded on demand: the OCR and PDF stack stays out of `paperlane token`.
  extract: async () => (await import('./extract')).runExtract,
};

/** Runs one `paperlane` command; resolves to the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.stderr(`paperlane: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest, io);
}
