package io.flarestack.distributor.ingest;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.errors.FlarestackException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A small {@code multipart/form-data} reader for fully received bodies: the boundary from the
 * Content-Type, parts separated by {@code --boundary} lines (CRLF or bare LF line ends), part
 * headers up to an empty line, {@code Content-Disposition: form-data; name=..; filename=..}.
 * Bounded: at most {@value #MAX_PARTS} parts and {@value #MAX_HEADER_BYTES} bytes of headers per
 * part; part bodies are slices of the (already size-limited) request body. Stateless.
 */
public final class Multipart {
  static final int MAX_PARTS = 32;
  static final int MAX_HEADER_BYTES = 16 << 10;

  /**
   * One part.
   *
   * @param name the form field name
   * @param filename the file name, or null for a plain form value
   * @param data the part body
   */
  public record Part(String name, String filename, byte[] data) {
    public Part {
      requireNonNull(name, "name is null");
      requireNonNull(data, "data is null");
    }
  }

  private Multipart() {}

  /** Whether a Content-Type announces a multipart form. */
  public static boolean isMultipart(String contentType) {
    return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("multipart/form-data");
  }

  /**
   * Splits {@code body} into parts.
   *
   * @throws FlarestackException invalid_argument naming what is wrong with the body
   */
  public static List<Part> parse(byte[] body, String contentType) {
    String boundary = boundary(contentType);
    byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int pos = indexOf(body, dash, 0);
    if (pos < 0) {
      throw invalid("the body does not contain the boundary %s", boundary);
    }
    pos += dash.length;
    List<Part> parts = new ArrayList<>();
    byte[] delimiter = null; // newline + "--" + boundary, fixed by the first boundary line's ending
    while (true) {
      if (startsWith(body, pos, "--")) {
        return parts; // closing delimiter
      }
      pos = skipTransportPadding(body, pos);
      int eol = lineEnd(body, pos);
      if (eol < 0) {
        throw invalid("a boundary line is not followed by a line break");
      }
      if (delimiter == null) {
        boolean crlf = body[pos] == '\r';
        delimiter = concat(crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'}, dash);
      }
      pos = eol;
      if (parts.size() == MAX_PARTS) {
        throw invalid("more than %d parts", MAX_PARTS);
      }
      String[] disposition = new String[2];
      pos = readHeaders(body, pos, disposition);
      int end = indexOf(body, delimiter, pos);
      if (end < 0) {
        throw invalid("part %s is not terminated by the boundary", disposition[0] == null ? "#" + parts.size() : disposition[0]);
      }
      if (disposition[0] == null) {
        throw invalid("part #%d has no Content-Disposition name", parts.size());
      }
      parts.add(new Part(disposition[0], disposition[1], Arrays.copyOfRange(body, pos, end)));
      pos = end + delimiter.length;
    }
  }

  /**
   * The part named {@code name} that carries a file name, or null.
   *
   * @throws FlarestackException invalid_argument when several do: which one the client meant is
   *     not for the server to guess
   */
  public static Part file(List<Part> parts, String name) {
    Part found = null;
    for (Part p : parts) {
      if (p.name().equals(name) && p.filename() != null) {
        if (found != null) {
          throw invalid("the form has more than one file part named \"%s\"; send one", name);
        }
        found = p;
      }
    }
    return found;
  }

  private static int readHeaders(byte[] body, int pos, String[] disposition) {
    int start = pos;
    while (true) {
      int eol = lineEnd(body, pos);
      if (eol < 0) {
        throw invalid("part headers are not terminated by an empty line");
      }
      if (eol - start > MAX_HEADER_BYTES) {
        throw invalid("part headers are longer than %d bytes", MAX_HEADER_BYTES);
      }
      int contentEnd = body[eol - 1] == '\n' && eol - 2 >= pos && body[eol - 2] == '\r' ? eol - 2 : eol - 1;
      if (contentEnd == pos) {
        return eol; // the empty line
      }
      String line = new String(body, pos, contentEnd - pos, StandardCharsets.UTF_8);
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Disposition")) {
        parseDisposition(line.substring(colon + 1), disposition);
      }
      pos = eol;
    }
  }

  // form-data; name="profile"; filename="profile.pprof"
  private static void parseDisposition(String value, String[] out) {
    int i = 0;
    int n = value.length();
    while (i < n) {
      int semi = i;
      while (semi < n && value.charAt(semi) != ';' && value.charAt(semi) != '=') {
        semi++;
      }
      String key = value.substring(i, semi).strip().toLowerCase(Locale.ROOT);
      if (semi < n && value.charAt(semi) == '=') {
        int j = semi + 1;
        while (j < n && value.charAt(j) == ' ') {
          j++;
        }
        StringBuilder v = new StringBuilder();
        if (j < n && value.charAt(j) == '"') {
          j++;
          while (j < n && value.charAt(j) != '"') {
            char c = value.charAt(j);
            if (c == '\\' && j + 1 < n) {
              c = value.charAt(++j);
            }
            v.append(c);
            j++;
          }
          j++; // closing quote
          while (j < n && value.charAt(j) != ';') {
            j++;
          }
        } else {
          while (j < n && value.charAt(j) != ';') {
            v.append(value.charAt(j++));
          }
        }
        String s = v.toString().strip();
        if (key.equals("name")) {
          out[0] = s;
        } else if (key.equals("filename")) {
          out[1] = s;
        }
        i = j + 1;
      } else {
        i = semi + 1;
      }
    }
  }

  private static String boundary(String contentType) {
    if (contentType == null) {
      throw invalid("no Content-Type");
    }
    for (String param : contentType.split(";")) {
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).strip().equalsIgnoreCase("boundary")) {
        String b = param.substring(eq + 1).strip();
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        if (b.isEmpty() || b.length() > 200) {
          throw invalid("invalid boundary in Content-Type %s", contentType);
        }
        return b;
      }
    }
    throw invalid("no boundary in Content-Type %s", contentType);
  }

  // RFC 2046 allows spaces and tabs after a boundary.
  private static int skipTransportPadding(byte[] b, int pos) {
    while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t')) {
      pos++;
    }
    return pos;
  }

  /** The position after the next '\n' at or after pos, or -1. */
  private static int lineEnd(byte[] b, int pos) {
    for (int i = pos; i < b.length; i++) {
      if (b[i] == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] b, int pos, String s) {
    if (pos + s.length() > b.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[pos + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    byte first = needle[0];
    int last = haystack.length - needle.length;
    outer:
    for (int i = Math.max(from, 0); i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static FlarestackException invalid(String format, Object... args) {
    return FlarestackException.invalidArgument("invalid multipart body: " + format, args);
  }
}
