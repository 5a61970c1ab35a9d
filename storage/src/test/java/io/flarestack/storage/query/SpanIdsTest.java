package io.flarestack.storage.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import org.junit.jupiter.api.Test;

class SpanIdsTest {
  @Test
  void hexBytesAreReadLittleEndian() {
    assertThat(SpanIds.parseOrZero("0100000000000000")).isEqualTo(1L);
    assertThat(SpanIds.parseOrZero("0001000000000000")).isEqualTo(256L);
    assertThat(SpanIds.parseOrZero("0102030405060708")).isEqualTo(0x0807060504030201L);
    assertThat(SpanIds.parseOrZero("ffffffffffffff7f")).isEqualTo(Long.MAX_VALUE);
    assertThat(SpanIds.parseOrZero("A1A2A3A4A5A6A7A8")).isEqualTo(SpanIds.parseOrZero("a1a2a3a4a5a6a7a8"));
    assertThat(SpanIds.format(0x0807060504030201L)).isEqualTo("0102030405060708");
  }

  @Test
  void anythingElseIsNoSpan() {
    assertThat(SpanIds.parseOrZero("")).isZero();
    assertThat(SpanIds.parseOrZero("01020304050607")).isZero();
    assertThat(SpanIds.parseOrZero("010203040506070g")).isZero();
    assertThat(SpanIds.parseOrZero("4bf92f3577b34da6a3ce929d0e0e4736")).isZero();
    assertThatThrownBy(() -> SpanIds.parse("xyz")).isInstanceOf(FlarestackException.class).hasMessageContaining("\"xyz\"");
  }
}
