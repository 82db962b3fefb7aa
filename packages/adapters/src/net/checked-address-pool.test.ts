import { describe, expect, it } from 'vitest';
import { createCheckedAddressPool } from './checked-address-pool';

describe('createCheckedAddressPool', () => {
  it('gives one agent per protocol, address and port, keeping at most maxPools (least recently used out)', () => {
    const pool = createCheckedAddressPool({ maxPools: 2 });
    const a = pool.agentFor('https:', '93.184.215.14', 443);
    expect(pool.agentFor('https:', '93.184.215.14', 443)).toBe(a);
    expect(pool.agentFor('http:', '93.184.215.14', 443)).not.toBe(a);
    expect(pool.agentFor('https:', '93.184.215.14', 8443)).not.toBe(a);
    expect(pool.size).toBe(2);
    // a was evicted by the third: asking again builds a new one.
    const again = pool.agentFor('https:', '93.184.215.14', 443);
    expect(again).not.toBe(a);
    // Node's agents keep their options; the type does not declare them.
    expect((again as unknown as { options: object }).options).toMatchObject({
      keepAlive: true,
      timeout: 4_000,
    });
    expect(pool.size).toBe(2);
    pool.destroy();
    expect(pool.size).toBe(0);
  });
});
