package io.flarestack.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleGraphTest {
  private final List<String> events = new ArrayList<>();

  private Module module(String name, boolean visible, String... deps) {
    return new Module(name, List.of(deps), visible, () -> new AbstractService(name) {
      @Override
      protected void doStart() {
        events.add("start " + name);
      }

      @Override
      protected void doStop() {
        events.add("stop " + name);
      }
    });
  }

  private ModuleGraph graph() {
    return new ModuleGraph()
        .register(module("server", false))
        .register(module("ring", false, "server"))
        .register(module("ingester", true, "server", "ring"))
        .register(module("distributor", true, "server", "ring"))
        .register(module("querier", true, "server", "ring"))
        .register(module("all", true, "ingester", "distributor", "querier"));
  }

  @Test
  void resolvesDependenciesFirstAndOnlyWhatTargetsNeed() {
    ModuleGraph g = graph();
    assertThat(g.resolve(List.of("distributor")).stream().map(Module::name))
        .containsExactly("server", "ring", "distributor");
    assertThat(g.resolve(List.of("all")).stream().map(Module::name))
        .containsExactly("server", "ring", "ingester", "distributor", "querier", "all");
  }

  @Test
  void startsInOrderAndStopsInReverse() throws Exception {
    ServiceManager m = new ServiceManager(graph().resolve(List.of("querier", "ingester")));
    assertThat(m.notReadyReasons()).containsExactly("starting");
    m.start();
    assertThat(m.notReadyReasons()).isEmpty();
    m.stop();
    assertThat(events).containsExactly("start server", "start ring", "start querier", "start ingester",
        "stop ingester", "stop querier", "stop ring", "stop server");
    assertThat(m.notReadyReasons()).contains("shutting down");
  }

  @Test
  void failedStartStopsWhatAlreadyRuns() {
    ModuleGraph g = new ModuleGraph()
        .register(module("server", false))
        .register(new Module("bad", List.of("server"), true, () -> new AbstractService("bad") {
          @Override
          protected void doStart() {
            throw new IllegalStateException("port in use");
          }

          @Override
          protected void doStop() {
            events.add("cleanup bad");
          }
        }));
    ServiceManager m = new ServiceManager(g.resolve(List.of("bad")));
    assertThatThrownBy(m::start).hasMessage("port in use");
    assertThat(events).containsExactly("start server", "cleanup bad", "stop server");
  }

  @Test
  void validatesTargets() {
    ModuleGraph g = graph();
    assertThat(g.validateTargets(List.of("all", "querier"))).isEmpty();
    assertThat(g.validateTargets(List.of("ring"))).singleElement().asString().contains("unknown module \"ring\"");
    assertThat(g.validateTargets(List.of("nope", "also"))).hasSize(2);
    assertThat(g.userVisibleModules()).containsExactly("ingester", "distributor", "querier", "all");
  }

  @Test
  void detectsCycles() {
    ModuleGraph g = new ModuleGraph().register(module("a", true, "b")).register(module("b", true, "a"));
    assertThatThrownBy(() -> g.resolve(List.of("a"))).hasMessageContaining("cycle");
  }
}
