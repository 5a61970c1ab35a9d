package io.flarestack.common.cancel;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.model.Checkpoint;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;

/**
 * The stop check of one query: reads the {@link Context} the query runs in (its deadline, and
 * the cancellation that follows its caller going away, which gRPC and the Connect edge propagate
 * to every internal call) and throws {@link QueryCancelledException} once it is cancelled. Every
 * loop that scans series, rows or stack nodes, or builds trees, calls it.
 *
 * <p>Two costs: {@link #checkNow()} looks at the context on every call (tens of nanoseconds; for
 * loops whose iterations cost a microsecond or more: per source, series, row group);
 * {@link #check()} counts and looks every {@value #EVERY}th call (for per-row and per-node loops).
 * Take one instance per loop nest on the thread that runs it ({@link #current()} captures the
 * thread's context). The call counter is not synchronised: sharing an instance between threads
 * only makes the sampling less regular.
 */
public final class Cancellation implements Checkpoint {
  /** How many {@link #check()} calls share one look at the context (a power of two). */
  static final int EVERY = 1024;

  private static final Cancellation NEVER = new Cancellation(Context.ROOT);

  private final Context context;
  private int calls;

  private Cancellation(Context context) {
    this.context = requireNonNull(context, "context is null");
  }

  /** The check of the context current on this thread. */
  public static Cancellation current() {
    return new Cancellation(Context.current());
  }

  /** The check of a given context. */
  public static Cancellation of(Context context) {
    return new Cancellation(context);
  }

  /** A check that never stops anything (outside any query). */
  public static Cancellation never() {
    return NEVER;
  }

  /**
   * Looks at the context on the first call and then every {@value #EVERY}th.
   *
   * @throws QueryCancelledException when the context is cancelled
   */
  @Override
  public void check() {
    if ((calls++ & (EVERY - 1)) == 0) {
      checkNow();
    }
  }

  /**
   * Looks at the context now.
   *
   * @throws QueryCancelledException when the context is cancelled
   */
  public void checkNow() {
    if (context.isCancelled()) {
      throw cancelled(context);
    }
  }

  /** Whether the context is cancelled (for loops that stop without throwing). */
  public boolean isCancelled() {
    return context.isCancelled();
  }

  /** The exception for a cancelled context, with a message saying why the query stopped. */
  static QueryCancelledException cancelled(Context context) {
    Status s = Contexts.statusFromCancelled(context);
    if (s == null) {
      s = Status.CANCELLED;
    }
    String why = switch (s.getCode()) {
      case DEADLINE_EXCEEDED -> "the query ran past its deadline";
      case CANCELLED -> "the query was cancelled (its caller went away)";
      default -> "the query was stopped";
    };
    String detail = s.getDescription();
    return new QueryCancelledException(s.withDescription(detail == null ? why : why + ": " + detail));
  }
}
