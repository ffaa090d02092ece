package io.mimiredge.rls.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HopByHopTest {

  /** RFC 9110 7.6.1's, and the proxy-connection and keep-alive of older clients. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade"
      })
  void hopByHopHeadersAreNeitherForwardedNorRelayed(String name) {
    assertThat(HopByHop.forwarded(name, Set.of())).isFalse();
    assertThat(HopByHop.relayed(name)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"proxy-authorization", "host", "content-length", "expect"})
  void theClientsProxyCredentialsAndFramingStayHere(String name) {
    assertThat(HopByHop.forwarded(name, Set.of())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"content-length", "date", "server"})
  void jettyWritesItsOwnFramingDateAndServer(String name) {
    assertThat(HopByHop.relayed(name)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "content-type",
        "content-encoding",
        "x-scope-orgid",
        "x-prometheus-remote-write-version",
        "authorization",
        "user-agent"
      })
  void endToEndHeadersCrossBothWays(String name) {
    assertThat(HopByHop.forwarded(name, Set.of())).isTrue();
    assertThat(HopByHop.relayed(name)).isTrue();
  }

  @Test
  void headersTheConnectionHeaderNamesAreNotForwarded() {
    Set<String> named =
        HopByHop.connectionTokens(
            Collections.enumeration(List.of("keep-alive, X-Hop", " X-Other ,close")));

    assertThat(named).containsExactlyInAnyOrder("keep-alive", "x-hop", "x-other", "close");
    assertThat(HopByHop.forwarded("x-hop", named)).isFalse();
    assertThat(HopByHop.forwarded("x-other", named)).isFalse();
    assertThat(HopByHop.forwarded("x-end-to-end", named)).isTrue();
  }

  @Test
  void namesAreComparedIgnoringTheirCase() {
    assertThat(HopByHop.forwarded("Content-Length", Set.of())).isFalse();
    assertThat(HopByHop.forwarded("TRANSFER-ENCODING", Set.of())).isFalse();
    assertThat(HopByHop.relayed("Date")).isFalse();
    assertThat(HopByHop.forwarded("X-Scope-OrgID", Set.of())).isTrue();
    Set<String> named = HopByHop.connectionTokens(Collections.enumeration(List.of("x-hop")));
    assertThat(HopByHop.forwarded("X-Hop", named)).isFalse();
  }

  @Test
  void noConnectionHeaderNamesNothing() {
    assertThat(HopByHop.connectionTokens(null)).isEmpty();
    assertThat(HopByHop.connectionTokens(Collections.emptyEnumeration())).isEmpty();
  }
}
