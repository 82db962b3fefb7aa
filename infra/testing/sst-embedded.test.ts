import { describe, expect, it } from 'vitest';
import { embeddedFiles } from './sst-embedded';

const BASE = 0x400000;

/** A minimal ELF64 holding one Go `embed.FS`: its strings, then its file table, zero-padded around. */
function fakeBinary(files: [string, string][]): Buffer {
  const header = 64 + 56;
  const strings: Buffer[] = [];
  let at = header;
  const placed = files.map(([name, data]) => {
    const n = { offset: at, length: Buffer.byteLength(name) };
    strings.push(Buffer.from(name));
    at += n.length;
    const d = { offset: at, length: Buffer.byteLength(data) };
    strings.push(Buffer.from(data));
    at += d.length;
    return { n, d };
  });
  const padding = Buffer.alloc(64);
  const table = Buffer.alloc(files.length * 48);
  const word = (buf: Buffer, pos: number, value: number) => buf.writeBigUInt64LE(BigInt(value), pos);
  placed.forEach(({ n, d }, i) => {
    word(table, i * 48, BASE + n.offset);
    word(table, i * 48 + 8, n.length);
    word(table, i * 48 + 16, d.length === 0 ? 0 : BASE + d.offset);
    word(table, i * 48 + 24, d.length);
  });
  const head = Buffer.alloc(header);
  head.writeUInt32BE(0x7f454c46, 0);
  head[4] = 2; // 64-bit
  head[5] = 1; // little-endian
  word(head, 0x20, 64);
  head.writeUInt16LE(56, 0x36);
  head.writeUInt16LE(1, 0x38);
  const body = Buffer.concat([...strings, padding, table, padding]);
  head.writeUInt32LE(1, 64); // PT_LOAD of the whole file
  word(head, 64 + 8, 0);
  word(head, 64 + 16, BASE);
  word(head, 64 + 32, header + body.length);
  return Buffer.concat([head, body]);
}

describe('embeddedFiles', () => {
  it('reads every file of the embedded table around the one it knows, leaving directories out', () => {
    const binary = fakeBinary([
      ['package.json', '{"name":"@sst/platform"}'],
      ['src/', ''],
      ['src/components/aws/function.ts', 'export class Function {}'],
      ['src/config.ts', 'export {}'],
    ]);
    const files = embeddedFiles(binary, 'src/components/aws/function.ts');
    expect(Object.fromEntries([...files].map(([name, data]) => [name, data.toString()]))).toEqual({
      'package.json': '{"name":"@sst/platform"}',
      'src/components/aws/function.ts': 'export class Function {}',
      'src/config.ts': 'export {}',
    });
  });

  it('names the file it could not find, and refuses what is not a binary it can map', () => {
    const binary = fakeBinary([['src/config.ts', 'export {}']]);
    expect(() => embeddedFiles(binary, 'src/components/aws/function.ts')).toThrow(
      'no embedded file src/components/aws/function.ts in the binary',
    );
    expect(() => embeddedFiles(Buffer.from('#!/bin/sh\necho sst\n'.padEnd(64)), 'x')).toThrow(/not a 64-bit/);
  });
});
