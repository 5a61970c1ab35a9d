package io.flarestack.server.cluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The host a ring entry advertises for this process's gRPC server, chosen as Pyroscope's rings
 * choose it, in order: the ring's own {@code instance-addr} flag; {@code -memberlist.advertise-addr};
 * {@code -memberlist.bind-addr} unless it is the wildcard; the first private (site-local) IPv4
 * address of an interface that is up; the loopback address. So a process started with
 * {@code -memberlist.bind-addr=127.0.0.1} is reachable on loopback with no other address flag.
 * Stateless.
 */
public final class InstanceAddress {
  private InstanceAddress() {}

  /**
   * @param ringInstanceAddr the ring's {@code instance-addr} flag, empty when unset
   * @param advertiseAddr {@code -memberlist.advertise-addr}, empty when unset
   * @param bindAddr {@code -memberlist.bind-addr}, empty when unset
   * @param interfaceAddresses the addresses of the interfaces that are up, in interface order
   */
  public static String host(String ringInstanceAddr, String advertiseAddr, String bindAddr,
      List<InetAddress> interfaceAddresses) {
    for (String configured : List.of(ringInstanceAddr, advertiseAddr, bindAddr)) {
      if (!configured.isEmpty() && !isWildcard(configured)) {
        return configured;
      }
    }
    for (InetAddress a : interfaceAddresses) {
      if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
        return a.getHostAddress();
      }
    }
    return "127.0.0.1";
  }

  /** The addresses of this machine's interfaces that are up, in interface order; empty when they cannot be listed. */
  public static List<InetAddress> localInterfaceAddresses() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp() && !nic.isLoopback()) {
          out.addAll(Collections.list(nic.getInetAddresses()));
        }
      }
    } catch (SocketException e) {
      // No interface list: the loopback fallback applies.
    }
    return out;
  }

  /** {@code host:port}, bracketing an IPv6 literal. */
  public static String hostPort(String host, int port) {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  private static boolean isWildcard(String addr) {
    return addr.equals("0.0.0.0") || addr.equals("::") || addr.equals("[::]");
  }
}
