package io.flarestack.common.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.flarestack.common.errors.FlarestackException;
import java.io.IOException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The proto3 JSON side of {@link ProtoGuard}: walks a JSON body with a streaming parser, following
 * the message schema (proto and JSON field names, repeated fields as arrays, maps as objects,
 * {@code google.protobuf.*} types as opaque values), so the same field limits count the same
 * elements as on the wire form, and estimates what protobuf-java's JSON parser will hold: the body
 * as a String, a tree node per JSON value, and the message built from it. It also refuses what
 * that parser would accept leniently: invalid UTF-8, lone surrogates in strings, a root that is not
 * an object, anything after the root value, and an enum value the enum does not define (the
 * parser, ignoring unknown fields, would turn {@code "aggregation":"BOGUS"} into the default
 * silently; a number is left to the services, which see it as an unrecognized value).
 * Immutable and thread-safe.
 */
final class JsonWalk {
  // What protobuf-java's JSON parser holds per JSON value: its tree node, the member's map node,
  // and the message field it becomes; and per character of a string (the body as UTF-16, the
  // tree's string and the message's).
  private static final long PER_TOKEN = 160;
  private static final long PER_CHAR = 6;

  private final ProtoGuard guard;
  private final JsonFactory factory;
  private final Map<Descriptor, Map<String, FieldDescriptor>> names = new IdentityHashMap<>();

  JsonWalk(ProtoGuard guard) {
    this.guard = guard;
    this.factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(2 * ProtoGuard.MAX_DEPTH + 2) // each message level may add an array level
            .maxStringLength(Integer.MAX_VALUE) // the body limit bounds strings
            .build())
        .build();
    index(guard.root());
  }

  private void index(Descriptor type) {
    if (names.containsKey(type)) {
      return;
    }
    Map<String, FieldDescriptor> byName = new HashMap<>();
    for (FieldDescriptor f : type.getFields()) {
      byName.put(f.getName(), f);
      byName.put(f.getJsonName(), f);
    }
    names.put(type, Map.copyOf(byName));
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        index(f.getMessageType());
      }
    }
  }

  /** The estimate for {@code body}, or a value above {@code stopAbove} once it passes it. */
  long estimate(byte[] body, long stopAbove, ProtoGuard.Counter counter) {
    // Jackson decodes UTF-8 leniently in places (overlong forms); the body must be strictly valid.
    int bad = Utf8.invalidAt(body);
    if (bad >= 0) {
      throw invalid(String.format("the JSON body is not valid UTF-8: byte 0x%02x at offset %d does not decode",
          body[bad] & 0xff, bad));
    }
    Run run = new Run(counter, stopAbove);
    run.cost = 2L * body.length + guard.messageCost(guard.root());
    try (JsonParser p = factory.createParser(body)) {
      run.p = p;
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw invalid("the body must be one JSON object, found " + (first == null ? "nothing" : first.asString()));
      }
      run.object(guard.root());
      if (run.cost <= stopAbove && p.nextToken() != null) {
        throw invalid("the JSON body has data after its value at offset " + p.currentTokenLocation().getByteOffset());
      }
      return run.cost;
    } catch (IOException e) { // Jackson's parse errors, including invalid UTF-8
      throw invalid(originalMessage(e));
    }
  }

  private static String originalMessage(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JsonProcessingException j
        ? j.getOriginalMessage() + (j.getLocation() != null ? " at column " + j.getLocation().getColumnNr() : "")
        : e.getMessage();
  }

  private FlarestackException invalid(String why) {
    return FlarestackException.invalidArgument("invalid JSON for %s: %s", guard.root().getFullName(), why);
  }

  private final class Run {
    final ProtoGuard.Counter counter;
    final long stopAbove;
    final java.util.ArrayDeque<String> path = new java.util.ArrayDeque<>();
    JsonParser p;
    long cost;

    Run(ProtoGuard.Counter counter, long stopAbove) {
      this.counter = counter;
      this.stopAbove = stopAbove;
    }

    // After START_OBJECT of a message of this type; returns after its END_OBJECT.
    void object(Descriptor type) throws IOException {
      Map<String, FieldDescriptor> fields = names.get(type);
      while (true) {
        JsonToken t = next();
        if (t == JsonToken.END_OBJECT || t == null) {
          return;
        }
        FieldDescriptor f = fields.get(p.currentName());
        path.addLast(f == null ? p.currentName() : f.getName());
        field(f, next());
        path.removeLast();
        if (cost > stopAbove) {
          return;
        }
      }
    }

    void field(FieldDescriptor f, JsonToken t) throws IOException {
      if (f == null || t == JsonToken.VALUE_NULL) {
        skip(t); // unknown fields are ignored by the parser, but its tree still holds them
        return;
      }
      if (f.isMapField() && t == JsonToken.START_OBJECT) {
        FieldDescriptor value = f.getMessageType().findFieldByName("value");
        while (next() == JsonToken.FIELD_NAME) {
          counter.count(f, 1);
          cost += guard.messageCost(f.getMessageType()) + ProtoGuard.MAP_ENTRY;
          single(value, next());
          if (cost > stopAbove) {
            return;
          }
        }
        return;
      }
      if (f.isRepeated() && t == JsonToken.START_ARRAY) {
        JsonToken e;
        while ((e = next()) != JsonToken.END_ARRAY && e != null) {
          single(f, e);
          if (cost > stopAbove) {
            return;
          }
        }
        return;
      }
      single(f, t);
    }

    void single(FieldDescriptor f, JsonToken t) throws IOException {
      counter.count(f, 1);
      if (f.getJavaType() == FieldDescriptor.JavaType.ENUM && t != JsonToken.VALUE_NULL
          && !f.getEnumType().getFullName().equals("google.protobuf.NullValue")) {
        checkEnum(f, t);
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && t == JsonToken.START_OBJECT
          && !f.getMessageType().getFullName().startsWith("google.protobuf.")) {
        cost += guard.messageCost(f.getMessageType()) + ProtoGuard.SLOT;
        object(f.getMessageType());
        return;
      }
      skip(t);
    }

    // What protobuf's parser takes for an enum: a value's name, or an int32 as a number or a string.
    private void checkEnum(FieldDescriptor f, JsonToken t) throws IOException {
      boolean ok;
      String shown;
      if (t == JsonToken.VALUE_STRING) {
        String text = p.getText();
        ok = f.getEnumType().findValueByName(text) != null || isInt32(text);
        shown = "\"" + text + "\"";
      } else {
        ok = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
        shown = t.isScalarValue() ? p.getText() : t.asString();
      }
      if (!ok) {
        java.util.StringJoiner known = new java.util.StringJoiner(", ");
        f.getEnumType().getValues().forEach(v -> known.add(v.getName()));
        throw FlarestackException.invalidArgument("invalid value %s for %s: %s has no such value; use one of %s", shown,
            String.join(".", path), f.getEnumType().getFullName(), known);
      }
    }

    // Consumes a whole value starting at t, charging every token and character in it.
    void skip(JsonToken t) throws IOException {
      int depth = 0;
      JsonToken token = t;
      while (true) {
        if (token == null) {
          return;
        }
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        }
        if (depth == 0 || cost > stopAbove) {
          return;
        }
        token = next();
      }
    }

    JsonToken next() throws IOException {
      JsonToken t = p.nextToken();
      cost += PER_TOKEN;
      if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
        // Reading the text decodes it, which is where invalid UTF-8 is found.
        char[] chars = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        cost += PER_CHAR * len;
        requireWellFormed(chars, off, len);
      }
      return t;
    }
  }

  private static boolean isInt32(String s) {
    if (s.isEmpty() || s.length() > 11) {
      return false;
    }
    try {
      Integer.parseInt(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void requireWellFormed(char[] chars, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char c = chars[i];
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < off + len && Character.isLowSurrogate(chars[i + 1])) {
          i++;
          continue;
        }
        throw invalid("a string holds a lone surrogate (\\u" + Integer.toHexString(c) + "), which is not Unicode");
      }
      if (Character.isLowSurrogate(c)) {
        throw invalid("a string holds a lone surrogate (\\u" + Integer.toHexString(c) + "), which is not Unicode");
      }
    }
  }
}
