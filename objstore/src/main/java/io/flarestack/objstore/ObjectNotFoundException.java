package io.flarestack.objstore;

import java.io.IOException;

/** The requested key does not exist in the bucket. */
public final class ObjectNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public ObjectNotFoundException(String bucket, String key) {
    super(bucket + ": object " + key + " not found");
  }
}
