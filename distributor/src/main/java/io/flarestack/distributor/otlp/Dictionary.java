package io.flarestack.distributor.otlp;

import io.flarestack.common.errors.FlarestackException;
import io.opentelemetry.proto.profiles.v1development.Function;
import io.opentelemetry.proto.profiles.v1development.KeyValueAndUnit;
import io.opentelemetry.proto.profiles.v1development.Link;
import io.opentelemetry.proto.profiles.v1development.Location;
import io.opentelemetry.proto.profiles.v1development.Mapping;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import io.opentelemetry.proto.profiles.v1development.Stack;

/**
 * Bounds-checked access to the request-level {@link ProfilesDictionary}: every index an OTLP
 * profile carries is untrusted, and an index outside its table is an invalid argument naming the
 * table, the index and the table size. Stateless.
 */
final class Dictionary {
  private Dictionary() {}

  static String string(ProfilesDictionary d, int idx, String what) {
    check(idx, d.getStringTableCount(), what + " string");
    return d.getStringTable(idx);
  }

  static KeyValueAndUnit attribute(ProfilesDictionary d, int idx) {
    check(idx, d.getAttributeTableCount(), "attribute");
    return d.getAttributeTable(idx);
  }

  static Stack stack(ProfilesDictionary d, int idx) {
    check(idx, d.getStackTableCount(), "stack");
    return d.getStackTable(idx);
  }

  static Location location(ProfilesDictionary d, int idx) {
    check(idx, d.getLocationTableCount(), "location");
    return d.getLocationTable(idx);
  }

  static Function function(ProfilesDictionary d, int idx) {
    check(idx, d.getFunctionTableCount(), "function");
    return d.getFunctionTable(idx);
  }

  static Mapping mapping(ProfilesDictionary d, int idx) {
    check(idx, d.getMappingTableCount(), "mapping");
    return d.getMappingTable(idx);
  }

  static Link link(ProfilesDictionary d, int idx) {
    check(idx, d.getLinkTableCount(), "link");
    return d.getLinkTable(idx);
  }

  private static void check(int idx, int size, String what) {
    if (idx < 0 || idx >= size) {
      throw FlarestackException.invalidArgument("invalid %s index: %d (the dictionary's %s table has %d entries)",
          what, idx, what, size);
    }
  }
}
