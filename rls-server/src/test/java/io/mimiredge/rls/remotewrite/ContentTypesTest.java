package io.mimiredge.rls.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentTypesTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "null | false",
        "application/x-protobuf | false",
        "application/x-protobuf;proto=prometheus.WriteRequest | false",
        "application/x-protobuf; proto=\"prometheus.WriteRequest\" | false",
        "application/x-protobuf;proto=io.prometheus.write.v2.Request | true",
        "Application/X-Protobuf; Proto=io.prometheus.write.v2.Request | true",
        "application/x-protobuf;proto=something.Else | true",
      })
  void refusesOnlyMessagesOtherThanRemoteWrite1(String contentType, boolean unsupported) {
    assertThat(ContentTypes.isUnsupportedProtobufMessage(contentType)).isEqualTo(unsupported);
  }
}
