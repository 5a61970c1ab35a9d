package io.flarestack.common.io;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.grpc.Context;

/**
 * The heap one request holds, drawn from the server's {@link MemoryBudget}: the edge
 * reserves the body as it arrives, decoders reserve what decompression and decoding will build
 * before they build it ({@link Gzip}, {@link ProtoGuard}, {@link JsonGuard}), and everything is given
 * back once the response is written or the request abandoned ({@link #close()}) <em>and</em>
 * every piece of code still working on the request has let go of it ({@link #retain()}), so a
 * client that hangs up cannot free the budget while its request is still being decoded.
 *
 * <p>The edge puts the request's reservation in the {@link io.grpc.Context} of every handler and
 * call ({@link #KEY}), so decoders deep in a component find it with {@link #current()}. Code that
 * runs outside a request (replay, internal in-process calls, tests) gets {@link #unbounded()},
 * which only counts. Thread-safe.
 */
public final class RequestMemory implements AutoCloseable {
  /** Where the edge keeps the current request's reservation. */
  public static final Context.Key<RequestMemory> KEY = Context.key("flarestack-request-memory");

  private final MemoryBudget budget; // null: unbounded
  private long held; // guarded by this
  private int refs = 1; // the owner's and every retain's; guarded by this
  private boolean ownerClosed; // guarded by this
  private boolean closed; // every reference let go; guarded by this

  RequestMemory(MemoryBudget budget) {
    this.budget = budget;
  }

  /** A reservation without a budget: it counts but never refuses. */
  public static RequestMemory unbounded() {
    return new RequestMemory(null);
  }

  /** The current request's reservation, or a fresh unbounded one when there is no request. */
  public static RequestMemory current() {
    RequestMemory m = KEY.get();
    return m != null ? m : unbounded();
  }

  /** A context like {@code parent} carrying this reservation. */
  public Context attachTo(Context parent) {
    return parent.withValue(KEY, this);
  }

  /**
   * Reserves {@code bytes} more for this request.
   *
   * @param what what the bytes are for, as the message names it (e.g. "the decompressed request body")
   * @throws TooLargeException (413) when this request alone would need more than the whole budget
   * @throws FlarestackException resource_exhausted (429) when other requests in flight hold the rest
   *     of the budget now; a retry may succeed
   */
  public void reserve(long bytes, String what) {
    if (bytes <= 0) {
      return;
    }
    synchronized (this) {
      if (budget == null || closed) {
        held += closed ? 0 : bytes;
        return;
      }
      if (bytes > budget.capacity() - held) {
        throw new TooLargeException(String.format(
            "the request needs more than %d bytes of memory for %s, more than the server allows one request"
                + " (%d bytes in all, %s)", held + bytes, what, budget.capacity(), MemoryBudget.FLAG));
      }
      if (!budget.tryTake(bytes)) {
        throw new FlarestackException(ErrorCode.RESOURCE_EXHAUSTED, String.format(
            "the server is busy: requests in flight hold %d of the %d bytes of memory they may use together"
                + " (%s), so %d more bytes for %s do not fit now; retry later",
            budget.used(), budget.capacity(), MemoryBudget.FLAG, bytes, what));
      }
      held += bytes;
    }
  }

  /** Gives back {@code bytes} that the request no longer holds (at most what it holds). */
  public synchronized void release(long bytes) {
    long n = Math.min(Math.max(bytes, 0), held);
    held -= n;
    if (budget != null && !closed) {
      budget.give(n);
    }
  }

  /**
   * The most this request could still reserve if no other request held anything: what a decoder
   * may stop estimating above. {@link Long#MAX_VALUE} without a budget.
   */
  public synchronized long available() {
    return budget == null ? Long.MAX_VALUE : Math.max(0, budget.capacity() - held);
  }

  /** The bytes this request holds now. */
  public synchronized long held() {
    return held;
  }

  /**
   * Keeps the reservation alive while the caller works on the request, even if its owner closes
   * it meanwhile; closing the returned hold (once) lets go.
   */
  public Hold retain() {
    synchronized (this) {
      if (closed) {
        return () -> {};
      }
      refs++;
    }
    return new Hold() {
      private boolean done;

      @Override
      public void close() {
        synchronized (RequestMemory.this) {
          if (!done) {
            done = true;
            unref();
          }
        }
      }
    };
  }

  /**
   * The owner (the edge) lets go: the request is answered or abandoned. Everything is given
   * back once no {@link #retain() hold} remains; later reservations are not counted. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (!ownerClosed) {
      ownerClosed = true;
      unref();
    }
  }

  private void unref() {
    if (--refs == 0) {
      closed = true;
      if (budget != null) {
        budget.give(held);
      }
      held = 0;
    }
  }

  /** A {@link #retain()}: closing it lets go of the reservation. */
  public interface Hold extends AutoCloseable {
    @Override
    void close();
  }
}
