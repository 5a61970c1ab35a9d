package io.flarestack.distributor.ingest.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Run-specific class and library names merged as Pyroscope merges them (the examples of
 * grafana/jfr-parser's symbol rules; the lambda form follows Pyroscope's expected pprofs, which
 * show {@code $$Lambda_}). The golden tests cover the lambda and accessor rules on real data.
 */
class FrameNamesTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "jdk/internal/reflect/GeneratedMethodAccessor31|jdk/internal/reflect/GeneratedMethodAccessor_",
      "org/example/rideshare/OrderService$$Lambda$669.0x0000000800fd7318|org/example/rideshare/OrderService$$Lambda_",
      "kafka/log/LogValidator$$$Lambda$1214/0x0000000800ff8040|kafka/log/LogValidator$$$Lambda_",
      "App$$Lambda$14/1234567|App$$Lambda_",
      "libzstd-jni-1.5.1-16931311898282279136.so|libzstd-jni-_.so",
      "./tmp/libzstd-jni-1.5.1-16931311898282279136.so (deleted)|libzstd-jni-_.so",
      "./tmp/libamazonCorrettoCryptoProvider109b39cf33c563eb.so|libamazonCorrettoCryptoProvider_.so",
      "./tmp/amazonCorrettoCryptoProviderNativeLibraries.7382c2f79097f415/libcrypto.so (deleted)|libamazonCorrettoCryptoProvider_.so",
      "libasyncProfiler-linux-arm64-17b9a1d8156277a98ccc871afa9a8f69215f92.so|libasyncProfiler-_.so",
      // left alone: other names, other async-profiler builds, the JDK recorder's hidden-class form
      "java/lang/Thread|java/lang/Thread",
      "libasyncProfiler-linux-x64-505cc169188276c919be50bc1b47e8f236295f.so|libasyncProfiler-linux-x64-505cc169188276c919be50bc1b47e8f236295f.so",
      "Burn$$Lambda$123+0x00007f59500875a0/1744189907|Burn$$Lambda$123+0x00007f59500875a0/1744189907",
      "jdk/internal/reflect/GeneratedMethodAccessorImpl|jdk/internal/reflect/GeneratedMethodAccessorImpl",
  })
  void mergesGeneratedNames(String name, String merged) {
    assertThat(FrameNames.mergeGenerated(name)).isEqualTo(merged);
  }
}
