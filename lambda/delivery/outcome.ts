import type { PoisonRecordError } from "../errors";

/** Where one record ends up (SPEC §5): each record of a batch gets exactly one. */
export type RecordOutcome =
  | { readonly kind: "delivered"; readonly eventId: string }
  | { readonly kind: "deadLettered"; readonly error: PoisonRecordError }
  | { readonly kind: "poison"; readonly error: PoisonRecordError }
  | { readonly kind: "failed"; readonly code: string; readonly message: string };

export function failed(code: string, message: string): RecordOutcome {
  return { kind: "failed", code, message };
}
