/**
 * The iteration order of a `java.util.HashMap` filled with keys in a given order. Connect's
 * JsonConverter writes an Avro map in the order of the HashMap AvroData copied it into, so the
 * connector's JSON has map entries in hash order, not in written order.
 * https://github.com/openjdk/jdk/blob/master/src/java.base/share/classes/java/util/HashMap.java
 *
 * A bucket's chain keeps insertion order (appends at the tail; resizing splits chains in order), so the
 * order is by bucket index in the final table, then by first insertion. The table starts at
 * `tableSizeFor(initialCapacity)`, doubles when the size passes 0.75 of it, and also when a bucket
 * reaches 9 entries while the table is under 64. Past that a bucket becomes a red-black tree whose
 * order this does not model: it takes 9 keys in one bucket of a table of 64 or more.
 */

/** `String.hashCode()`: over UTF-16 code units. */
export function javaStringHash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i += 1) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
  return h;
}

/** Avro's `Utf8.hashCode()`: the same formula over the UTF-8 bytes as Java (signed) bytes. */
export function utf8BytesHash(key: string): number {
  let ascii = true;
  for (let i = 0; i < key.length; i += 1) {
    if (key.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return javaStringHash(key);
  let h = 0;
  for (const b of Buffer.from(key, "utf8")) h = (Math.imul(31, h) + (b > 0x7f ? b - 256 : b)) | 0;
  return h;
}

function tableSizeFor(capacity: number): number {
  let size = 1;
  while (size < capacity && size < 2 ** 30) size *= 2;
  return size;
}

const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/**
 * For `new HashMap<>(initialCapacity)` filled by `put(keys[0]) ... put(keys[n-1])`: the index of each
 * distinct key's last occurrence (the value a repeated put leaves), in the map's iteration order.
 */
export function hashMapOrder(
  keys: readonly string[],
  initialCapacity: number,
  hash: (key: string) => number,
): number[] {
  let capacity = tableSizeFor(initialCapacity);
  const spread: number[] = [];
  const firstIndex: number[] = [];
  const lastIndex = new Map<string, number>();
  let buckets = new Map<number, number>();
  const rebucket = (): void => {
    buckets = new Map();
    for (const h of spread) {
      const b = h & (capacity - 1);
      buckets.set(b, (buckets.get(b) ?? 0) + 1);
    }
  };
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    if (lastIndex.has(key)) {
      lastIndex.set(key, i);
      continue;
    }
    lastIndex.set(key, i);
    const h = hash(key);
    const s = h ^ (h >>> 16);
    spread.push(s);
    firstIndex.push(i);
    const bucket = s & (capacity - 1);
    const before = buckets.get(bucket) ?? 0;
    buckets.set(bucket, before + 1);
    let grow = before >= TREEIFY_THRESHOLD && capacity < MIN_TREEIFY_CAPACITY;
    if (grow) {
      capacity *= 2;
      rebucket();
    }
    grow = spread.length > Math.floor(capacity * 0.75);
    if (grow) {
      capacity *= 2;
      rebucket();
    }
  }
  const entries = spread.map((s, n) => ({ bucket: s & (capacity - 1), n }));
  entries.sort((a, b) => a.bucket - b.bucket || a.n - b.n);
  return entries.map(({ n }) => lastIndex.get(keys[firstIndex[n] as number] as string) as number);
}
