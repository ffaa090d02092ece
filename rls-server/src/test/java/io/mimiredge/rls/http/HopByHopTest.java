package io.mimiredge.rls.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HopByHopTest {

  @Test
  void theHopByHopHeadersAreNeitherForwardedNorRelayed() {
    for (String h :
        List.of(
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade")) {
      assertThat(HopByHop.forwarded(h, Set.of())).as(h).isFalse();
      assertThat(HopByHop.relayed(h)).as(h).isFalse();
    }
  }

  @Test
  void theClientsProxyCredentialsAndFramingStayHere() {
    for (String h : List.of("proxy-authorization", "host", "content-length", "expect")) {
      assertThat(HopByHop.forwarded(h, Set.of())).as(h).isFalse();
    }
  }

  @Test
  void jettyWritesItsOwnFramingDateAndServer() {
    for (String h : List.of("content-length", "date", "server")) {
      assertThat(HopByHop.relayed(h)).as(h).isFalse();
    }
  }

  @Test
  void endToEndHeadersCrossBothWays() {
    for (String h :
        List.of(
            "content-type",
            "content-encoding",
            "x-scope-orgid",
            "x-prometheus-remote-write-version",
            "authorization",
            "user-agent")) {
      assertThat(HopByHop.forwarded(h, Set.of())).as(h).isTrue();
      assertThat(HopByHop.relayed(h)).as(h).isTrue();
    }
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
  void noConnectionHeaderNamesNothing() {
    assertThat(HopByHop.connectionTokens(null)).isEmpty();
    assertThat(HopByHop.connectionTokens(Collections.emptyEnumeration())).isEmpty();
  }
}
