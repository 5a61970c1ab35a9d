package io.flarestack.common.server.connect;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.flarestack.common.errors.FlarestackException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Finds enum values in a JSON request that name no value of their enum, such as {@code
 * "aggregation": "BOGUS"}. The JSON parser must ignore unknown fields (clients send fields newer
 * than our protos), and protobuf-java's parser then also drops unknown enum <em>names</em>
 * silently, which would turn a typo into the default value (SUM, FLAMEGRAPH) and a 200. Unknown
 * enum <em>numbers</em> survive parsing as unrecognized values and are the services' to refuse.
 * Stateless and thread-safe.
 */
final class JsonEnums {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonEnums() {}

  /**
   * Checks {@code json}, already accepted by the protobuf JSON parser as a {@code type}.
   * Message types without enum fields are not looked at, so large pushes cost nothing.
   *
   * @throws FlarestackException invalid_argument naming the field, the value and the enum's values
   */
  static void check(Descriptor type, String json) {
    if (!hasEnums(type, new HashSet<>())) {
      return;
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      return; // protobuf's parser accepted it, so only Jackson's stricter limits differ; nothing to check
    }
    checkMessage(type, root, "");
  }

  private static boolean hasEnums(Descriptor type, Set<Descriptor> seen) {
    if (!seen.add(type)) {
      return false;
    }
    for (FieldDescriptor f : type.getFields()) {
      if (isEnum(f) || (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && hasEnums(f.getMessageType(), seen))) {
        return true;
      }
    }
    return false;
  }

  private static void checkMessage(Descriptor type, JsonNode node, String prefix) {
    if (node == null || !node.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      FieldDescriptor f = field(type, e.getKey());
      JsonNode value = e.getValue();
      if (f == null || value.isNull()) {
        continue;
      }
      String path = prefix + f.getName();
      if (f.isMapField()) {
        FieldDescriptor mapValue = f.getMessageType().findFieldByName("value");
        Iterator<Map.Entry<String, JsonNode>> entries = value.fields();
        while (entries.hasNext()) {
          Map.Entry<String, JsonNode> entry = entries.next();
          checkValue(mapValue, entry.getValue(), path + "[" + entry.getKey() + "]");
        }
      } else if (f.isRepeated() && value.isArray()) {
        for (int i = 0; i < value.size(); i++) {
          checkValue(f, value.get(i), path);
        }
      } else {
        checkValue(f, value, path);
      }
    }
  }

  private static void checkValue(FieldDescriptor f, JsonNode value, String path) {
    if (isEnum(f)) {
      // What protobuf's parser takes: a value's name, or an int32 as a number or a string.
      boolean ok = value.isTextual()
          ? f.getEnumType().findValueByName(value.asText()) != null || isInt32(value.asText())
          : value.isNumber() && isInt32(value.asText());
      if (!ok) {
        throw invalid(f, value.toString(), path);
      }
    } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !isWellKnown(f.getMessageType())) {
      checkMessage(f.getMessageType(), value, path + ".");
    }
  }

  private static FlarestackException invalid(FieldDescriptor f, String value, String path) {
    StringJoiner known = new StringJoiner(", ");
    f.getEnumType().getValues().forEach(v -> known.add(v.getName()));
    return FlarestackException.invalidArgument("invalid value %s for %s: %s has no such value; use one of %s", value, path,
        f.getEnumType().getFullName(), known);
  }

  private static boolean isEnum(FieldDescriptor f) {
    return f.getJavaType() == FieldDescriptor.JavaType.ENUM
        && !f.getEnumType().getFullName().equals("google.protobuf.NullValue");
  }

  private static boolean isWellKnown(Descriptor type) {
    return type.getFullName().startsWith("google.protobuf.");
  }

  // The JSON names protobuf accepts: the proto name and the lowerCamel JSON name.
  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor f = type.findFieldByName(name);
    if (f != null) {
      return f;
    }
    for (FieldDescriptor candidate : type.getFields()) {
      if (candidate.getJsonName().equals(name)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean isInt32(String s) {
    if (s.length() > 40) {
      return false;
    }
    try {
      BigDecimal d = new BigDecimal(s);
      // A scale like 1e-999999999's would make intValueExact divide for a very long time.
      if (Math.abs((long) d.scale()) > 40) {
        return false;
      }
      d.intValueExact();
      return true;
    } catch (NumberFormatException | ArithmeticException e) {
      return false;
    }
  }
}
