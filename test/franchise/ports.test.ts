/** Port choice for a new franchise: a full host is the catalogue's port_clash, with the way out. */
import { describe, expect, it } from 'vitest';
import { KgcError } from '../../src/errors/kgc-error.js';
import { choosePorts } from '../../src/franchise/ports.js';

describe('choosePorts', () => {
  it('takes the first slot whose ports are all free', async () => {
    const first = await choosePorts(new Set(), () => Promise.resolve(true));
    const taken = new Set(Object.values(first));
    const second = await choosePorts(taken, () => Promise.resolve(true));
    expect(Object.values(second).some((p) => taken.has(p))).toBe(false);
  });

  it('with no free set is port_clash naming the flags, not an internal error', async () => {
    const err: unknown = await choosePorts(new Set(), () => Promise.resolve(false)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KgcError);
    expect((err as KgcError).code).toBe('port_clash');
    expect((err as KgcError).message).toMatch(/no free set of ports.*--\*-port/);
  });
});
