import { TrailIntegrityError, type Trail } from '@optintrail/core';
import { DataFailureError } from '../cli-errors';
import type { CrmConnection } from '../crm-registry';

/** Pulls a subject's trail, verified; a missing or tampered trail is a data failure (exit 1). */
export async function pullVerifiedTrail(connection: CrmConnection, email: string): Promise<Trail> {
  let trail: Trail | null;
  try {
    trail = await connection.adapter.pull({ email });
  } catch (error) {
    if (TrailIntegrityError.isInstance(error)) throw new DataFailureError(`the trail of ${email} in ${connection.label} does not verify: ${error.message}`);
    throw error;
  }
  if (!trail) throw new DataFailureError(`${connection.label} holds no trail for ${email}`);
  return trail;
}
