import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createPostgresSchema } from './postgres.js';

/**
 * The backends every store behaviour runs against. `fresh()` gives a store URL for a new,
 * empty database and a cleanup; a suite loops over this list so a new backend breaks loudly.
 */
export interface TestBackend {
  readonly name: 'sqlite' | 'postgres';
  /** False when PostgreSQL is not reachable and not required: the suite is skipped. */
  readonly available: boolean;
  fresh(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

export const testBackends: readonly TestBackend[] = [
  {
    name: 'sqlite',
    available: true,
    fresh: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'scalelog-test-'));
      return {
        url: `sqlite:${join(dir, 'scalelog.db')}`,
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    available: inject('postgresAvailable'),
    fresh: async () => {
      const { url, drop } = await createPostgresSchema();
      return { url, cleanup: drop };
    },
  },
];
