package io.flarestack.common.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.common.testing.fuzz.Mutator.Form;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mutation engine: structure-aware where it claims to be, and a function of its random state. */
class MutatorTest {
  private static final String PPROF = "pprof/og-convert-pprof/heap.pb"; // raw protobuf
  private static final String GZIPPED = "pprof/og-convert-pprof/cpu.pb.gz";

  private final Mutator mutator = new Mutator(64 << 10);

  @Test
  void theFieldTreeWritesARealProfileBackByteForByte() {
    byte[] raw = SharedTestData.bytes(PPROF);
    List<ProtoTree.Field> tree = ProtoTree.parse(raw);
    assertThat(tree).isNotNull().isNotEmpty();
    assertThat(ProtoTree.write(tree)).isEqualTo(raw);
    assertThat(ProtoTree.parse(new byte[] {0x0a, 0x05, 1})).as("a length past the end").isNull();
  }

  @Test
  void protobufMutationsMostlyKeepTheWireFormatValid() throws Exception {
    byte[] raw = SharedTestData.bytes(PPROF);
    Profile original = Profile.parseFrom(raw);
    int parsed = 0;
    int changed = 0;
    for (int i = 0; i < 300; i++) {
      byte[] m = mutator.mutate(raw, Form.PROTO, List.of(), new SplittableRandom(i)).bytes();
      try {
        Profile p = Profile.parseFrom(m);
        parsed++;
        changed += p.equals(original) ? 0 : 1;
      } catch (InvalidProtocolBufferException e) {
        // byte-level mutations break the wire format, as they should
      }
    }
    // Byte-level mutations alone would leave almost nothing parseable; the field tree keeps many
    // mutants well-formed yet different, so they reach validation.
    assertThat(parsed).isGreaterThan(100);
    assertThat(changed).isGreaterThan(80);
  }

  @Test
  void aGzippedSeedIsMostlyMutatedInsideItsCompression() {
    byte[] gz = SharedTestData.bytes(GZIPPED);
    byte[] content = SharedTestData.gunzip(gz);
    int regzipped = 0;
    for (int i = 0; i < 100; i++) {
      Mutator.Mutant m = mutator.mutate(gz, Form.PROTO, List.of(), new SplittableRandom(i));
      if (m.ops().get(0).startsWith("gzip-member@0") && SharedTestData.isGzip(m.bytes())) {
        byte[] inner = SharedTestData.gunzip(m.bytes());
        assertThat(inner).isNotEqualTo(content);
        regzipped++;
      }
    }
    assertThat(regzipped).isGreaterThan(50);
  }

  @Test
  void textMutationsUseBoundaryNumbersAndBrokenUtf8() {
    byte[] folded = "main;work 3\nmain;gc 10\n".getBytes(StandardCharsets.UTF_8);
    boolean bigNumber = false;
    boolean badUtf8 = false;
    for (int i = 0; i < 500; i++) {
      byte[] m = mutator.mutate(folded, Form.TEXT, List.of(), new SplittableRandom(i)).bytes();
      String s = new String(m, StandardCharsets.UTF_8);
      bigNumber |= s.contains("9223372036854775808");
      badUtf8 |= !Arrays.equals(s.getBytes(StandardCharsets.UTF_8), m);
    }
    assertThat(bigNumber).isTrue();
    assertThat(badUtf8).isTrue();
  }

  @Test
  void theSameRandomStateGivesTheSameMutant() {
    byte[] raw = SharedTestData.bytes(PPROF);
    for (int i = 0; i < 50; i++) {
      Mutator.Mutant a = mutator.mutate(raw, Form.PROTO, List.of(raw), new SplittableRandom(i));
      Mutator.Mutant b = mutator.mutate(raw, Form.PROTO, List.of(raw), new SplittableRandom(i));
      assertThat(a.bytes()).isEqualTo(b.bytes());
      assertThat(a.ops()).isEqualTo(b.ops());
    }
  }

  @Test
  void mutantsStayNearTheSeedsSize() {
    Mutator small = new Mutator(1 << 10);
    byte[] text = "{\"a\":[1,2,3],\"b\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 500; i++) {
      byte[] m = small.mutate(text, Form.JSON, List.of(), new SplittableRandom(i)).bytes();
      // a final gzip wrap of two members may add its headers
      assertThat(m.length).isLessThanOrEqualTo(text.length + (1 << 10) + 64);
    }
  }
}
