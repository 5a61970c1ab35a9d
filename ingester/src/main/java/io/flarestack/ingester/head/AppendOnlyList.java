package io.flarestack.ingester.head;

import java.util.Arrays;

/**
 * A list that one writer at a time appends to (the caller holds a lock) and any number of
 * readers read without locking.
 *
 * <p>Memory-model argument: the writer (1) grows by copying into a new array and publishes it
 * through the volatile {@code data}, (2) stores the element, (3) publishes the new length
 * through the volatile {@code size}. A reader reads {@code size} first, then {@code data}. Every
 * write the writer made before publishing length {@code s} happens-before the reader's read of
 * {@code s}, so the reader sees the elements {@code [0, s)}: either in the array that was
 * current then, or in a later array, whose copy was made before that later array was published
 * through the volatile field the reader then read. Elements are never overwritten, so a reader
 * holding {@code (data, s)} has a consistent, immutable prefix.
 *
 * @param <T> element type
 */
final class AppendOnlyList<T> {
  private volatile Object[] data;
  private volatile int size;

  AppendOnlyList(int capacity) {
    data = new Object[Math.max(4, capacity)];
  }

  /** Appends; the caller guarantees a single writer at a time. */
  void add(T value) {
    Object[] d = data;
    int s = size;
    if (s == d.length) {
      d = Arrays.copyOf(d, s * 2);
      data = d;
    }
    d[s] = value;
    size = s + 1;
  }

  int size() {
    return size;
  }

  /** A consistent prefix of the list, stable however much is appended later. */
  View<T> view() {
    int s = size;
    return new View<>(data, s);
  }

  /** An immutable prefix of the list. */
  static final class View<T> {
    private final Object[] data;
    private final int size;

    private View(Object[] data, int size) {
      this.data = data;
      this.size = size;
    }

    int size() {
      return size;
    }

    @SuppressWarnings("unchecked")
    T get(int i) {
      if (i >= size) {
        throw new IndexOutOfBoundsException("index " + i + " of " + size);
      }
      return (T) data[i];
    }
  }
}
