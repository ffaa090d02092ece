package io.mimiredge.rls.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TenantIdsTest {

  static Stream<Arguments> cases() {
    String max = "a".repeat(150);
    return Stream.of(
        Arguments.of("tenant-a", "tenant-a", null, null),
        Arguments.of("Team_1.prod", "Team_1.prod", null, null),
        Arguments.of("!-_.*'()", "!-_.*'()", null, null),
        Arguments.of(max, max, null, null),
        Arguments.of("...", "...", null, null),
        Arguments.of("a|a", "a", null, null), // one distinct tenant: dskit accepts it
        Arguments.of(null, null, Reason.MISSING_TENANT, "no org id"),
        Arguments.of("", null, Reason.MISSING_TENANT, "no org id"),
        Arguments.of(
            max + "a", null, Reason.INVALID_TENANT, "tenant ID is too long: max 150 characters"),
        Arguments.of(".", null, Reason.INVALID_TENANT, "tenant ID is '.' or '..'"),
        Arguments.of("..", null, Reason.INVALID_TENANT, "tenant ID is '.' or '..'"),
        Arguments.of(
            "team a",
            null,
            Reason.INVALID_TENANT,
            "tenant ID 'team a' contains unsupported character ' '"),
        Arguments.of(
            "org/1",
            null,
            Reason.INVALID_TENANT,
            "tenant ID 'org/1' contains unsupported character '/'"),
        // dskit's TenantID (resolver.go trimMetadata): metadata after ':' is cut off, unchecked
        Arguments.of("tenant:k6", "tenant", null, null),
        Arguments.of("team-a:product=k6", "team-a", null, null),
        Arguments.of("a:product=k6|a:x", "a", null, null),
        Arguments.of("a:x|b:x", null, Reason.INVALID_TENANT, "multiple org IDs present"),
        Arguments.of(
            "org/1:product=k6",
            null,
            Reason.INVALID_TENANT,
            "tenant ID 'org/1' contains unsupported character '/'"),
        Arguments.of(":x", null, Reason.INVALID_TENANT, "tenant ID is empty"),
        Arguments.of(
            "é",
            null,
            Reason.INVALID_TENANT,
            "tenant ID '?' contains unsupported character '\\u00e9'"),
        Arguments.of(
            "x".repeat(200) + "/",
            null,
            Reason.INVALID_TENANT,
            "tenant ID '" + "x".repeat(150) + "…' contains unsupported character '/'"),
        Arguments.of("a|b", null, Reason.INVALID_TENANT, "multiple org IDs present"),
        Arguments.of("a|", null, Reason.INVALID_TENANT, "tenant ID is empty"),
        Arguments.of(
            "a|b c",
            null,
            Reason.INVALID_TENANT,
            "tenant ID 'b c' contains unsupported character ' '"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("cases")
  void followsDskitRules(String orgId, String tenant, Reason reason, String message) {
    assertThat(TenantIds.check(orgId)).isEqualTo(new TenantIds.Check(tenant, reason, message));
  }
}
