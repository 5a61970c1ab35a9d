package io.flarestack.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.edge.http.Bodies;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.testing.SharedTestData;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GzipTest {
  @Test
  void compressesToStandardGzipAtBothLevels() {
    byte[] data = "abc".repeat(1000).getBytes(StandardCharsets.UTF_8);
    for (byte[] gz : new byte[][] {Gzip.gzip(data), Gzip.gzipFast(data)}) {
      assertThat(gz.length).isLessThan(data.length / 10);
      assertThat(Gzip.isGzip(gz)).isTrue();
      assertThat(SharedTestData.gunzip(gz)).isEqualTo(data);
    }
  }

  @Test
  void inflatesConcatenatedMembersUpToTheLimitAndKeepsWhatItReturnsReserved() throws IOException {
    byte[] a = Gzip.gzip("hello ".getBytes(StandardCharsets.UTF_8));
    byte[] b = Gzip.gzip("world".getBytes(StandardCharsets.UTF_8));
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    RequestMemory memory = new MemoryBudget(1 << 20).open();
    byte[] out = Gzip.gunzip(both, 11, memory);
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("hello world");
    assertThat(memory.held()).isEqualTo(out.length);
  }

  @Test
  void outputOverTheLimitIsNullAfterAtMostOneByteMore() throws IOException {
    byte[] bomb = Gzip.gzip(new byte[10 << 20]);
    RequestMemory memory = new MemoryBudget(64 << 20).open();
    assertThat(Gzip.gunzip(bomb, 1 << 20, memory)).isNull();
    assertThat(memory.held()).isZero(); // the buffer of the refused output is given back
  }

  @Test
  void aBombStopsWhereTheRequestMayHoldNoMore() {
    byte[] bomb = Gzip.gzip(new byte[10 << 20]);
    MemoryBudget budget = new MemoryBudget(1 << 20);
    RequestMemory memory = budget.open();
    assertThatThrownBy(() -> Gzip.gunzip(bomb, Long.MAX_VALUE, memory))
        .isInstanceOfSatisfying(TooLargeException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(413);
          assertThat(e.getMessage()).contains("1048576").contains(MemoryBudget.FLAG);
        });
    memory.close();
    assertThat(budget.used()).isZero();
  }

  @Test
  void truncatedAndGarbageStreamsAreIoErrors() {
    byte[] gz = Gzip.gzip("some data to compress".repeat(10).getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Gzip.gunzip(Arrays.copyOf(gz, gz.length / 2), 1 << 20, RequestMemory.unbounded()))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> Gzip.gunzip(new byte[] {1, 2, 3, 4}, 100, RequestMemory.unbounded()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void theEdgeWordsBodyRefusalsWithTheLimitAndTheFlag() {
    byte[] bomb = Gzip.gzip(new byte[10 << 20]);
    assertThatThrownBy(() -> Bodies.gunzip(bomb, 1 << 20, "request body", RequestMemory.unbounded()))
        .isInstanceOfSatisfying(TooLargeException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
          assertThat(e.httpStatus()).isEqualTo(413);
          assertThat(e.getMessage()).contains("request body").contains("1048576")
              .contains(bomb.length + " bytes compressed").contains(Bodies.LIMIT_FLAG);
        });
    assertThatThrownBy(() -> Bodies.gunzip(new byte[] {1, 2, 3, 4}, 100, "request body", RequestMemory.unbounded()))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("request body is not valid gzip");
        });
  }
}
