import { expect } from 'vitest';
import { ElevgwError } from '../../src/core/errors.js';

/** What `p` was rejected with, which must be the project's coded error (for its code, message and context). */
export async function failure(p: Promise<unknown>): Promise<ElevgwError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ElevgwError);
  return e as ElevgwError;
}
