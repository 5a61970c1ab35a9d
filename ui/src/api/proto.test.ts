import { describe, expect, it } from 'vitest';
import { encodeSelectMergeProfile } from './proto';

describe('encodeSelectMergeProfile', () => {
  it('writes the four fields as protobuf', () => {
    const b = encodeSelectMergeProfile('a:b', '{}', 1, 300);
    // tag 1 len 3 "a:b", tag 2 len 2 "{}", tag 3 varint 1, tag 4 varint 300 (0xac 0x02)
    expect(Array.from(b)).toEqual([0x0a, 3, 97, 58, 98, 0x12, 2, 123, 125, 0x18, 1, 0x20, 0xac, 0x02]);
  });

  it('encodes millisecond timestamps beyond 32 bits', () => {
    const b = encodeSelectMergeProfile('', '', 1_700_000_000_000, 0);
    expect(Array.from(b)).toEqual([0x18, 0x80, 0xd0, 0x95, 0xff, 0xbc, 0x31]);
  });
});
