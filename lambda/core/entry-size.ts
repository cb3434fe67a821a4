/**
 * The size EventBridge counts for an entry: UTF-8 bytes of Source, DetailType, Detail and each
 * Resource, plus 14 bytes when Time is set.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export function entrySize(entry: {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly Resources?: readonly string[];
  readonly Time?: Date;
}): number {
  let size =
    Buffer.byteLength(entry.Source, "utf8") +
    Buffer.byteLength(entry.DetailType, "utf8") +
    Buffer.byteLength(entry.Detail, "utf8");
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, "utf8");
  if (entry.Time !== undefined) size += 14;
  return size;
}

/** EventBridge bills every started 64 KB of an entry as one event. https://aws.amazon.com/eventbridge/pricing/ */
export const BILLING_CHUNK_BYTES = 64 * 1024;

export function billedChunks(size: number): number {
  return Math.max(1, Math.ceil(size / BILLING_CHUNK_BYTES));
}
