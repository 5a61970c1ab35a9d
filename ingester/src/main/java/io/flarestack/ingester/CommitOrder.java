package io.flarestack.ingester;

/**
 * Makes a tenant's pushes reach the head in the order they reached the write-ahead log.
 * Cumulative series store differences between consecutive profiles, so the head state depends
 * on commit order; replay applies records in log order, so pushes must be committed in that
 * order too. A push takes a ticket in the same critical section in which it appends to the log,
 * waits for its record to be durable (in parallel with others: group commit), then waits for
 * its turn to commit. Thread-safe.
 */
final class CommitOrder {
  private long nextTicket;
  private long nextToCommit;

  /** Call while holding this object's monitor, together with the log append. */
  long take() {
    return nextTicket++;
  }

  /** Runs {@code commit} once every earlier ticket has committed or given up. */
  void commit(long ticket, Runnable commit) {
    awaitTurn(ticket);
    try {
      commit.run();
    } finally {
      done(ticket);
    }
  }

  /** Gives up a ticket whose log append failed, so later tickets are not held up. */
  void skip(long ticket) {
    awaitTurn(ticket);
    done(ticket);
  }

  private synchronized void awaitTurn(long ticket) {
    boolean interrupted = false;
    while (nextToCommit != ticket) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true; // a ticket must be consumed, or every later push of the tenant would hang
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void done(long ticket) {
    nextToCommit = ticket + 1;
    notifyAll();
  }
}
