package io.flarestack.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.FlarestackException;
import org.junit.jupiter.api.Test;

class ProfileTypeTest {
  @Test
  void parsesFiveAndSixParts() {
    ProfileType t = ProfileType.parse("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(t).isEqualTo(new ProfileType("process_cpu", "cpu", "nanoseconds", "cpu", "nanoseconds"));
    assertThat(t.id()).isEqualTo("process_cpu:cpu:nanoseconds:cpu:nanoseconds");
    assertThat(ProfileType.parse("memory:alloc_objects:count::").periodType()).isEmpty();
    assertThat(ProfileType.parse("memory:alloc_objects:count:::delta").id()).isEqualTo("memory:alloc_objects:count::");
  }

  @Test
  void rejectsOtherShapesNamingTheValue() {
    assertThatThrownBy(() -> ProfileType.parse("cpu")).isInstanceOf(FlarestackException.class).hasMessageContaining("\"cpu\"");
    assertThatThrownBy(() -> ProfileType.parse("a:b:c:d")).isInstanceOf(FlarestackException.class);
    assertThatThrownBy(() -> ProfileType.parse("")).isInstanceOf(FlarestackException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> ProfileType.parse("::c:d:e")).isInstanceOf(FlarestackException.class);
  }
}
