package io.flarestack.ingester.head;

/**
 * Open-addressing hash index from element content to a dense element id, where the content
 * lives in the owning table's columns: the table supplies the hash and answers "is element
 * {@code id} equal to the probe?". Nothing is boxed and no key object is built per lookup.
 * Not thread-safe (used by writers under their partition's lock).
 */
final class IdHashTable {
  /** Compares a stored element with the probe the owner prepared before calling find. */
  interface Probe {
    boolean matches(int id);
  }

  private int[] slots; // id + 1; 0 = empty
  private int[] hashes;
  private int size;
  private int mask;

  IdHashTable(int expected) {
    int cap = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
    slots = new int[cap];
    hashes = new int[cap];
    mask = cap - 1;
  }

  /** The id of the element equal to the probe, or -1. */
  int find(int hash, Probe probe) {
    int i = spread(hash) & mask;
    while (true) {
      int v = slots[i];
      if (v == 0) {
        return -1;
      }
      if (hashes[i] == hash && probe.matches(v - 1)) {
        return v - 1;
      }
      i = (i + 1) & mask;
    }
  }

  /** Records a new element; the caller checked with {@link #find} that it is absent. */
  void add(int hash, int id) {
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    insert(hash, id + 1);
    size++;
  }

  long estimatedBytes() {
    return slots.length * 8L;
  }

  private void insert(int hash, int slotValue) {
    int i = spread(hash) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = slotValue;
    hashes[i] = hash;
  }

  private void grow() {
    int[] oldSlots = slots;
    int[] oldHashes = hashes;
    slots = new int[oldSlots.length * 2];
    hashes = new int[oldSlots.length * 2];
    mask = slots.length - 1;
    for (int i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] != 0) {
        insert(oldHashes[i], oldSlots[i]);
      }
    }
  }

  private static int spread(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** Mixes a long into a hash. */
  static int hashLong(int h, long v) {
    return 31 * h + Long.hashCode(v * 0xff51afd7ed558ccdL);
  }
}
