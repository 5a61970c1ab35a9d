package io.flarestack.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceAddressTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // a literal: no lookup
  }

  @Test
  void theRingsOwnAddressWinsThenAdvertiseThenBind() throws Exception {
    List<InetAddress> nics = List.of(ip("10.1.2.3"));
    assertThat(InstanceAddress.host("10.9.9.9", "10.8.8.8", "127.0.0.1", nics)).isEqualTo("10.9.9.9");
    assertThat(InstanceAddress.host("", "10.8.8.8", "127.0.0.1", nics)).isEqualTo("10.8.8.8");
    assertThat(InstanceAddress.host("", "", "127.0.0.1", nics)).isEqualTo("127.0.0.1");
  }

  @Test
  void aWildcardBindFallsBackToTheFirstPrivateIpv4Interface() throws Exception {
    List<InetAddress> nics = List.of(ip("fe80::1"), ip("203.0.113.7"), ip("192.168.4.5"), ip("10.0.0.2"));
    assertThat(InstanceAddress.host("", "", "0.0.0.0", nics)).isEqualTo("192.168.4.5");
    assertThat(InstanceAddress.host("", "", "", nics)).isEqualTo("192.168.4.5");
  }

  @Test
  void noPrivateInterfaceMeansLoopback() throws Exception {
    assertThat(InstanceAddress.host("", "", "", List.of(ip("203.0.113.7")))).isEqualTo("127.0.0.1");
    assertThat(InstanceAddress.host("", "", "::", List.of())).isEqualTo("127.0.0.1");
  }

  @Test
  void ipv6HostsAreBracketed() {
    assertThat(InstanceAddress.hostPort("fd00::1", 9095)).isEqualTo("[fd00::1]:9095");
    assertThat(InstanceAddress.hostPort("10.0.0.1", 9095)).isEqualTo("10.0.0.1:9095");
  }
}
