import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { installedPackageDir, installedVersion, repoRoot } from '../repo';

/**
 * SST's platform code (the TypeScript components `sst.aws.*`) is not published on
 * npm: the CLI binary embeds it (Go `embed.FS`) and `sst install` copies it into
 * `.sst/platform/`, then installs its dependencies from the network. The binary is
 * already in node_modules (`sst-<os>-<arch>`, an optional dependency of `sst`), so
 * the components the lockfile pins are read straight out of it, offline.
 */

/** One region of the binary mapped into memory: file offset ↔ virtual address. */
interface Segment {
  offset: number;
  address: number;
  size: number;
}

function elfSegments(buf: Buffer): Segment[] {
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const size = buf.readUInt16LE(0x36);
  const count = buf.readUInt16LE(0x38);
  const segments: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const at = phoff + i * size;
    if (buf.readUInt32LE(at) !== 1) continue; // PT_LOAD
    segments.push({
      offset: Number(buf.readBigUInt64LE(at + 8)),
      address: Number(buf.readBigUInt64LE(at + 16)),
      size: Number(buf.readBigUInt64LE(at + 32)),
    });
  }
  return segments;
}

function machoSegments(buf: Buffer): Segment[] {
  const count = buf.readUInt32LE(16);
  const segments: Segment[] = [];
  let at = 32;
  for (let i = 0; i < count; i++) {
    const cmd = buf.readUInt32LE(at);
    if (cmd === 0x19) {
      // LC_SEGMENT_64: vmaddr at +24, fileoff at +40, filesize at +48
      segments.push({
        address: Number(buf.readBigUInt64LE(at + 24)),
        offset: Number(buf.readBigUInt64LE(at + 40)),
        size: Number(buf.readBigUInt64LE(at + 48)),
      });
    }
    at += buf.readUInt32LE(at + 4);
  }
  return segments;
}

function segmentsOf(buf: Buffer): Segment[] {
  if (buf.readUInt32BE(0) === 0x7f454c46 && buf[4] === 2 && buf[5] === 1) return elfSegments(buf);
  if (buf.readUInt32LE(0) === 0xfeedfacf) return machoSegments(buf);
  throw new Error('not a 64-bit little-endian ELF or Mach-O binary');
}

/**
 * The files of the Go `embed.FS` holding `knownFile`. Go lays an embedded FS out as a
 * sorted array of `{ name string; data string; hash [16]byte }` (48 bytes each on
 * 64-bit): find the string `knownFile`, the entry pointing at it, then walk the
 * array both ways while entries stay well-formed.
 */
export function embeddedFiles(buf: Buffer, knownFile: string): Map<string, Buffer> {
  const segments = segmentsOf(buf);
  const toOffset = (address: number) => {
    const s = segments.find((g) => address >= g.address && address < g.address + g.size);
    return s ? address - s.address + s.offset : -1;
  };
  const toAddress = (offset: number) => {
    const s = segments.find((g) => offset >= g.offset && offset < g.offset + g.size);
    return s ? offset - s.offset + s.address : -1;
  };
  const ENTRY = 48;
  const entryAt = (at: number) => {
    if (at < 0 || at + ENTRY > buf.length) return undefined;
    const nameLength = Number(buf.readBigUInt64LE(at + 8));
    const dataLength = Number(buf.readBigUInt64LE(at + 24));
    if (nameLength <= 0 || nameLength > 1024 || dataLength < 0 || dataLength > buf.length) return undefined;
    const nameOffset = toOffset(Number(buf.readBigUInt64LE(at)));
    const dataOffset = dataLength === 0 ? 0 : toOffset(Number(buf.readBigUInt64LE(at + 16)));
    if (nameOffset < 0 || dataOffset < 0) return undefined;
    const name = buf.toString('latin1', nameOffset, nameOffset + nameLength);
    if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(name)) return undefined;
    return { name, data: buf.subarray(dataOffset, dataOffset + dataLength) };
  };
  const needle = Buffer.from(knownFile);
  for (let hit = buf.indexOf(needle); hit >= 0; hit = buf.indexOf(needle, hit + 1)) {
    const pattern = Buffer.alloc(16);
    pattern.writeBigUInt64LE(BigInt(toAddress(hit)), 0);
    pattern.writeBigUInt64LE(BigInt(needle.length), 8);
    const entry = buf.indexOf(pattern);
    if (entry < 0) continue;
    let first = entry;
    while (entryAt(first - ENTRY)) first -= ENTRY;
    const files = new Map<string, Buffer>();
    for (let at = first, e = entryAt(at); e; at += ENTRY, e = entryAt(at)) {
      if (!e.name.endsWith('/')) files.set(e.name, e.data);
    }
    return files;
  }
  throw new Error(`no embedded file ${knownFile} in the binary`);
}

const ARCH: Partial<Record<string, string>> = { x64: 'x64', arm64: 'arm64', ia32: 'x86' };

/** The SST CLI binary npm installed for this machine, and its version (the lockfile's). */
export function sstBinary(): { path: string; version: string } {
  const pkg = `sst-${process.platform}-${ARCH[process.arch] ?? process.arch}`;
  const version = installedVersion('sst', 'packages/functions');
  return { path: join(installedPackageDir(pkg, 'packages/functions'), 'bin', 'sst'), version };
}

/**
 * The SST platform (`src/`, `package.json`, ...) as the pinned CLI embeds it,
 * extracted once into `.tmp/sst-platform/<version>/` (inside the repository, so its
 * imports of `@pulumi/*` resolve from our node_modules). Returns that folder.
 */
export function sstPlatformDir(): string {
  const { path, version } = sstBinary();
  const dir = join(repoRoot(), '.tmp', 'sst-platform', version);
  if (existsSync(join(dir, 'version'))) return dir;
  const files = embeddedFiles(readFileSync(path), 'src/components/aws/function.ts');
  const staging = `${dir}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [name, data] of files) {
    mkdirSync(dirname(join(staging, name)), { recursive: true });
    writeFileSync(join(staging, name), data);
  }
  // Its tsconfig extends @tsconfig/node18, which is not installed: the same settings, spelled out.
  writeFileSync(
    join(staging, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        isolatedModules: true,
      },
    }),
  );
  writeFileSync(join(staging, 'version'), version);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(staging, dir);
  return dir;
}
