package io.flarestack.storage.block;

/**
 * A block file does not have the expected structure (bad magic, CRC mismatch, truncated
 * section, reference out of range). Readers skip the block and count it; they never crash.
 */
public final class CorruptBlockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptBlockException(String message) {
    super(message);
  }

  public CorruptBlockException(String message, Throwable cause) {
    super(message, cause);
  }
}
