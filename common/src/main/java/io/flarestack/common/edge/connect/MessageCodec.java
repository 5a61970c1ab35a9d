package io.flarestack.common.edge.connect;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.util.JsonFormat;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.io.RequestGuards;
import io.flarestack.common.io.RequestMemory;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes one RPC message as binary protobuf or as proto3 JSON (Connect's mapping:
 * lowerCamel names out, proto or JSON names in, int64 as strings, enums as names, defaults
 * omitted, unknown fields ignored). JSON needs a protobuf message type, found through the
 * method's {@link MethodDescriptor.PrototypeMarshaller}. Stateless.
 */
final class MessageCodec {
  private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private MessageCodec() {}

  /**
   * Parses a request message. An empty body is the empty message in both codecs. Before anything
   * is built, the message type's {@link io.flarestack.common.io.ProtoGuard} walks the body,
   * enforces its limits and reserves what decoding will hold from {@code memory}.
   *
   * @throws FlarestackException invalid_argument when the body is not a valid message or passes a
   *     limit; what the memory reservation throws when the request may not hold that much
   */
  @SuppressWarnings("unchecked")
  static <T> T parse(MethodDescriptor.Marshaller<T> marshaller, byte[] body, boolean json, RequestGuards guards,
      RequestMemory memory) {
    Message prototype = prototype(marshaller);
    if (prototype == null) {
      if (json) {
        throw new FlarestackException(ErrorCode.INVALID_ARGUMENT, "this method does not accept JSON; use application/proto");
      }
      try (InputStream in = new ByteArrayInputStream(body)) {
        return marshaller.parse(in);
      } catch (IOException | RuntimeException e) {
        throw FlarestackException.invalidArgument("invalid protobuf request body: %s", e.getMessage());
      }
    }
    String type = prototype.getDescriptorForType().getFullName();
    if (json && isBlank(body)) {
      return (T) prototype.getDefaultInstanceForType();
    }
    if (json) {
      guards.forType(prototype.getDescriptorForType()).checkJson(body, memory, "the " + type + " request");
    } else {
      guards.forType(prototype.getDescriptorForType()).check(body, memory, "the " + type + " request");
    }
    try {
      if (!json) {
        return (T) prototype.getParserForType().parseFrom(body);
      }
      Message.Builder builder = prototype.newBuilderForType();
      JSON_PARSER.merge(new String(body, StandardCharsets.UTF_8), builder);
      return (T) builder.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) { // the JSON parser reports some errors unchecked
      throw FlarestackException.invalidArgument("invalid %s request body for %s: %s", json ? "JSON" : "protobuf", type,
          e.getMessage());
    }
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Serializes a response message. */
  static <T> byte[] serialize(MethodDescriptor.Marshaller<T> marshaller, T message, boolean json) {
    if (json) {
      if (!(message instanceof Message m)) {
        throw new FlarestackException(ErrorCode.INTERNAL, "response " + message.getClass().getName() + " has no JSON form");
      }
      try {
        return JSON_PRINTER.print(m).getBytes(StandardCharsets.UTF_8);
      } catch (InvalidProtocolBufferException e) {
        throw new FlarestackException(ErrorCode.INTERNAL, "cannot print response as JSON: " + e.getMessage(), e);
      }
    }
    if (message instanceof MessageLite m) {
      return m.toByteArray();
    }
    try (InputStream in = marshaller.stream(message)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Message prototype(MethodDescriptor.Marshaller<?> marshaller) {
    if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> p && p.getMessagePrototype() instanceof Message m) {
      return m;
    }
    return null;
  }
}
