import { describe, expect, it } from 'vitest';
import { readCapped } from './read-capped';

async function* chunks(count: number, size: number, pulled: { n: number }) {
  for (let i = 0; i < count; i++) {
    pulled.n += 1;
    yield new Uint8Array(size).fill(i);
  }
}

describe('readCapped', () => {
  it('joins chunks up to the cap', async () => {
    const pulled = { n: 0 };
    const bytes = await readCapped(chunks(3, 4, pulled), 12);
    expect(bytes).toEqual(new Uint8Array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]));
  });

  it('stops reading the moment the cap is passed and releases the source', async () => {
    const pulled = { n: 0 };
    let stopped = false;
    await expect(
      readCapped(chunks(1000, 1024, pulled), 5000, () => {
        stopped = true;
      }),
    ).rejects.toMatchObject({ code: 'file_too_large' });
    expect(pulled.n).toBe(5);
    expect(stopped).toBe(true);
  });
});
