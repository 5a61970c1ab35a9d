package io.flarestack.common.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry of modules and their dependencies, in the manner of dskit's module manager:
 * resolving targets yields every module they need, dependencies before dependents, so starting
 * in that order and stopping in reverse keeps each module's dependencies up while it runs.
 * Not thread-safe; built once by the composition root.
 */
public final class ModuleGraph {
  private final Map<String, Module> modules = new LinkedHashMap<>();

  public ModuleGraph register(Module module) {
    requireNonNull(module, "module is null");
    if (modules.putIfAbsent(module.name(), module) != null) {
      throw new IllegalArgumentException("module " + module.name() + " is registered twice");
    }
    return this;
  }

  public Module get(String name) {
    Module m = modules.get(name);
    if (m == null) {
      throw new IllegalArgumentException("unknown module " + name);
    }
    return m;
  }

  /** The names users may put in {@code -target}, in registration order. */
  public List<String> userVisibleModules() {
    List<String> out = new ArrayList<>();
    for (Module m : modules.values()) {
      if (m.userVisible()) {
        out.add(m.name());
      }
    }
    return out;
  }

  /** Problems with {@code targets}: unknown or internal module names. Empty when all is well. */
  public List<String> validateTargets(Collection<String> targets) {
    List<String> problems = new ArrayList<>();
    if (targets.isEmpty()) {
      problems.add("-target is empty; choose one or more of " + String.join(", ", userVisibleModules()));
    }
    for (String t : targets) {
      Module m = modules.get(t);
      if (m == null || !m.userVisible()) {
        problems.add("-target: unknown module " + '"' + t + '"' + "; choose from " + String.join(", ", userVisibleModules()));
      }
    }
    return problems;
  }

  /**
   * Every module the targets need, dependencies first. Deterministic: among modules whose
   * dependencies are satisfied, registration order decides.
   *
   * @throws IllegalArgumentException on an unknown module or a dependency cycle
   */
  public List<Module> resolve(Collection<String> targets) {
    Set<String> done = new LinkedHashSet<>();
    Set<String> visiting = new LinkedHashSet<>();
    for (String t : targets) {
      visit(t, done, visiting);
    }
    List<Module> out = new ArrayList<>(done.size());
    for (String n : done) {
      out.add(modules.get(n));
    }
    return out;
  }

  private void visit(String name, Set<String> done, Set<String> visiting) {
    if (done.contains(name)) {
      return;
    }
    Module m = get(name);
    if (!visiting.add(name)) {
      throw new IllegalArgumentException("dependency cycle through module " + name + ": " + visiting);
    }
    for (String d : m.dependencies()) {
      visit(d, done, visiting);
    }
    visiting.remove(name);
    done.add(name);
  }
}
