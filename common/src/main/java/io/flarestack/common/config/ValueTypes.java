package io.flarestack.common.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The built-in value types: strings, numbers, booleans, Go durations, byte sizes and lists. */
public final class ValueTypes {
  private ValueTypes() {}

  public static final ValueType<String> STRING = new ValueType<>() {
    @Override
    public String name() {
      return "string";
    }

    @Override
    public String parse(String text) {
      return text;
    }

    @Override
    public Object toYaml(String value) {
      return value;
    }
  };

  public static final ValueType<Integer> INTEGER = new ValueType<>() {
    @Override
    public String name() {
      return "int";
    }

    @Override
    public Integer parse(String text) {
      try {
        return Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected an integer, got " + quote(text));
      }
    }

    @Override
    public Object toYaml(Integer value) {
      return value;
    }
  };

  public static final ValueType<Long> LONG = new ValueType<>() {
    @Override
    public String name() {
      return "int";
    }

    @Override
    public Long parse(String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected an integer, got " + quote(text));
      }
    }

    @Override
    public Object toYaml(Long value) {
      return value;
    }
  };

  public static final ValueType<Double> DOUBLE = new ValueType<>() {
    @Override
    public String name() {
      return "float";
    }

    @Override
    public Double parse(String text) {
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a number, got " + quote(text));
      }
    }

    @Override
    public Object toYaml(Double value) {
      return value;
    }
  };

  public static final ValueType<Boolean> BOOLEAN = new ValueType<>() {
    @Override
    public String name() {
      return "boolean";
    }

    @Override
    public Boolean parse(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "true", "1", "t" -> true;
        case "false", "0", "f" -> false;
        default -> throw new IllegalArgumentException("expected true or false, got " + quote(text));
      };
    }

    @Override
    public Object toYaml(Boolean value) {
      return value;
    }

    @Override
    public String helpName() {
      return "";
    }
  };

  public static final ValueType<Duration> DURATION = new ValueType<>() {
    @Override
    public String name() {
      return "duration";
    }

    @Override
    public Duration parse(String text) {
      return parseDuration(text);
    }

    @Override
    public Object toYaml(Duration value) {
      return formatDuration(value);
    }
  };

  public static final ValueType<Long> BYTES = new ValueType<>() {
    @Override
    public String name() {
      return "bytes";
    }

    @Override
    public Long parse(String text) {
      return parseBytes(text);
    }

    @Override
    public Object toYaml(Long value) {
      return value;
    }

    @Override
    public String helpName() {
      return "int";
    }
  };

  /**
   * A size whose plain number means MiB, as Pyroscope's {@code *_mb} options are read
   * ({@code -distributor.ingestion-body-limit-mb=16} is 16 MiB); a number with a unit is a byte size
   * as in {@link #BYTES}. The value is held in bytes.
   */
  public static final ValueType<Long> MEBIBYTES = new ValueType<>() {
    @Override
    public String name() {
      return "MiB";
    }

    @Override
    public Long parse(String text) {
      String s = text.trim();
      if (!s.isEmpty() && s.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
        try {
          return Math.round(Double.parseDouble(s) * MIB);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("expected a size in MiB such as 256 or 0.5, or with a unit such as 4MiB, got "
              + quote(text));
        }
      }
      return parseBytes(text);
    }

    @Override
    public Object toYaml(Long value) {
      return value % MIB == 0 ? (Object) (value / MIB) : (Object) ((double) value / MIB);
    }

    @Override
    public String helpName() {
      return "float";
    }
  };

  private static final long MIB = 1024 * 1024;

  public static final ValueType<List<String>> STRING_LIST = new ValueType<>() {
    @Override
    public String name() {
      return "list of strings";
    }

    @Override
    public List<String> parse(String text) {
      List<String> out = new ArrayList<>();
      for (String part : text.split(",")) {
        String p = part.trim();
        if (!p.isEmpty()) {
          out.add(p);
        }
      }
      return List.copyOf(out);
    }

    @Override
    public List<String> fromYaml(Object node) {
      if (node instanceof List<?> list) {
        List<String> out = new ArrayList<>();
        for (Object o : list) {
          if (o instanceof java.util.Map || o instanceof List) {
            throw new IllegalArgumentException("expected a list of strings");
          }
          out.add(String.valueOf(o));
        }
        return List.copyOf(out);
      }
      if (node instanceof java.util.Map) {
        throw new IllegalArgumentException("expected a list of strings, got a mapping");
      }
      return parse(String.valueOf(node));
    }

    @Override
    public Object toYaml(List<String> value) {
      return value;
    }

    @Override
    public String helpName() {
      return "comma-separated-list-of-strings";
    }

    @Override
    public List<String> combine(List<String> earlier, List<String> later) {
      List<String> out = new ArrayList<>(earlier);
      out.addAll(later);
      return List.copyOf(out);
    }
  };

  /**
   * Parses a Go duration: a sequence of decimal numbers with units {@code ns, us (µs), ms, s,
   * m, h}, such as {@code 1h30m} or {@code 1.5s}; also {@code d} and {@code w} as Prometheus
   * allows, and a bare {@code 0}.
   */
  public static Duration parseDuration(String text) {
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("expected a duration such as 15s or 1h30m, got " + quote(text));
    }
    double nanos = 0;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("expected a duration such as 15s or 1h30m, got " + quote(text));
      }
      double number;
      try {
        number = Double.parseDouble(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a duration such as 15s or 1h30m, got " + quote(text));
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      double scale = switch (unit) {
        case "ns" -> 1;
        case "us", "µs", "μs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        case "h" -> 3600e9;
        case "d" -> 86400e9;
        case "w" -> 7 * 86400e9;
        case "y" -> 365 * 86400e9;
        default -> throw new IllegalArgumentException(
            "unknown unit " + quote(unit) + " in duration " + quote(text) + " (use ns, us, ms, s, m, h, d, w)");
      };
      nanos += number * scale;
    }
    long n = Math.round(nanos);
    return Duration.ofNanos(negative ? -n : n);
  }

  /**
   * Formats like Go's {@code time.Duration.String()}, e.g. {@code 1h0m0s}, {@code 15s}, {@code
   * 500ms}. Any {@link Duration} works, also those beyond Go's (and {@code toNanos()}'s) 292
   * years, which a client can ask for with an absurd time range.
   */
  public static String formatDuration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    BigInteger exact = BigInteger.valueOf(d.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L))
        .add(BigInteger.valueOf(d.getNano()));
    if (exact.signum() < 0) {
      sb.append('-');
      exact = exact.negate();
    }
    BigInteger[] hoursAndRest = exact.divideAndRemainder(BigInteger.valueOf(3_600_000_000_000L));
    if (hoursAndRest[0].signum() > 0) {
      sb.append(hoursAndRest[0]).append('h');
    }
    long nanos = hoursAndRest[1].longValueExact(); // below an hour
    if (hoursAndRest[0].signum() == 0 && nanos < 1_000_000_000L) {
      if (nanos % 1_000_000 == 0) {
        return sb.append(nanos / 1_000_000).append("ms").toString();
      }
      if (nanos % 1_000 == 0) {
        return sb.append(nanos / 1_000).append("us").toString();
      }
      return sb.append(nanos).append("ns").toString();
    }
    long minutes = nanos / 60_000_000_000L;
    long secNanos = nanos % 60_000_000_000L;
    if (hoursAndRest[0].signum() > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    if (secNanos % 1_000_000_000L == 0) {
      sb.append(secNanos / 1_000_000_000L);
    } else {
      String frac = String.format(Locale.ROOT, "%09d", secNanos % 1_000_000_000L).replaceAll("0+$", "");
      sb.append(secNanos / 1_000_000_000L).append('.').append(frac);
    }
    return sb.append('s').toString();
  }

  /**
   * Parses a byte size: a plain integer, or a number with a unit {@code B, KB, MB, GB, TB}
   * (powers of 1000) or {@code KiB, MiB, GiB, TiB} (powers of 1024); {@code k/m/g} alone mean
   * the binary units, as in Go's {@code flagext.Bytes}.
   */
  public static long parseBytes(String text) {
    String s = text.trim();
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("expected a size such as 4194304, 4MiB or 256MB, got " + quote(text));
    }
    double number;
    try {
      number = Double.parseDouble(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a size such as 4194304, 4MiB or 256MB, got " + quote(text));
    }
    String unit = s.substring(i).trim();
    double scale = switch (unit.toLowerCase(Locale.ROOT)) {
      case "", "b" -> 1;
      case "kb" -> 1e3;
      case "mb" -> 1e6;
      case "gb" -> 1e9;
      case "tb" -> 1e12;
      case "k", "kib", "ki" -> 1024d;
      case "m", "mib", "mi" -> 1024d * 1024;
      case "g", "gib", "gi" -> 1024d * 1024 * 1024;
      case "t", "tib", "ti" -> 1024d * 1024 * 1024 * 1024;
      default -> throw new IllegalArgumentException(
          "unknown unit " + quote(unit) + " in size " + quote(text) + " (use B, KB, MB, GB, KiB, MiB, GiB)");
    };
    return Math.round(number * scale);
  }

  static String quote(String s) {
    return '"' + s + '"';
  }
}
