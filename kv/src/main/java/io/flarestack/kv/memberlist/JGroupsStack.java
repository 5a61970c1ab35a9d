package io.flarestack.kv.memberlist;

import io.flarestack.kv.memberlist.MemberlistConfig.Seed;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jgroups.protocols.BARRIER;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

/**
 * The JGroups protocol stack of {@link MemberlistKvStore}, built in code from its config (no XML,
 * no system properties). It is the jar's {@code tcp.xml} with FRAG2 for FRAG4, no STATE_TRANSFER
 * (push/pull is ours), and the tuned timings measured on loopback: MERGE3 2–5 s so partitions heal
 * in seconds, FD_ALL3 6 s / 1 s so a hung node leaves the view in about 9 s, GMS join timeout 1 s so
 * a lone first node forms its cluster quickly. Stateless.
 */
final class JGroupsStack {
  private JGroupsStack() {}

  static Protocol[] protocols(MemberlistConfig config) throws UnknownHostException {
    List<Protocol> stack = new ArrayList<>();
    InetAddress bind = config.bindAddr().isEmpty() ? null : InetAddress.getByName(config.bindAddr());
    TCP tcp = new TCP();
    if (bind != null) {
      tcp.setBindAddress(bind);
    }
    tcp.setBindPort(config.bindPort());
    tcp.setPortRange(0);
    if (!config.advertiseAddr().isEmpty()) {
      tcp.setExternalAddr(InetAddress.getByName(config.advertiseAddr()));
      tcp.setExternalPort(config.advertisePort());
    }
    stack.add(tcp);

    List<Seed> seeds = config.seeds();
    List<InetSocketAddress> hosts = new ArrayList<>();
    for (Seed s : seeds) {
      if (s.kind() == Seed.Kind.STATIC) {
        // Resolved now: TCPPING keeps addresses, and an unknown host is a configuration error to report.
        hosts.add(new InetSocketAddress(InetAddress.getByName(s.host()), s.port()));
      }
    }
    List<Seed> dnsA = seeds.stream().filter(s -> s.kind() == Seed.Kind.DNS_A).toList();
    List<Seed> dnsSrv = seeds.stream().filter(s -> s.kind() == Seed.Kind.DNS_SRV).toList();
    if (!hosts.isEmpty() || (dnsA.isEmpty() && dnsSrv.isEmpty())) {
      TCPPING ping = new TCPPING();
      ping.setInitialHosts(hosts);
      ping.setPortRange(0);
      // Answers carry every member this node knows, not only itself: a node whose seeds are some of
      // the members learns the others' addresses, so its JOIN and MERGE3's requests reach their
      // coordinator. Without it, nodes started together listing one seed ended in overlapping views
      // that MERGE3 did not repair within 35 s in 3 of 5 runs.
      ping.returnEntireCache(true);
      stack.add(ping);
    }
    if (!dnsA.isEmpty()) {
      // A records carry no port: DNS_PING contacts each address on the transport's bind port, so
      // dns+ seeds must name the port every peer listens on (as in a Kubernetes headless service).
      for (Seed s : dnsA) {
        if (s.port() != config.bindPort()) {
          throw new IllegalArgumentException(MemberlistConfig.JOIN.describe() + ": dns+" + s.host() + ":" + s.port()
              + " must use the port every peer binds, -memberlist.bind-port=" + config.bindPort());
        }
      }
      stack.add(new DNS_PING().dnsRecordType("A")
          .dnsQuery(dnsA.stream().map(Seed::host).collect(Collectors.joining(","))));
    }
    if (!dnsSrv.isEmpty()) {
      stack.add(new DNS_PING().dnsRecordType("SRV")
          .dnsQuery(dnsSrv.stream().map(Seed::host).collect(Collectors.joining(","))));
    }

    stack.add(new MERGE3().setMinInterval(2_000).setMaxInterval(5_000));
    FD_SOCK2 fdSock = new FD_SOCK2().setOffset(config.failureDetectionPortOffset());
    if (bind != null) {
      fdSock.setBindAddress(bind);
    }
    stack.add(fdSock);
    stack.add(new FD_ALL3().setTimeout(6_000).setInterval(1_000));
    stack.add(new VERIFY_SUSPECT2().setTimeout(1_500));
    stack.add(new BARRIER());
    stack.add(new NAKACK2().useMcastXmit(false));
    stack.add(new UNICAST3());
    stack.add(new STABLE().setDesiredAverageGossip(50_000).setMaxBytes(4L << 20));
    stack.add(new GMS().setJoinTimeout(1_000).setLeaveTimeout(config.leaveTimeout().toMillis()));
    stack.add(new MFC().setMaxCredits(2L << 20).setMinThreshold(0.4));
    stack.add(new UFC().setMaxCredits(2L << 20).setMinThreshold(0.4));
    stack.add(new FRAG2().setFragSize(60_000));
    return stack.toArray(Protocol[]::new);
  }
}
