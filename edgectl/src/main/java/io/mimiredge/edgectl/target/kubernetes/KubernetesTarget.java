package io.mimiredge.edgectl.target.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.config.EdgectlConfig;
import io.mimiredge.edgectl.rollout.HistoryEntry;
import io.mimiredge.edgectl.rollout.Sleeper;
import io.mimiredge.edgectl.target.RecordedRollout;
import io.mimiredge.edgectl.target.Target;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * NGINX in Kubernetes. The ConfigMap holds the config NGINX mounts ({@code key}), the known-good
 * {@code direct.conf}, the {@code previous.conf} and the history ({@code edgectl-history.jsonl});
 * its annotations hold the state. A change is a create-or-update plus JSON merge patches (no
 * server-side apply), then a bump of the NGINX Deployment's pod template, a wait until it is ready,
 * and a Kubernetes Event.
 */
public final class KubernetesTarget implements Target {
  public static final String PREFIX = "edgectl.mimiredge.io/";
  public static final String DIRECT_KEY = "direct.conf";
  public static final String PREVIOUS_KEY = "previous.conf";
  public static final String HISTORY_KEY = "edgectl-history.jsonl";
  private static final int HISTORY_KEEP = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EdgectlConfig.Kubernetes cfg;
  private final Supplier<KubernetesClient> clients;
  private final Clock clock;
  private final Sleeper sleeper;
  private final String who;
  private KubernetesClient client;

  private KubernetesTarget(
      EdgectlConfig.Kubernetes cfg,
      Supplier<KubernetesClient> clients,
      Clock clock,
      Sleeper sleeper,
      String who) {
    this.cfg = cfg;
    this.clients = clients;
    this.clock = clock;
    this.sleeper = sleeper;
    this.who = who;
  }

  public static KubernetesTarget connect(
      EdgectlConfig.Kubernetes cfg,
      Supplier<KubernetesClient> clients,
      Clock clock,
      Sleeper sleeper,
      String who) {
    return new KubernetesTarget(cfg, clients, clock, sleeper, who);
  }

  private KubernetesClient client() {
    if (client == null) {
      try {
        client = clients.get();
      } catch (RuntimeException e) {
        throw unreachable("cannot build a Kubernetes client", e);
      }
    }
    return client;
  }

  @Override
  public String describe() {
    return "Kubernetes "
        + cfg.namespace()
        + "/configmap/"
        + cfg.configMap()
        + " + deployment/"
        + cfg.deployment();
  }

  private ConfigMap configMap() {
    try {
      return client().configMaps().inNamespace(cfg.namespace()).withName(cfg.configMap()).get();
    } catch (KubernetesClientException e) {
      throw unreachable("reading ConfigMap " + cfg.configMap(), e);
    }
  }

  @Override
  public Rollout state() {
    ConfigMap cm = configMap();
    if (cm == null || cm.getMetadata().getAnnotations() == null) {
      return RecordedRollout.initial();
    }
    Map<String, String> a = cm.getMetadata().getAnnotations();
    if (!a.containsKey(PREFIX + "phase")) {
      return RecordedRollout.initial();
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : RecordedRollout.KEYS) {
      if (a.containsKey(PREFIX + k)) {
        m.put(k, a.get(PREFIX + k));
      }
    }
    return RecordedRollout.fromMap(m);
  }

  @Override
  public String currentConfig() {
    ConfigMap cm = configMap();
    if (cm == null || cm.getData() == null) {
      return "";
    }
    return cm.getData().getOrDefault(cfg.key(), "");
  }

  @Override
  public void validate(String config) {
    if (config == null || config.isBlank() || !config.contains("http {")) {
      throw new EdgectlException("refusing an empty or non-NGINX config for " + describe());
    }
  }

  @Override
  public void apply(String config, String directConfig, Rollout next) {
    validate(config);
    validate(directConfig);
    ConfigMap cm = configMap();
    Rollout before = state();
    Map<String, String> data = new LinkedHashMap<>();
    data.put(cfg.key(), config);
    data.put(DIRECT_KEY, directConfig);
    data.put(
        PREVIOUS_KEY,
        cm == null || cm.getData() == null ? "" : cm.getData().getOrDefault(cfg.key(), ""));
    writeConfigMap(cm, data, next);
    bumpAndWait(next.phase());
    event(
        next.phase().compareTo(before.phase()) >= 0 ? "EdgectlPromote" : "EdgectlRollback",
        "Normal",
        before.phase() + " -> " + next.phase() + " by " + next.by());
  }

  @Override
  public void emergencyDirect(
      Supplier<Optional<String>> fallback, Rollout next, boolean scaleDown) {
    ConfigMap cm = configMap();
    String kept = cm == null || cm.getData() == null ? null : cm.getData().get(DIRECT_KEY);
    String direct =
        kept != null
            ? kept
            : fallback
                .get()
                .orElseThrow(
                    () ->
                        new EdgectlException(
                            "no known-good direct config in ConfigMap "
                                + cfg.configMap()
                                + " and no config to render one"));
    String from = state().phase().toString();
    Map<String, String> data = new LinkedHashMap<>();
    data.put(cfg.key(), direct);
    data.put(
        PREVIOUS_KEY,
        cm == null || cm.getData() == null ? "" : cm.getData().getOrDefault(cfg.key(), ""));
    writeConfigMap(cm, data, next);
    bumpAndWait(next.phase());
    if (scaleDown) {
      for (String d : cfg.enforcementDeployments()) {
        patchDeployment(d, Map.of("spec", Map.of("replicas", 0)));
      }
    }
    event(
        "EdgectlEmergencyRollback",
        "Warning",
        from
            + " -> direct by "
            + next.by()
            + (scaleDown ? "; scaled down " + cfg.enforcementDeployments() : ""));
  }

  @Override
  public Optional<String> livePhase() {
    try {
      Deployment d =
          client()
              .apps()
              .deployments()
              .inNamespace(cfg.namespace())
              .withName(cfg.deployment())
              .get();
      if (d == null || d.getSpec().getTemplate().getMetadata() == null) {
        return Optional.empty();
      }
      Map<String, String> a = d.getSpec().getTemplate().getMetadata().getAnnotations();
      return a == null ? Optional.empty() : Optional.ofNullable(a.get(PREFIX + "phase"));
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  @Override
  public void record(HistoryEntry entry) {
    ConfigMap cm = configMap();
    String old =
        cm == null || cm.getData() == null ? "" : cm.getData().getOrDefault(HISTORY_KEY, "");
    List<String> lines =
        new ArrayList<>(Arrays.stream(old.split("\n")).filter(l -> !l.isBlank()).toList());
    try {
      lines.add(JSON.writeValueAsString(entry));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (lines.size() > HISTORY_KEEP) {
      lines = lines.subList(lines.size() - HISTORY_KEEP, lines.size());
    }
    Map<String, String> data = Map.of(HISTORY_KEY, String.join("\n", lines) + "\n");
    if (cm == null) {
      create(data, Map.of());
    } else {
      patchConfigMap(Map.of("data", data));
    }
  }

  @Override
  public List<HistoryEntry> history() {
    ConfigMap cm = configMap();
    String text =
        cm == null || cm.getData() == null ? "" : cm.getData().getOrDefault(HISTORY_KEY, "");
    List<HistoryEntry> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        try {
          out.add(JSON.readValue(line, HistoryEntry.class));
        } catch (JsonProcessingException e) {
          throw new EdgectlException(
              "unreadable history line in ConfigMap " + cfg.configMap() + ": " + line, e);
        }
      }
    }
    return out;
  }

  private void writeConfigMap(ConfigMap cm, Map<String, String> data, Rollout next) {
    Map<String, String> annotations = new LinkedHashMap<>();
    RecordedRollout.toMap(next).forEach((k, v) -> annotations.put(PREFIX + k, v));
    if (cm == null) {
      create(data, annotations);
    } else {
      patchConfigMap(Map.of("metadata", Map.of("annotations", annotations), "data", data));
    }
  }

  private void create(Map<String, String> data, Map<String, String> annotations) {
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(cfg.configMap())
            .withNamespace(cfg.namespace())
            .withAnnotations(annotations)
            .addToLabels("app.kubernetes.io/managed-by", "edgectl")
            .endMetadata()
            .withData(data)
            .build();
    try {
      client().configMaps().inNamespace(cfg.namespace()).resource(cm).create();
    } catch (KubernetesClientException e) {
      throw unreachable("creating ConfigMap " + cfg.configMap(), e);
    }
  }

  private void patchConfigMap(Map<String, Object> patch) {
    try {
      client()
          .configMaps()
          .inNamespace(cfg.namespace())
          .withName(cfg.configMap())
          .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
    } catch (KubernetesClientException | JsonProcessingException e) {
      throw unreachable("patching ConfigMap " + cfg.configMap(), e);
    }
  }

  private void patchDeployment(String name, Map<String, Object> patch) {
    try {
      Deployment d =
          client()
              .apps()
              .deployments()
              .inNamespace(cfg.namespace())
              .withName(name)
              .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
      if (d == null) {
        throw unreachable("Deployment " + name + " not found in " + cfg.namespace(), null);
      }
    } catch (KubernetesClientException | JsonProcessingException e) {
      throw unreachable("patching Deployment " + name, e);
    }
  }

  /** A new pod-template annotation rolls the NGINX pods onto the new ConfigMap content. */
  private void bumpAndWait(Phase phase) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(PREFIX + "restartedAt", clock.instant().toString());
    a.put(PREFIX + "phase", phase.token());
    patchDeployment(
        cfg.deployment(),
        Map.of("spec", Map.of("template", Map.of("metadata", Map.of("annotations", a)))));
    Duration timeout = Durations.parse(cfg.readyTimeout());
    long deadline = clock.millis() + timeout.toMillis();
    while (true) {
      Deployment d;
      try {
        d =
            client()
                .apps()
                .deployments()
                .inNamespace(cfg.namespace())
                .withName(cfg.deployment())
                .get();
      } catch (KubernetesClientException e) {
        throw unreachable("reading Deployment " + cfg.deployment(), e);
      }
      if (d != null && ready(d)) {
        return;
      }
      if (clock.millis() >= deadline) {
        throw new EdgectlException(
            "Deployment "
                + cfg.deployment()
                + " not ready after "
                + cfg.readyTimeout()
                + " (phase "
                + phase
                + " is in the ConfigMap)");
      }
      try {
        sleeper.sleep(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EdgectlException("interrupted waiting for " + cfg.deployment());
      }
    }
  }

  static boolean ready(Deployment d) {
    int want =
        d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    var s = d.getStatus();
    if (s == null) {
      return want == 0;
    }
    Long gen = d.getMetadata().getGeneration();
    if (gen != null && s.getObservedGeneration() != null && s.getObservedGeneration() < gen) {
      return false;
    }
    int updated = s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
    int available = s.getAvailableReplicas() == null ? 0 : s.getAvailableReplicas();
    int total = s.getReplicas() == null ? 0 : s.getReplicas();
    return updated >= want && available >= want && total <= want;
  }

  private void event(String reason, String type, String message) {
    String now = clock.instant().toString();
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withName(cfg.configMap() + "." + UUID.randomUUID().toString().substring(0, 8))
            .withNamespace(cfg.namespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("v1")
            .withKind("ConfigMap")
            .withName(cfg.configMap())
            .withNamespace(cfg.namespace())
            .endInvolvedObject()
            .withReason(reason)
            .withType(type)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent("edgectl")
            .endSource()
            .withReportingComponent("edgectl")
            .withReportingInstance(who)
            .build();
    try {
      client().v1().events().inNamespace(cfg.namespace()).resource(e).create();
    } catch (KubernetesClientException ex) {
      // the change is done; a lost event must not turn it into a failure
    }
  }

  private EdgectlException unreachable(String what, Exception e) {
    return new EdgectlException.TargetUnreachable(
        what + " in " + cfg.namespace() + ": " + (e == null ? "not found" : e.getMessage()), e);
  }
}
