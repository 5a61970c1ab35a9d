package io.flarestack.kv.memberlist;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages memberlist nodes exchange through JGroups: a magic byte, a format version, a type,
 * then {@code count} entries of (key as modified UTF-8, value length, value bytes). Stateless.
 */
final class Wire {
  private static final int MAGIC = 0xF5;
  private static final int VERSION = 1;
  /** Largest value accepted from a peer: a ring of thousands of instances stays far below it. */
  static final int MAX_VALUE_BYTES = 64 << 20;

  /** What a message is for. */
  enum Type {
    /** Changes made by the sender's local updates: merge them. */
    CHANGES,
    /** The sender's full state, with a request for ours in return (push/pull). */
    PUSH_PULL,
    /** The sender's full state, answering a {@link #PUSH_PULL}. */
    STATE
  }

  /**
   * A decoded message.
   *
   * @param type what it is for
   * @param entries key to value, in the order sent
   */
  record Decoded(Type type, Map<String, byte[]> entries) {}

  private Wire() {}

  static byte[] encode(Type type, Map<String, byte[]> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MAGIC);
      out.writeByte(VERSION);
      out.writeByte(type.ordinal());
      out.writeInt(entries.size());
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** @throws UncheckedIOException when the bytes are not a message of this format */
  static Decoded decode(byte[] message, int offset, int length) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message, offset, length))) {
      int magic = in.readUnsignedByte();
      int version = in.readUnsignedByte();
      if (magic != MAGIC || version != VERSION) {
        throw new IOException("not a memberlist KV message (magic " + magic + ", version " + version + ")");
      }
      int t = in.readUnsignedByte();
      if (t >= Type.values().length) {
        throw new IOException("unknown message type " + t);
      }
      int count = in.readInt();
      if (count < 0 || count > length) {
        throw new IOException("bad entry count " + count);
      }
      Map<String, byte[]> entries = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String key = in.readUTF();
        int size = in.readInt();
        if (size < 0 || size > MAX_VALUE_BYTES || size > in.available()) {
          throw new IOException("bad value size " + size + " for key " + key);
        }
        entries.put(key, in.readNBytes(size));
      }
      return new Decoded(Type.values()[t], entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
