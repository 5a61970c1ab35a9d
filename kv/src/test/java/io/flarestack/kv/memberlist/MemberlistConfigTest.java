package io.flarestack.kv.memberlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.kv.memberlist.MemberlistConfig.Seed;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.Test;

class MemberlistConfigTest {
  @Test
  void joinEntriesAreStaticHostsOrDnsQueries() {
    assertThat(Seed.parse("10.0.0.1:7000", 7946)).isEqualTo(new Seed(Seed.Kind.STATIC, "10.0.0.1", 7000));
    assertThat(Seed.parse("ingester-0", 7946)).isEqualTo(new Seed(Seed.Kind.STATIC, "ingester-0", 7946));
    assertThat(Seed.parse("[::1]:7000", 7946)).isEqualTo(new Seed(Seed.Kind.STATIC, "::1", 7000));
    assertThat(Seed.parse("dns+pyroscope-memberlist.ns.svc:7946", 7946))
        .isEqualTo(new Seed(Seed.Kind.DNS_A, "pyroscope-memberlist.ns.svc", 7946));
    assertThat(Seed.parse("dnssrv+_memberlist._tcp.svc", 7946))
        .isEqualTo(new Seed(Seed.Kind.DNS_SRV, "_memberlist._tcp.svc", 0));
  }

  @Test
  void badSettingsAreRefusedNamingTheFlagAndTheValue() {
    assertThatThrownBy(() -> MemberlistConfig.defaults("127.0.0.1", 7946, List.of("host:port")))
        .hasMessageContaining("-memberlist.join").hasMessageContaining("bad port \"port\"");
    assertThatThrownBy(() -> MemberlistConfig.defaults("127.0.0.1", 7946, List.of("dnssrvnoa+x")))
        .hasMessageContaining("dnssrvnoa+ is not supported");
    assertThatThrownBy(() -> MemberlistConfig.defaults("127.0.0.1", 70000, List.of()))
        .hasMessageContaining("-memberlist.bind-port").hasMessageContaining("70000");
    assertThatThrownBy(() -> MemberlistConfig.defaults("127.0.0.1", 7946, List.of())
        .withIntervals(Duration.ZERO, Duration.ofSeconds(30)))
        .hasMessageContaining("-memberlist.gossip-interval").hasMessageContaining("must be positive, got PT0S");
  }

  @Test
  void joinRetrySettingsAreCheckedNamingTheFlag() {
    MemberlistConfig base = MemberlistConfig.defaults("127.0.0.1", 7946, List.of());
    assertThat(base.joinRetries()).isEqualTo(new MemberlistConfig.JoinRetries(10, Duration.ofSeconds(1),
        Duration.ofMinutes(1), false));
    assertThatThrownBy(() -> base.withJoinRetries(new MemberlistConfig.JoinRetries(-1, Duration.ofSeconds(1),
        Duration.ofMinutes(1), false))).hasMessageContaining("-memberlist.max-join-retries").hasMessageContaining("-1");
    assertThatThrownBy(() -> base.withJoinRetries(new MemberlistConfig.JoinRetries(10, Duration.ofSeconds(2),
        Duration.ofSeconds(1), false))).hasMessageContaining("-memberlist.max-join-backoff")
        .hasMessageContaining("-memberlist.min-join-backoff");
    assertThatThrownBy(() -> base.withJoinRetries(new MemberlistConfig.JoinRetries(10, Duration.ZERO,
        Duration.ofSeconds(1), false))).hasMessageContaining("-memberlist.min-join-backoff")
        .hasMessageContaining("must be positive, got PT0S");
  }

  @Test
  void joinBackoffDoublesItsRangeUpToTheMaximumAsDskitDoes() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    JoinBackoff backoff = new JoinBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10), random);
    // Ranges [1,2), [2,4), [4,8) seconds, then [8,10) (the upper bound capped at 10 s) from then on.
    long[][] ranges = {{1000, 2000}, {2000, 4000}, {4000, 8000}, {8000, 10000}, {8000, 10000}, {8000, 10000}};
    for (long[] r : ranges) {
      assertThat(backoff.next().toMillis()).isGreaterThanOrEqualTo(r[0]).isLessThan(r[1]);
    }
  }

  @Test
  void theStackBindsTheConfiguredAddressAndDiscoversBySeedKind() throws Exception {
    MemberlistConfig config = MemberlistConfig.defaults("127.0.0.1", 7946,
        List.of("127.0.0.1:7947", "dns+peers.example:7946"));

    Protocol[] stack = JGroupsStack.protocols(config);

    TCP tcp = (TCP) stack[0];
    assertThat(tcp.getBindAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(tcp.getBindPort()).isEqualTo(7946);
    assertThat(Arrays.stream(stack).map(p -> p.getClass().getSimpleName()))
        .startsWith("TCP", "TCPPING", "DNS_PING", "MERGE3", "FD_SOCK2");
    TCPPING ping = (TCPPING) stack[1];
    assertThat(ping.getInitialHosts()).hasToString("[127.0.0.1:7947]");
    assertThat(ping.returnEntireCache()).as("answers name every known member").isTrue();
    assertThat(((DNS_PING) stack[2]).dnsQuery()).isEqualTo("peers.example");
    assertThat(((DNS_PING) stack[2]).dnsRecordType()).isEqualTo("A");
    assertThat(((FD_SOCK2) stack[4]).getOffset()).isEqualTo(100);
  }

  @Test
  void aDnsSeedOnAnotherPortThanTheBindPortIsRefused() {
    MemberlistConfig config = MemberlistConfig.defaults("127.0.0.1", 7946, List.of("dns+peers.example:8000"));
    assertThatThrownBy(() -> JGroupsStack.protocols(config)).hasMessageContaining("dns+peers.example:8000")
        .hasMessageContaining("-memberlist.bind-port=7946");
  }
}
