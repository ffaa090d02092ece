package io.mimiredge.rls.relabel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What Mimir's distributor does to a series' labels after HA dedupe and before it sorts and
 * validates them ({@code prePushRelabelMiddleware}, {@code pkg/distributor/distributor.go}): the
 * tenant's {@code metric_relabel_configs}, run with {@code __meta_tenant_id} set to the tenant (and
 * deleted after), then {@code drop_labels}, each removing the first label of its name. Immutable
 * and thread-safe; {@link #apply} builds its scratch per call.
 */
public final class SeriesRelabeling {
  /** Mimir's {@code metaLabelTenantID}. */
  public static final String TENANT_LABEL = "__meta_tenant_id";

  public static final SeriesRelabeling NONE = new SeriesRelabeling(List.of(), List.of());

  private final List<RelabelRule> rules;
  private final List<String> dropLabels;

  public SeriesRelabeling(List<RelabelRule> rules, List<String> dropLabels) {
    this.rules = List.copyOf(rules);
    this.dropLabels = List.copyOf(dropLabels);
  }

  /** Whether it leaves every series as it is. */
  public boolean isEmpty() {
    return rules.isEmpty() && dropLabels.isEmpty();
  }

  public List<RelabelRule> rules() {
    return rules;
  }

  public List<String> dropLabels() {
    return dropLabels;
  }

  /**
   * The labels of a series ({@code in}, in the order received, the HA replica label already
   * removed) as Mimir passes them on to validation, unsorted, empty values and all; null when a
   * rule drops the series. With rules, the labels go through {@code FromLabelAdaptersToBuilder}
   * first: an empty value deletes its name, and of two labels of one name the last value stays.
   *
   * @param utf8Names the tenant's {@code name_validation_scheme} is {@code utf8}: which names a
   *     {@code replace} rule may write
   */
  public List<Label> apply(List<Label> in, String tenant, boolean utf8Names) {
    List<Label> out = in;
    if (!rules.isEmpty()) {
      LabelsBuilder lb = new LabelsBuilder();
      lb.reset(List.of());
      for (Label l : in) {
        lb.set(l);
      }
      lb.set(TENANT_LABEL, tenant);
      for (RelabelRule r : rules) {
        if (!r.apply(lb, utf8Names)) {
          return null;
        }
      }
      lb.del(TENANT_LABEL);
      out = lb.labels();
    }
    if (!dropLabels.isEmpty()) {
      out = new ArrayList<>(out);
      for (String name : dropLabels) {
        for (int i = 0; i < out.size(); i++) {
          if (out.get(i).name().equals(name)) {
            out.remove(i); // RemoveLabel: the first one only
            break;
          }
        }
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SeriesRelabeling r
        && r.rules.equals(rules)
        && r.dropLabels.equals(dropLabels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rules, dropLabels);
  }

  @Override
  public String toString() {
    return "rules=" + rules + ", drop_labels=" + dropLabels;
  }
}
