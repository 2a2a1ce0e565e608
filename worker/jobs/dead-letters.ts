// Every minute: dead letters parked in R2 while the database was down go into `dead_letters` (queues/dead-letter.ts).
import type { Db } from '../db/client';
import type { Env } from '../env';
import { moveParkedDeadLetters } from '../../queues/dead-letter';

export function moveDeadLetters(env: Env, db: Db): Promise<{ moved: number }> {
  return moveParkedDeadLetters(env, db);
}
