// FNV-1a (32 bit) over the UTF-8 bytes of a string: how DTFx's Azure Storage provider picks
// the control queue (partition) of an instance, so an instance lands in the same
// `{hub}-control-NN` queue as it would in Azure.

export function fnv1a(value: string): number {
  let hash = 2166136261;
  for (const byte of Buffer.from(value, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash >>> 0;
}
