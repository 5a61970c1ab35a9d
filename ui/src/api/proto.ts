// Just enough protobuf encoding for `querier.v1.SelectMergeProfileRequest`
// (1 profile_typeID, 2 label_selector, 3 start, 4 end), so the pprof export travels as binary.

function varint(out: number[], v: bigint): void {
  let x = BigInt.asUintN(64, v);
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
}

function stringField(out: number[], field: number, s: string): void {
  if (!s) return;
  const bytes = new TextEncoder().encode(s);
  varint(out, BigInt((field << 3) | 2));
  varint(out, BigInt(bytes.length));
  for (const b of bytes) out.push(b);
}

function int64Field(out: number[], field: number, v: number): void {
  if (!v) return;
  varint(out, BigInt(field << 3));
  varint(out, BigInt(Math.trunc(v)));
}

export function encodeSelectMergeProfile(profileTypeID: string, labelSelector: string, start: number, end: number): Uint8Array {
  const out: number[] = [];
  stringField(out, 1, profileTypeID);
  stringField(out, 2, labelSelector);
  int64Field(out, 3, start);
  int64Field(out, 4, end);
  return new Uint8Array(out);
}
