package io.flarestack.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** multipart/form-data bodies as okhttp (pyroscope-java's client) writes them. */
final class Multiparts {
  static final String BOUNDARY = "5a7e1f0c-2d3b-4c5d-9e8f-0a1b2c3d4e5f";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private Multiparts() {}

  /** File parts named like their file: {name, bytes} pairs; null bytes leave the part out. */
  static byte[] files(Object... nameAndBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < nameAndBytes.length; i += 2) {
      if (nameAndBytes[i + 1] == null) {
        continue;
      }
      String name = (String) nameAndBytes[i];
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name
          + "\"\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.writeBytes((byte[]) nameAndBytes[i + 1]);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
