package io.flarestack.common.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Supplier;

/**
 * A named unit of the module graph: the things it needs started first, and a factory that
 * builds its service (or returns null for a module that only wires objects together).
 * User-visible modules can be named in {@code -target}.
 */
public record Module(String name, List<String> dependencies, boolean userVisible, Supplier<Service> factory) {
  public Module {
    requireNonNull(name, "name is null");
    dependencies = List.copyOf(requireNonNull(dependencies, "dependencies is null"));
    requireNonNull(factory, "factory is null");
  }
}
