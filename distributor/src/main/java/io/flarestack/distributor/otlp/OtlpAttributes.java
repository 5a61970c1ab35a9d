package io.flarestack.distributor.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.profiles.v1development.KeyValueAndUnit;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;
import java.util.List;

/**
 * Reading OTLP attributes as label values. Only scalar values that read naturally as a label
 * become one: strings as they are, integers in decimal, and a one-element array as its element;
 * booleans, doubles, bytes, longer arrays and key-value lists are ignored (Pyroscope's rule).
 * Stateless.
 */
final class OtlpAttributes {
  static final String SERVICE_NAME = "service.name";
  static final String PROCESS_EXECUTABLE_NAME = "process.executable.name";
  static final String BUILD_ID_GNU = "process.executable.build_id.gnu";

  private OtlpAttributes() {}

  /** The label value of an attribute value, or "" when it has none. */
  static String labelValue(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case ARRAY_VALUE -> v.getArrayValue().getValuesCount() == 1 ? labelValue(v.getArrayValue().getValues(0)) : "";
      default -> "";
    };
  }

  /** The label value of the first attribute named {@code key} in a resource or scope list, or "". */
  static String find(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return labelValue(kv.getValue());
      }
    }
    return "";
  }

  /**
   * The label value of the first dictionary attribute named {@code key} among {@code indices},
   * or "".
   *
   * @throws io.flarestack.common.errors.FlarestackException invalid_argument when an index is out
   *     of the attribute or string table
   */
  static String find(ProfilesDictionary d, List<Integer> indices, String key) {
    for (int idx : indices) {
      KeyValueAndUnit a = Dictionary.attribute(d, idx);
      if (Dictionary.string(d, a.getKeyStrindex(), "attribute key").equals(key)) {
        return labelValue(a.getValue());
      }
    }
    return "";
  }
}
