package io.flarestack.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.storage.query.ProfileSource;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Architecture rule: the code that evaluates label matchers (this package, and the query and
 * block packages that select series) never reaches java.util.regex, a backtracking engine,
 * neither by naming its classes nor through String's regex methods. Read from the compiled
 * classes' constant pools, so imports, fully qualified names and inlined uses all count.
 */
class NoBacktrackingRegexTest {
  private static final Set<String> STRING_REGEX_METHODS = Set.of("matches", "replaceAll", "replaceFirst");

  @Test
  void matcherCodeDoesNotUseJavaUtilRegex() throws Exception {
    List<String> offenders = new ArrayList<>();
    int classes = 0;
    for (Class<?> anchor : List.of(ProfileSource.class, io.flarestack.storage.block.Block.class)) {
      Path dir = packageDir(anchor);
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          classes++;
          for (String ref : references(f)) {
            if (ref.startsWith("java/util/regex/") || isStringRegexCall(ref)) {
              offenders.add(dir.relativize(f) + " -> " + ref);
            }
          }
        }
      }
    }
    assertThat(classes).as("classes scanned").isGreaterThan(30);
    assertThat(offenders).isEmpty();
  }

  /** The rule can fail: it sees java.util.regex in a class that uses it (this test's helper). */
  @Test
  void theScanSeesARegexUse() throws Exception {
    Path self = packageDir(UsesRegex.class).resolve("NoBacktrackingRegexTest$UsesRegex.class");
    List<String> refs = references(self);
    assertThat(refs).contains("java/util/regex/Pattern");
    assertThat(refs.stream().anyMatch(NoBacktrackingRegexTest::isStringRegexCall)).isTrue();
  }

  private static final class UsesRegex {
    @SuppressWarnings("unused")
    static boolean use(String s) {
      return java.util.regex.Pattern.compile("a+").matcher(s).find() || s.matches("b+");
    }
  }

  private static boolean isStringRegexCall(String ref) {
    int dot = ref.indexOf('.');
    return dot > 0 && ref.substring(0, dot).equals("java/lang/String") && STRING_REGEX_METHODS.contains(ref.substring(dot + 1));
  }

  private static Path packageDir(Class<?> c) throws URISyntaxException {
    Path root = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    return root.resolve(c.getPackageName().replace('.', '/'));
  }

  /**
   * The class names a class file refers to, and its method references as {@code owner.name}.
   * Reads the constant pool only (JVMS 4.4).
   */
  private static List<String> references(Path classFile) throws IOException {
    try (InputStream in = Files.newInputStream(classFile); DataInputStream d = new DataInputStream(in)) {
      if (d.readInt() != 0xCAFEBABE) {
        throw new IOException("not a class file: " + classFile);
      }
      d.readUnsignedShort(); // minor
      d.readUnsignedShort(); // major
      int count = d.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      int[][] memberRefs = new int[count][]; // class index, name-and-type index
      int[] nameOfNameAndType = new int[count];
      for (int i = 1; i < count; i++) {
        int tag = d.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = d.readUTF();
          case 7 -> classNameIndex[i] = d.readUnsignedShort();
          case 8, 16, 19, 20 -> d.readUnsignedShort();
          case 9, 10, 11 -> memberRefs[i] = new int[] {d.readUnsignedShort(), d.readUnsignedShort()};
          case 12 -> {
            nameOfNameAndType[i] = d.readUnsignedShort();
            d.readUnsignedShort();
          }
          case 3, 4 -> d.readInt();
          case 5, 6 -> {
            d.readLong();
            i++; // eight-byte constants take two entries
          }
          case 15 -> {
            d.readUnsignedByte();
            d.readUnsignedShort();
          }
          case 17, 18 -> {
            d.readUnsignedShort();
            d.readUnsignedShort();
          }
          default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
        }
      }
      List<String> out = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        if (classNameIndex[i] != 0) {
          out.add(utf8[classNameIndex[i]]);
        }
        if (memberRefs[i] != null) {
          String owner = utf8[classNameIndex[memberRefs[i][0]]];
          out.add(owner + "." + utf8[nameOfNameAndType[memberRefs[i][1]]]);
        }
      }
      // Descriptors and signatures name classes too (a field of type Pattern, say).
      for (String s : utf8) {
        if (s != null && s.contains("Ljava/util/regex/")) {
          out.add(s.substring(s.indexOf("Ljava/util/regex/") + 1));
        }
      }
      return out;
    }
  }
}
