import type { Kysely } from 'kysely';

/** One schema change. `up` runs inside the migration transaction. */
export interface Migration {
  up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void>;
}
