package io.mimiredge.rls.http;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which headers cross the edge, as a proxy hop passes them (RFC 9110 7.6.1): never the hop-by-hop
 * ones, nor those the request's {@code Connection} header names; and not what each side's HTTP
 * stack sets itself. Names are compared ignoring case, without lower-casing them (no string made
 * per header of every push). Stateless and thread-safe.
 */
final class HopByHop {
  /** Headers that describe one connection, not the message (RFC 9110 7.6.1). */
  private static final List<String> HOP_BY_HOP =
      List.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  /** Not passed on upstream: hop-by-hop, the client's proxy credentials, and framing. */
  private static final Set<String> NOT_FORWARDED =
      hopByHopAnd("proxy-authorization", "host", "content-length", "expect");

  /** Not relayed to the client: hop-by-hop, framing, and what Jetty sets itself. */
  private static final Set<String> NOT_RELAYED = hopByHopAnd("content-length", "date", "server");

  private HopByHop() {}

  /**
   * The header names a request's {@code Connection} values list (hop-by-hop for this connection
   * only), lower-cased, in a set that compares ignoring case.
   *
   * @param connectionValues the values of the request's {@code Connection} headers; null or empty
   *     when it has none
   */
  static Set<String> connectionTokens(Enumeration<String> connectionValues) {
    if (connectionValues == null || !connectionValues.hasMoreElements()) {
      return Set.of();
    }
    Set<String> tokens = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    while (connectionValues.hasMoreElements()) {
      for (String t : connectionValues.nextElement().split(",")) {
        tokens.add(t.strip().toLowerCase(Locale.ROOT));
      }
    }
    return tokens;
  }

  /**
   * Whether a request header goes on upstream: not hop-by-hop, not named by the request's {@code
   * Connection} header, not the client's proxy credentials, not framing ({@code Host}, {@code
   * Content-Length}, {@code Expect}: the upstream client writes its own).
   *
   * @param name the header's name, in any case
   * @param connectionTokens what {@link #connectionTokens} found in the request
   */
  static boolean forwarded(String name, Set<String> connectionTokens) {
    return !NOT_FORWARDED.contains(name) && !connectionTokens.contains(name);
  }

  /**
   * Whether an upstream response header is relayed to the client: not hop-by-hop, not framing, not
   * what Jetty writes itself ({@code Date}, {@code Server}).
   *
   * @param name the header's name, in any case
   */
  static boolean relayed(String name) {
    return !NOT_RELAYED.contains(name);
  }

  private static Set<String> hopByHopAnd(String... more) {
    TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.addAll(HOP_BY_HOP);
    names.addAll(List.of(more));
    return Collections.unmodifiableSortedSet(names);
  }
}
