package io.flarestack.common.edge.http;

import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.io.Gzip;
import io.flarestack.common.io.RequestMemory;
import java.io.IOException;

/** Request bodies at the edge: decompression within the body limit and the request's memory. */
public final class Bodies {
  /** The flag behind the body limit, as messages name it. */
  public static final String LIMIT_FLAG = "-distributor.ingestion-body-limit-mb";

  private Bodies() {}

  /**
   * Undoes {@code Content-Encoding: gzip} of a body.
   *
   * @param what names the data in messages, e.g. {@code request body}
   * @throws TooLargeException (413) when the output would exceed {@code limit} bytes
   * @throws FlarestackException invalid_argument when the data is not valid gzip; or what the
   *     request's memory reservation throws
   */
  public static byte[] gunzip(byte[] data, long limit, String what, RequestMemory memory) {
    byte[] out;
    try {
      out = Gzip.gunzip(data, limit, memory);
    } catch (IOException e) {
      throw FlarestackException.invalidArgument("%s is not valid gzip: %s", what, e.getMessage());
    }
    if (out == null) {
      throw new TooLargeException(what + " is larger than the limit of " + limit + " bytes once gzip-decompressed ("
          + data.length + " bytes compressed, " + LIMIT_FLAG + ")");
    }
    return out;
  }
}
