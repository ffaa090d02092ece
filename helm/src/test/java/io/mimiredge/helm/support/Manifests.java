package io.mimiredge.helm.support;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A rendered chart loaded into fabric8's typed model (unknown kinds stay generic). */
public final class Manifests {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private final List<HasMetadata> items;

  private Manifests(List<HasMetadata> items) {
    this.items = List.copyOf(items);
  }

  public static Manifests load(String rendered) {
    List<HasMetadata> items = new ArrayList<>();
    for (String doc : DOC_SEPARATOR.split(rendered)) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      Object o = SERIALIZATION.unmarshal(doc);
      if (!(o instanceof HasMetadata h)) {
        throw new AssertionError("not a Kubernetes object: " + doc);
      }
      items.add(h);
    }
    return new Manifests(items);
  }

  public List<HasMetadata> all() {
    return items;
  }

  public <T extends HasMetadata> List<T> all(Class<T> type) {
    return items.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(i -> name.equals(i.getMetadata().getName())).findFirst();
  }

  public <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no " + type.getSimpleName() + " " + name + " in " + names(items)));
  }

  public GenericKubernetesResource generic(String kind, String name) {
    return all(GenericKubernetesResource.class).stream()
        .filter(g -> kind.equals(g.getKind()) && name.equals(g.getMetadata().getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names(items)));
  }

  public String configData(String configMap, String key) {
    ConfigMap cm = get(ConfigMap.class, configMap);
    String v = cm.getData() == null ? null : cm.getData().get(key);
    if (v == null) {
      throw new AssertionError("ConfigMap " + configMap + " has no key " + key);
    }
    return v;
  }

  private static List<String> names(List<HasMetadata> items) {
    return items.stream().map(i -> i.getKind() + "/" + i.getMetadata().getName()).toList();
  }
}
