package io.flarestack.common.ring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An instance's ring tokens on disk, in dskit's format: {@code {"tokens":[1,2,3]}}, unsigned
 * 32-bit values in ascending order. Stateless.
 */
final class TokensFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_TOKEN = 0xFFFF_FFFFL;

  private TokensFile() {}

  /**
   * The tokens in {@code file}, sorted as unsigned values; null when the file does not exist.
   *
   * @throws UncheckedIOException naming the file when it cannot be read or is not a tokens file
   */
  static int[] read(Path file) {
    if (!Files.exists(file)) {
      return null;
    }
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("ring tokens file " + file + " cannot be read: " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw corrupt(file, "not JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("ring tokens file " + file + " cannot be read: " + e.getMessage(), e);
    }
    JsonNode tokens = root == null ? null : root.get("tokens");
    if (tokens == null || !tokens.isArray()) {
      throw corrupt(file, "expected a JSON object {\"tokens\":[...]}");
    }
    Set<Integer> distinct = new LinkedHashSet<>();
    for (JsonNode t : tokens) {
      if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0 || t.asLong() > MAX_TOKEN) {
        throw corrupt(file, "token " + t + " is not an unsigned 32-bit integer");
      }
      distinct.add((int) t.asLong());
    }
    return Tokens.sortUnsigned(distinct.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * Replaces {@code file} with {@code tokens}: written to a temporary file beside it, then renamed
   * over it, so a crash leaves either the old file or the new one.
   */
  static void write(Path file, int[] tokens) throws IOException {
    StringBuilder json = new StringBuilder("{\"tokens\":[");
    int[] sorted = Tokens.sortUnsigned(tokens.clone());
    for (int i = 0; i < sorted.length; i++) {
      json.append(i == 0 ? "" : ",").append(Integer.toUnsignedString(sorted[i]));
    }
    json.append("]}");
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, json, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static UncheckedIOException corrupt(Path file, String why) {
    String message = "ring tokens file " + file + " is corrupt: " + why + "; delete it to pick new tokens";
    return new UncheckedIOException(message, new IOException(message));
  }
}
