import { ApiError } from '../../lib/api/errors.js';

/** Creates an object `kubets up` provides, keeping the one already there (a restart, or the user's own). */
export async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
  }
}
