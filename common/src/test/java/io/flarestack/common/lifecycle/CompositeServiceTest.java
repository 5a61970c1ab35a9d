package io.flarestack.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeServiceTest {
  private final List<String> events = new ArrayList<>();

  private Service part(String name, boolean failStart) {
    return new AbstractService(name) {
      @Override
      protected void doStart() {
        if (failStart) {
          throw new IllegalStateException(name + " cannot start");
        }
        events.add("start " + name);
      }

      @Override
      protected void doStop() {
        events.add("stop " + name);
      }
    };
  }

  @Test
  void startsInOrderStopsInReverse() throws Exception {
    CompositeService c = new CompositeService("ingester", List.of(part("head", false), part("lifecycler", false)));
    c.start();
    assertThat(c.isHealthy()).isTrue();
    c.stop();
    assertThat(events).containsExactly("start head", "start lifecycler", "stop lifecycler", "stop head");
  }

  @Test
  void aFailedPartStopsThePartsAlreadyStarted() {
    CompositeService c = new CompositeService("x", List.of(part("a", false), part("b", true)));
    assertThatThrownBy(c::start).hasMessage("b cannot start");
    // b releases its partial state itself (AbstractService calls doStop after a failed start).
    assertThat(events).containsExactly("start a", "stop b", "stop a");
    assertThat(c.state()).isEqualTo(Service.State.FAILED);
  }

  @Test
  void unhealthyWhenAPartIs() throws Exception {
    Service sick = new AbstractService("ring") {
      @Override
      protected void doStart() {}

      @Override
      protected void doStop() {}

      @Override
      public boolean isHealthy() {
        return false;
      }

      @Override
      public String unhealthyReason() {
        return "no healthy ingester in the ring";
      }
    };
    CompositeService c = new CompositeService("querier", List.of(part("q", false), sick));
    c.start();
    assertThat(c.isHealthy()).isFalse();
    assertThat(c.unhealthyReason()).isEqualTo("no healthy ingester in the ring");
  }
}
