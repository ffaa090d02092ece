package io.mimiredge.rls.limits;

import static io.mimiredge.rls.limits.LimitKey.INGESTION_BURST_FACTOR;
import static io.mimiredge.rls.limits.LimitKey.INGESTION_BURST_SIZE;
import static io.mimiredge.rls.limits.LimitKey.INGESTION_RATE;
import static io.mimiredge.rls.limits.LimitKey.MAX_LABEL_NAMES_PER_SERIES;
import static io.mimiredge.rls.limits.LimitKey.MAX_LABEL_NAME_LENGTH;
import static io.mimiredge.rls.limits.LimitKey.MAX_LABEL_VALUE_LENGTH;
import static io.mimiredge.rls.limits.LimitKey.MAX_METADATA_LENGTH;
import static io.mimiredge.rls.limits.LimitKey.MODE;
import static io.mimiredge.rls.limits.LimitKey.REQUEST_BURST_SIZE;
import static io.mimiredge.rls.limits.LimitKey.REQUEST_RATE;
import static io.mimiredge.rls.limits.LimitKey.VALIDATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.RelabelRule;
import io.mimiredge.rls.remotewrite.LabelValueStrategy;
import io.mimiredge.rls.remotewrite.NameValidation;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OverridesParserTest {
  private static final TenantLimits D = TenantLimits.MIMIR_DEFAULTS;

  static Stream<Arguments> goodFiles() {
    return Stream.of(
        arguments(
            "every key",
            """
            overrides:
              tenant-a:
                ingestion_rate: 2500.5
                ingestion_burst_size: 50000
                ingestion_burst_factor: 2
                request_rate: 10
                request_burst_size: 20
                max_label_names_per_series: 40
                max_label_name_length: 200
                max_label_value_length: 4096
                max_metadata_length: 512
                max_label_names_per_info_series: 90
                label_value_length_over_limit_strategy: truncate
                name_validation_scheme: utf8
                enforce_metadata_metric_name: false
                creation_grace_period: 1h30m
                past_grace_period: 2d
                out_of_order_time_window: 0
                max_global_exemplars_per_user: 100000
                max_exemplars_per_series_per_request: 5
                max_native_histogram_buckets: 160
                reduce_native_histogram_over_max_buckets: no
                otel_convert_histograms_to_nhcb: true
                otel_native_delta_ingestion: true
                otel_keep_identifying_resource_attributes: true
                promote_otel_resource_attributes: cluster,__replica__,k8s.namespace.name
                metric_relabel_configs:
                  - source_labels: [__name__, job]
                    separator: "/"
                    regex: "(debug_.*)/(.+)"
                    target_label: origin
                    replacement: "${2}"
                  - {action: LabelDrop, regex: "tmp_.*"}
                  - {action: hashmod, source_labels: [instance], modulus: 0x8, target_label: shard}
                drop_labels: [pod, ""]
                accept_ha_samples: true
                ha_cluster_label: prom_cluster
                ha_replica_label: prom_replica
                ha_max_clusters: 0
                ha_tracker_per_sample_dedupe: true
                ha_tracker_update_timeout: 5s
                ha_tracker_failover_timeout: 500ms
                ha_tracker_sample_failover_timeout: 1m
                edge_enforcement:
                  mode: shadow
                  validation: deny
            """,
            TenantLimits.builder()
                .ingestionRate(2500.5)
                .ingestionBurstSize(50000)
                .ingestionBurstFactor(2)
                .requestRate(10)
                .requestBurstSize(20)
                .maxLabelNamesPerSeries(40)
                .maxLabelNameLength(200)
                .maxLabelValueLength(4096)
                .maxMetadataLength(512)
                .maxLabelNamesPerInfoSeries(90)
                .labelValueLengthOverLimitStrategy(LabelValueStrategy.TRUNCATE)
                .nameValidationScheme(NameValidation.UTF8)
                .enforceMetadataMetricName(false)
                .creationGracePeriod(Duration.ofMinutes(90))
                .pastGracePeriod(Duration.ofDays(2))
                .outOfOrderTimeWindow(Duration.ZERO)
                .maxGlobalExemplarsPerUser(100_000)
                .maxExemplarsPerSeriesPerRequest(5)
                .maxNativeHistogramBuckets(160)
                .reduceNativeHistogramOverMaxBuckets(false)
                .otelConvertHistogramsToNhcb(true)
                .otelNativeDeltaIngestion(true)
                .otelKeepIdentifyingResourceAttributes(true)
                .promoteOtelResourceAttributes(
                    List.of("cluster", "__replica__", "k8s.namespace.name"))
                .metricRelabelConfigs(
                    List.of(
                        RelabelRule.builder()
                            .sourceLabels(List.of("__name__", "job"))
                            .separator("/")
                            .regex("(debug_.*)/(.+)")
                            .targetLabel("origin")
                            .replacement("${2}")
                            .build(),
                        RelabelRule.builder()
                            .action(RelabelAction.LABELDROP)
                            .regex("tmp_.*")
                            .build(),
                        RelabelRule.builder()
                            .action(RelabelAction.HASHMOD)
                            .sourceLabels(List.of("instance"))
                            .modulus(8)
                            .targetLabel("shard")
                            .build()))
                .dropLabels(List.of("pod", ""))
                .acceptHaSamples(true)
                .haClusterLabel("prom_cluster")
                .haReplicaLabel("prom_replica")
                .haMaxClusters(0)
                .haTrackerPerSampleDedupe(true)
                .haTrackerUpdateTimeout(Duration.ofSeconds(5))
                .haTrackerFailoverTimeout(Duration.ofMillis(500))
                .haTrackerSampleFailoverTimeout(Duration.ofMinutes(1))
                .mode(Mode.SHADOW)
                .validation(ValidationPolicy.DENY)
                .build(),
            Set.of(LimitKey.values())),
        arguments(
            "one key, rest from defaults",
            """
            overrides:
              tenant-a:
                ingestion_rate: 500
            """,
            D.toBuilder().ingestionRate(500).build(),
            Set.of(INGESTION_RATE)),
        arguments(
            "integers written as floats, underscores, hex",
            """
            overrides:
              tenant-a:
                ingestion_rate: 1_000
                ingestion_burst_size: 2.0e5
                max_label_names_per_series: 0x20
            """,
            D.toBuilder()
                .ingestionRate(1000)
                .ingestionBurstSize(200_000)
                .maxLabelNamesPerSeries(32)
                .build(),
            Set.of(INGESTION_RATE, INGESTION_BURST_SIZE, MAX_LABEL_NAMES_PER_SERIES)),
        arguments(
            "unquoted off is a YAML 1.1 boolean, still a mode",
            """
            overrides:
              tenant-a:
                edge_enforcement: {mode: off}
            """,
            D.toBuilder().mode(Mode.OFF).build(),
            Set.of(MODE)),
        arguments(
            "mode and policy ignore case",
            """
            overrides:
              tenant-a:
                edge_enforcement: {mode: Shadow, validation: DENY}
            """,
            D.toBuilder().mode(Mode.SHADOW).validation(ValidationPolicy.DENY).build(),
            Set.of(MODE, VALIDATION)),
        arguments(
            "null values leave the defaults",
            """
            overrides:
              tenant-a:
                ingestion_rate:
                request_rate: ~
                max_metadata_length: 100
                edge_enforcement:
            """,
            D.toBuilder().maxMetadataLength(100).build(),
            Set.of(MAX_METADATA_LENGTH)),
        arguments(
            "unknown keys at every level",
            """
            whatever: {a: 1}
            overrides:
              tenant-a:
                max_global_series_per_user: 1000
                ruler_max_rules_per_rule_group: [1, 2]
                request_rate: 5
                edge_enforcement:
                  mode: enforce
                  future_setting: fancy
            """,
            D.toBuilder().requestRate(5).build(),
            Set.of(REQUEST_RATE, MODE)),
        arguments(
            "merge key with explicit keys winning",
            """
            base: &base
              ingestion_rate: 100
              ingestion_burst_size: 1000
              max_label_name_length: 64
            overrides:
              tenant-a:
                <<: *base
                ingestion_rate: 300
            """,
            D.toBuilder()
                .ingestionRate(300)
                .ingestionBurstSize(1000)
                .maxLabelNameLength(64)
                .build(),
            Set.of(INGESTION_RATE, INGESTION_BURST_SIZE, MAX_LABEL_NAME_LENGTH)),
        arguments(
            "merge of a list: earlier mappings win",
            """
            a: &a {ingestion_rate: 1, max_label_value_length: 10}
            b: &b {ingestion_rate: 2, request_rate: 3}
            overrides:
              tenant-a:
                <<: [*a, *b]
            """,
            D.toBuilder().ingestionRate(1).maxLabelValueLength(10).requestRate(3).build(),
            Set.of(INGESTION_RATE, MAX_LABEL_VALUE_LENGTH, REQUEST_RATE)),
        arguments(
            "nested merge and an aliased edge block",
            """
            edge: &shadowed {mode: shadow}
            base: &base
              request_burst_size: 7
              edge_enforcement: *shadowed
            tier: &tier
              <<: *base
              ingestion_burst_factor: 1.5
            overrides:
              tenant-a:
                <<: *tier
            """,
            D.toBuilder().requestBurstSize(7).ingestionBurstFactor(1.5).mode(Mode.SHADOW).build(),
            Set.of(REQUEST_BURST_SIZE, INGESTION_BURST_FACTOR, MODE)),
        arguments(
            "a whole tenant aliased",
            """
            overrides:
              tenant-b: &same {ingestion_rate: 42}
              tenant-a: *same
            """,
            D.toBuilder().ingestionRate(42).build(),
            Set.of(INGESTION_RATE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void parsesGoodFiles(String name, String yaml, TenantLimits expected, Set<LimitKey> explicit)
      throws Exception {
    Overrides o = OverridesParser.parse(yaml, D);
    assertThat(o.limitsFor("tenant-a")).isEqualTo(expected);
    assertThat(o.tenants().get("tenant-a").explicit()).isEqualTo(explicit);
    for (LimitKey k : LimitKey.values()) {
      assertThat(o.source("tenant-a", k))
          .as(k.yamlPath())
          .isEqualTo(explicit.contains(k) ? Overrides.Source.OVERRIDES : Overrides.Source.DEFAULT);
    }
    assertThat(o.limitsFor("someone-else")).isEqualTo(D);
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        arguments(
            "a string for a rate",
            """
            overrides:
              tenant-a:
                max_label_name_length: 100
                ingestion_rate: fast
            """,
            List.of(
                "overrides.tenant-a.ingestion_rate (line 4): expected a non-negative number, got"
                    + " \"fast\"")),
        arguments(
            "a quoted number is a string",
            """
            overrides:
              tenant-a:
                request_rate: "10"
            """,
            List.of(
                "overrides.tenant-a.request_rate (line 3): expected a non-negative number, got"
                    + " \"10\"")),
        arguments(
            "a YAML list where Mimir reads one comma-separated string",
            """
            overrides:
              tenant-a:
                promote_otel_resource_attributes: [cluster, __replica__]
            """,
            List.of(
                "overrides.tenant-a.promote_otel_resource_attributes (line 3): expected a"
                    + " comma-separated string such as a,b, got a list")),
        arguments(
            "relabeling rules Mimir refuses to load (limits.go, relabel.Config)",
            """
            overrides:
              tenant-a:
                metric_relabel_configs:
                  - {action: shuffle}
              tenant-b:
                metric_relabel_configs:
                  -
              tenant-c:
                metric_relabel_configs:
                  - {regex: "a(?=b)"}
              tenant-d:
                metric_relabel_configs:
                  - {source_labels: [a], regexp: x}
              tenant-e:
                drop_labels: pod
              tenant-f:
                metric_relabel_configs: {action: drop}
            """,
            List.of(
                "overrides.tenant-a.metric_relabel_configs (line 3): entry 1: unknown relabel"
                    + " action \"shuffle\"",
                "overrides.tenant-b.metric_relabel_configs (line 6): invalid"
                    + " metric_relabel_configs (entry 1 is empty)",
                "overrides.tenant-c.metric_relabel_configs (line 9): entry 1: error parsing"
                    + " regexp: invalid or unsupported Perl syntax: `(?=`",
                "overrides.tenant-d.metric_relabel_configs (line 12): entry 1: field regexp not"
                    + " found in type relabel.plain",
                "overrides.tenant-e.drop_labels (line 15): expected a list of strings such as [a,"
                    + " b], got \"pod\"",
                "overrides.tenant-f.metric_relabel_configs (line 17): expected a list of"
                    + " relabeling rules (source_labels, regex, action, ...), got a mapping")),
        arguments(
            "negative rate",
            """
            overrides:
              tenant-a:
                ingestion_rate: -1.5
            """,
            List.of(
                "overrides.tenant-a.ingestion_rate (line 3): expected a non-negative number, got"
                    + " -1.5")),
        arguments(
            "infinity and NaN",
            """
            overrides:
              tenant-a:
                ingestion_rate: .inf
                ingestion_burst_factor: .NaN
            """,
            List.of(
                "overrides.tenant-a.ingestion_rate (line 3): expected a finite non-negative number,"
                    + " got .inf",
                "overrides.tenant-a.ingestion_burst_factor (line 4): expected a finite non-negative"
                    + " number, got .NaN")),
        arguments(
            "a list for a number",
            """
            overrides:
              tenant-a:
                ingestion_burst_size: [1, 2]
            """,
            List.of(
                "overrides.tenant-a.ingestion_burst_size (line 3): expected a non-negative"
                    + " integer, got a list")),
        arguments(
            "a fraction for an integer",
            """
            overrides:
              tenant-a:
                max_label_names_per_series: 30.5
            """,
            List.of(
                "overrides.tenant-a.max_label_names_per_series (line 3): expected a non-negative"
                    + " integer, got 30.5")),
        arguments(
            "negative integer",
            """
            overrides:
              tenant-a:
                request_burst_size: -3
            """,
            List.of(
                "overrides.tenant-a.request_burst_size (line 3): expected a non-negative integer,"
                    + " got -3")),
        arguments(
            "integer too large",
            """
            overrides:
              tenant-a:
                ingestion_burst_size: 3000000000
            """,
            List.of(
                "overrides.tenant-a.ingestion_burst_size (line 3): expected a non-negative integer"
                    + " up to 2147483647, got 3000000000")),
        arguments(
            "a boolean for an integer",
            """
            overrides:
              tenant-a:
                max_metadata_length: true
            """,
            List.of(
                "overrides.tenant-a.max_metadata_length (line 3): expected a non-negative"
                    + " integer, got true")),
        arguments(
            "unknown mode and policy",
            """
            overrides:
              tenant-a:
                edge_enforcement:
                  mode: aggressive
                  validation: [deny]
            """,
            List.of(
                "overrides.tenant-a.edge_enforcement.mode (line 4): expected one of enforce,"
                    + " shadow, off, got \"aggressive\"",
                "overrides.tenant-a.edge_enforcement.validation (line 5): expected one of"
                    + " forward, deny, got a list")),
        arguments(
            "edge block not a mapping",
            """
            overrides:
              tenant-a:
                edge_enforcement: shadow
            """,
            List.of(
                "overrides.tenant-a.edge_enforcement (line 3): expected a mapping with mode and"
                    + " validation, got \"shadow\"")),
        arguments(
            "tenant not a mapping",
            """
            overrides:
              tenant-a: 1000
            """,
            List.of("overrides.tenant-a (line 2): expected a mapping of limits, got 1000")),
        arguments(
            "overrides not a mapping",
            """
            overrides:
              - tenant-a
            """,
            List.of("overrides (line 1): expected a mapping of tenant IDs to limits, got a list")),
        arguments(
            "document not a mapping",
            "just text\n",
            List.of("runtime config (line 1): expected a mapping, got \"just text\"")),
        arguments(
            "duplicate tenant and duplicate key",
            """
            overrides:
              tenant-a:
                ingestion_rate: 1
                ingestion_rate: 2
              tenant-a:
                request_rate: 1
            """,
            List.of(
                "overrides.tenant-a (line 5): duplicate key, already defined at line 2",
                "overrides.tenant-a.ingestion_rate (line 4): duplicate key, already defined at"
                    + " line 3")),
        arguments(
            "errors of several tenants are all reported",
            """
            overrides:
              tenant-a:
                ingestion_rate: lots
              tenant-b:
                ingestion_rate: 10
              tenant-c:
                max_label_value_length: -1
            """,
            List.of(
                "overrides.tenant-a.ingestion_rate (line 3): expected a non-negative number, got"
                    + " \"lots\"",
                "overrides.tenant-c.max_label_value_length (line 7): expected a non-negative"
                    + " integer, got -1")),
        arguments(
            "bad value reached through a merge key",
            """
            base: &base {ingestion_rate: many}
            overrides:
              tenant-a:
                <<: *base
            """,
            List.of(
                "overrides.tenant-a.ingestion_rate (line 1): expected a non-negative number, got"
                    + " \"many\"")),
        arguments(
            "not YAML at all",
            """
            overrides:
              tenant-a:
                ingestion_rate: 1
               request_rate: [2
            """,
            List.of("runtime config (line 4): not valid YAML: ")),
        arguments(
            "unknown alias",
            """
            overrides:
              tenant-a: *nowhere
            """,
            List.of("runtime config (line 2): not valid YAML: found undefined alias nowhere")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void refusesBadFilesListingEveryProblem(String name, String yaml, List<String> expected) {
    assertThatThrownBy(() -> OverridesParser.parse(yaml, D))
        .isInstanceOfSatisfying(
            LimitsParseException.class,
            e -> {
              assertThat(e.problems()).hasSameSizeAs(expected);
              for (int i = 0; i < expected.size(); i++) {
                assertThat(e.problems().get(i)).startsWith(expected.get(i));
              }
              assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "# only a comment\n",
        "overrides:\n",
        "overrides: ~\n",
        "overrides: {}\n",
        "multi_kv_config: {primary: consul}\n",
        "overrides:\n  tenant-a:\n  tenant-b: ~\n",
        "overrides:\n  tenant-a: {max_global_series_per_user: 10}\n"
      })
  void emptyOrIrrelevantFilesMeanNoOverrides(String yaml) throws Exception {
    Overrides o = OverridesParser.parse(yaml, D);
    assertThat(o.tenants()).isEmpty();
    assertThat(o.limitsFor("tenant-a")).isEqualTo(D);
  }

  @Test
  void tenantsResolveOnTheGivenDefaults() throws Exception {
    TenantLimits defaults = D.toBuilder().ingestionRate(50).mode(Mode.SHADOW).build();
    Overrides o = OverridesParser.parse("overrides: {tenant-a: {request_rate: 1}}", defaults);
    assertThat(o.limitsFor("tenant-a")).isEqualTo(defaults.toBuilder().requestRate(1).build());
    assertThat(o.limitsFor("other")).isEqualTo(defaults);
    assertThat(o.defaults()).isEqualTo(defaults);
  }

  @Test
  void readsARealisticMimirRuntimeConfig() throws Exception {
    Overrides o;
    try (Reader r = resource("mimir-runtime.yaml")) {
      o = OverridesParser.parse(r, D);
    }
    assertThat(o.tenants().keySet())
        .containsExactly("team-payments", "team-search", "anonymous"); // file order
    assertThat(o.limitsFor("team-payments"))
        .isEqualTo(
            D.toBuilder()
                .ingestionRate(350_000)
                .ingestionBurstSize(3_500_000)
                .maxLabelNamesPerSeries(40)
                .mode(Mode.SHADOW)
                .metricRelabelConfigs(
                    List.of(
                        RelabelRule.builder()
                            .sourceLabels(List.of("__name__"))
                            .regex("go_gc_.*")
                            .action(RelabelAction.DROP)
                            .build()))
                .build()
                .toBuilder()
                .outOfOrderTimeWindow(Duration.ofMinutes(10))
                .build());
    assertThat(o.limitsFor("team-search"))
        .isEqualTo(
            D.toBuilder()
                .ingestionRate(25_000)
                .ingestionBurstSize(500_000)
                .requestRate(50)
                .requestBurstSize(100)
                .maxLabelValueLength(4096)
                .mode(Mode.ENFORCE)
                .validation(ValidationPolicy.DENY)
                .build()
                .toBuilder()
                .acceptHaSamples(true)
                .build());
    assertThat(o.limitsFor("anonymous"))
        .isEqualTo(
            D.toBuilder()
                .ingestionRate(1000)
                .ingestionBurstFactor(3)
                .maxMetadataLength(512)
                .maxLabelNameLength(256)
                .build());
    assertThat(o.limitsFor("12345")).isEqualTo(D);
    assertThat(o.limitsFor("tenant-with-no-limits")).isEqualTo(D);
    assertThat(o.source("team-search", VALIDATION)).isEqualTo(Overrides.Source.OVERRIDES);
    assertThat(o.source("team-search", MAX_LABEL_NAME_LENGTH)).isEqualTo(Overrides.Source.DEFAULT);
  }

  @Test
  void manyTenantsCanShareOneAnchor() throws Exception {
    StringBuilder yaml = new StringBuilder("tier: &tier {ingestion_rate: 5}\noverrides:\n");
    for (int i = 0; i < 500; i++) {
      yaml.append("  t").append(i).append(": {<<: *tier, request_rate: ").append(i).append("}\n");
    }
    Overrides o = OverridesParser.parse(yaml.toString(), D);
    assertThat(o.tenants()).hasSize(500);
    assertThat(o.limitsFor("t499"))
        .isEqualTo(D.toBuilder().ingestionRate(5).requestRate(499).build());
  }

  @Test
  void survivesRecursiveAliases() throws Exception {
    String yaml =
        """
        loop: &loop {self: *loop, <<: *loop}
        overrides:
          tenant-a: {ingestion_rate: 1, unknown: *loop}
        """;
    assertThat(OverridesParser.parse(yaml, D).limitsFor("tenant-a"))
        .isEqualTo(D.toBuilder().ingestionRate(1).build());
  }

  @Test
  void parsesADefaultsBlockFromMaps() throws Exception {
    Map<String, Object> edge = new LinkedHashMap<>();
    edge.put("mode", "shadow");
    edge.put("ignored", 1);
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("ingestion_rate", 20000);
    block.put("ingestion_burst_size", 400000L);
    block.put("request_rate", 2.5);
    block.put("max_global_series_per_user", 1);
    block.put("edge_enforcement", edge);
    assertThat(OverridesParser.parseDefaults(block))
        .isEqualTo(
            D.toBuilder()
                .ingestionRate(20000)
                .ingestionBurstSize(400_000)
                .requestRate(2.5)
                .mode(Mode.SHADOW)
                .build());
    assertThat(OverridesParser.parseDefaults(Map.of())).isEqualTo(D);
  }

  @Test
  void refusesBadDefaultsWithoutLineNumbersFromMaps() {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("ingestion_rate", Double.NaN);
    block.put("max_label_name_length", "long");
    block.put("edge_enforcement", Map.of("validation", "maybe"));
    assertThatThrownBy(() -> OverridesParser.parseDefaults(block))
        .isInstanceOfSatisfying(
            LimitsParseException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "defaults.ingestion_rate: expected a finite non-negative number, got NaN",
                        "defaults.max_label_name_length: expected a non-negative integer, got"
                            + " \"long\"",
                        "defaults.edge_enforcement.validation: expected one of forward, deny, got"
                            + " \"maybe\""));
  }

  @Test
  void parsesADefaultsBlockFromYaml() throws Exception {
    String yaml =
        """
        ingestion_rate: 1e4
        edge_enforcement: {validation: deny}
        """;
    assertThat(OverridesParser.parseDefaults(new StringReader(yaml)))
        .isEqualTo(D.toBuilder().validation(ValidationPolicy.DENY).build());
    assertThatThrownBy(() -> OverridesParser.parseDefaults(new StringReader("request_rate: x")))
        .hasMessage("defaults.request_rate (line 1): expected a non-negative number, got \"x\"");
  }

  @Test
  void namesTheTenantsThatSetMimirSettingsTheEdgeDoesNotMirror() throws Exception {
    Overrides o =
        OverridesParser.parse(
            """
            overrides:
              relabels:
                ingestion_rate: 5
                metric_relabel_configs:
                  - {source_labels: [__name__], regex: "debug_.*", action: drop}
                  - {source_labels: [__name__], regex: "(?U)x+", action: drop}
                drop_labels: [pod]
              runnable: # applied on every protocol: not named
                metric_relabel_configs:
                  - {source_labels: [__name__], regex: "debug_.*", action: drop}
              only-unmirrored:
                otel_promote_scope_metadata: true
                enforce_out_of_order_window_on_distributor: true
              at-their-defaults:
                metric_relabel_configs: []
                drop_labels: []
                enforce_out_of_order_window_on_distributor: false
                otel_promote_scope_metadata: false
              plain:
                ingestion_rate: 7
            """,
            D);
    assertThat(o.notMirrored())
        .containsOnlyKeys("relabels", "only-unmirrored")
        .containsEntry("relabels", List.of("metric_relabel_configs")) // drop_labels is mirrored
        .containsEntry(
            "only-unmirrored",
            List.of("otel_promote_scope_metadata", "enforce_out_of_order_window_on_distributor"));
    assertThat(o.notMirroredFor("plain")).isEmpty();
    assertThat(o.notMirroredFor("runnable")).isEmpty();
    assertThat(o.limitsFor("runnable").metricRelabelConfigs()).hasSize(1);
    // rules the edge cannot run alike: none is applied; drop_labels is
    assertThat(o.limitsFor("relabels").metricRelabelConfigs()).isEmpty();
    assertThat(o.limitsFor("relabels").dropLabels()).containsExactly("pod");
    // a tenant with nothing the edge reads still gets named
    assertThat(o.tenants()).doesNotContainKey("only-unmirrored");
    // kept through an admin change and new defaults
    Overrides changed =
        o.withTenant("relabels", D.toBuilder().ingestionRate(9).build(), Set.of(INGESTION_RATE))
            .withDefaults(D.toBuilder().requestRate(3).build());
    assertThat(changed.notMirrored()).isEqualTo(o.notMirrored());
  }

  @Test
  void overridesCanBeChangedAsValues() throws Exception {
    Overrides o = OverridesParser.parse("overrides: {tenant-a: {ingestion_rate: 5}}", D);
    Overrides changed =
        o.withTenant("tenant-b", D.toBuilder().requestRate(9).build(), Set.of(REQUEST_RATE))
            .withDefaults(D.toBuilder().maxLabelNameLength(10).build());
    assertThat(changed.limitsFor("tenant-a"))
        .isEqualTo(D.toBuilder().ingestionRate(5).maxLabelNameLength(10).build());
    assertThat(changed.limitsFor("tenant-b"))
        .isEqualTo(D.toBuilder().requestRate(9).maxLabelNameLength(10).build());
    assertThat(changed.withTenant("tenant-a", D, Set.of()).tenants()).containsOnlyKeys("tenant-b");
    assertThat(o.tenants()).containsOnlyKeys("tenant-a"); // the original is untouched
  }

  private static Reader resource(String name) {
    return new InputStreamReader(
        Objects.requireNonNull(OverridesParserTest.class.getResourceAsStream("/limits/" + name)),
        StandardCharsets.UTF_8);
  }
}
