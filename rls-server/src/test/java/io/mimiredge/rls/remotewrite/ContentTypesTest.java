package io.mimiredge.rls.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mimir's isRemoteWrite2 ({@code pkg/distributor/push.go}), oddities included. */
class ContentTypesTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "null | RW1",
        "'' | RW1",
        "application/x-protobuf | RW1",
        "application/x-protobuf;proto=prometheus.WriteRequest | RW1",
        "application/x-protobuf;proto=io.prometheus.write.v2.Request | RW2",
        "application/x-protobuf;charset=utf-8;proto=io.prometheus.write.v2.Request | RW2",
        // a space after ';' makes the key ' proto', which is not 'proto': taken as 1.0
        "application/x-protobuf; proto=io.prometheus.write.v2.Request | RW1",
        // no case folding, and any other media type is 1.0 without an error
        "Application/X-Protobuf;proto=io.prometheus.write.v2.Request | RW1",
        "text/plain | RW1",
        "application/json;proto=anything | RW1",
      })
  void readsTheProtocolAsMimirDoes(String contentType, Protocol expected) throws Exception {
    assertThat(ContentTypes.remoteWriteProtocol(contentType)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "application/x-protobuf;proto=something.Else | got application/x-protobuf;proto=something.Else content type; expected prometheus.WriteRequest or io.prometheus.write.v2.Request",
        "application/x-protobuf;proto=\"prometheus.WriteRequest\" | content type; expected",
        "application/x-protobuf; | expected parameters to be key-values, got  in application/x-protobuf; content-type",
        "application/x-protobuf;a=b=c | expected parameters to be key-values, got a=b=c in",
      })
  void refusesWhatMimirAnswers400(String contentType, String message) {
    assertThatThrownBy(() -> ContentTypes.remoteWriteProtocol(contentType))
        .isInstanceOfSatisfying(
            RemoteWriteException.class,
            e -> assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.BAD_CONTENT_TYPE))
        .hasMessageContaining(message);
  }
}
