import type { ClaimCheckObject } from "./claim-check";

/** What became of one upload: stored, or why not. `systemic` failures (access denied, no such bucket) stop further uploads. */
export type PutResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly systemic: boolean };

/** Where claim-check objects are kept (the S3 bucket of `OFFLOAD_S3_BUCKET`). */
export interface ClaimCheckStore {
  /** The bucket, as `dataref` names it. */
  readonly bucket: string;
  /** Stores `object` under its key, overwriting; resolves with the result, never rejects. */
  put(object: ClaimCheckObject, signal: AbortSignal): Promise<PutResult>;
}
