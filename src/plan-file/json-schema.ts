import * as z from 'zod';
import { planFileSchema } from './schema.js';

/**
 * JSON Schema of the plan format, for editors (`npm run schema` writes schema/index-plan.schema.json).
 * Its own module: zod's JSON Schema generator is never loaded by a command that reads a plan.
 */
export function planJsonSchema(): unknown {
  return {
    title: 'safe-index plan',
    ...(z.toJSONSchema(planFileSchema, { io: 'input' }) as object),
  };
}
