package io.flarestack.objstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The key rules every {@link Bucket} enforces, and the listing arithmetic backends without a
 * native "directory" listing share. Stateless.
 *
 * <p>A key is a relative {@code /}-separated path: not empty, no leading or trailing {@code /},
 * no empty, {@code .} or {@code ..} segment, no NUL character. The same rules on every backend
 * mean a key that works on the filesystem also works on S3, and no key can climb out of a
 * filesystem root or a storage prefix.
 */
public final class ObjectKeys {
  private ObjectKeys() {}

  /**
   * Checks an object key.
   *
   * @return the key
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  public static String checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("object key must not be empty");
    }
    if (key.endsWith("/")) {
      throw new IllegalArgumentException("object key \"" + key + "\" must not end with '/' (that names a directory)");
    }
    checkSegments(key, key);
    return key;
  }

  /**
   * Checks a listing prefix: empty (the whole bucket), a directory ending in {@code /}, or a
   * directory followed by the start of a name (e.g. {@code tenant/01H}).
   *
   * @return the prefix
   * @throws IllegalArgumentException naming the prefix and the rule it breaks
   */
  public static String checkPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("list prefix must not be null (use \"\" for the whole bucket)");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (body.isEmpty()) {
      throw new IllegalArgumentException("list prefix \"/\" is not allowed (use \"\" for the whole bucket)");
    }
    checkSegments(body, prefix);
    return prefix;
  }

  /**
   * Checks a range request.
   *
   * @throws IllegalArgumentException when offset or length is negative
   */
  public static void checkRange(String key, long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("range of \"" + key + "\": offset " + offset + " and length " + length
          + " must not be negative");
    }
  }

  /**
   * Turns the keys below {@code prefix} into a listing: every key when recursive, otherwise the
   * direct children, with deeper keys collapsed into their sub-directory ending in {@code /}.
   * Keys not starting with {@code prefix} are ignored.
   *
   * @return sorted, without duplicates
   */
  public static List<String> listing(String prefix, Collection<String> keys, boolean recursive) {
    TreeSet<String> out = new TreeSet<>();
    for (String key : keys) {
      if (!key.startsWith(prefix)) {
        continue;
      }
      int slash = recursive ? -1 : key.indexOf('/', prefix.length());
      out.add(slash < 0 ? key : key.substring(0, slash + 1));
    }
    return new ArrayList<>(out);
  }

  /** Sorts a backend's listing into the order every bucket returns (Java string order). */
  public static List<String> sorted(Collection<String> names) {
    return new ArrayList<>(new TreeSet<>(names));
  }

  private static void checkSegments(String path, String shown) {
    if (path.startsWith("/")) {
      throw new IllegalArgumentException("\"" + shown + "\" must not start with '/'");
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("\"" + shown + "\" must not contain a NUL character");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException("\"" + shown + "\" must not contain an empty path segment ('//')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("\"" + shown + "\" must not contain a '" + segment + "' path segment");
      }
    }
  }
}
