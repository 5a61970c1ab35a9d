package io.flarestack.kv.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free loopback TCP ports, all held open until every one is chosen so none is handed out twice. */
public final class FreePorts {
  private FreePorts() {}

  /** {@code n} free ports. */
  public static int[] take(int n) {
    return takeWithPartner(n, 0);
  }

  /**
   * {@code n} free ports {@code p} such that {@code p + offset} is free too (0: no partner), for
   * servers that listen on a second port at a fixed offset.
   */
  public static int[] takeWithPartner(int n, int offset) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      int found = 0;
      for (int attempt = 0; found < n; attempt++) {
        if (attempt > 1000) {
          throw new IllegalStateException("no free port with a free partner at +" + offset);
        }
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        int p = s.getLocalPort();
        if (offset != 0) {
          if (p + offset > 65535) {
            continue;
          }
          try {
            sockets.add(new ServerSocket(p + offset, 1, InetAddress.getLoopbackAddress()));
          } catch (IOException taken) {
            continue;
          }
        }
        ports[found++] = p;
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // the port is free either way
        }
      }
    }
  }
}
