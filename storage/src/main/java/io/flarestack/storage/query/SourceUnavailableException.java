package io.flarestack.storage.query;

/**
 * A source could not be read (a corrupt or missing block file). The {@link QueryEngine} drops
 * whatever that source contributed to the query and goes on with the others; the source itself
 * has already logged and counted the problem.
 */
public final class SourceUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SourceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
