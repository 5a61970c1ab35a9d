package io.flarestack.distributor.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test-side writers of the legacy binary upload formats, from stacks with values: a transport
 * trie with one node per key byte (a valid, if uncompressed, trie whose names are fragments that
 * can split UTF-8 characters) and a legacy tree with one node per frame.
 */
public final class LegacyEncodings {
  private LegacyEncodings() {}

  public static byte[] trie(Map<String, Long> stacks) {
    ByteNode root = new ByteNode();
    for (Map.Entry<String, Long> e : stacks.entrySet()) {
      ByteNode n = root;
      for (byte b : e.getKey().getBytes(StandardCharsets.UTF_8)) {
        n = n.children.computeIfAbsent(b & 0xff, k -> new ByteNode());
      }
      n.value += e.getValue();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTrie(out, new byte[0], root);
    return out.toByteArray();
  }

  public static byte[] tree(Map<String, Long> stacks) {
    FrameNode root = new FrameNode();
    for (Map.Entry<String, Long> e : stacks.entrySet()) {
      FrameNode n = root;
      for (String frame : e.getKey().split(";", -1)) {
        n = n.children.computeIfAbsent(frame, k -> new FrameNode());
      }
      n.self += e.getValue();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTree(out, "", root);
    return out.toByteArray();
  }

  public static void uvarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static void writeTrie(ByteArrayOutputStream out, byte[] name, ByteNode n) {
    uvarint(out, name.length);
    out.writeBytes(name);
    uvarint(out, n.value);
    uvarint(out, n.children.size());
    for (Map.Entry<Integer, ByteNode> c : n.children.entrySet()) {
      writeTrie(out, new byte[] {(byte) (int) c.getKey()}, c.getValue());
    }
  }

  private static void writeTree(ByteArrayOutputStream out, String name, FrameNode n) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    uvarint(out, b.length);
    out.writeBytes(b);
    uvarint(out, n.self);
    uvarint(out, n.children.size());
    for (Map.Entry<String, FrameNode> c : n.children.entrySet()) {
      writeTree(out, c.getKey(), c.getValue());
    }
  }

  private static final class ByteNode {
    final Map<Integer, ByteNode> children = new TreeMap<>();
    long value;
  }

  private static final class FrameNode {
    final Map<String, FrameNode> children = new TreeMap<>();
    long self;
  }
}
