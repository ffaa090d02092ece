package io.mimiredge.rls.relabel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What Mimir's distributor does to a series' labels after HA dedupe and before it sorts and
 * validates them ({@code prePushRelabelMiddleware}, {@code pkg/distributor/distributor.go}): the
 * tenant's {@code metric_relabel_configs}, run with {@code __meta_tenant_id} set to the tenant (and
 * deleted after), then {@code drop_labels}, each removing the first label of its name. Immutable
 * and thread-safe; {@link #apply} works in a {@link Scratch} of the caller's.
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
   * first: an empty value deletes its name, and of two labels of one name the last value stays. The
   * list returned is {@code scratch}'s (or {@code in}), valid until its next use.
   *
   * @param utf8Names the tenant's {@code name_validation_scheme} is {@code utf8}: which names a
   *     {@code replace} rule may write
   */
  public List<Label> apply(List<Label> in, String tenant, boolean utf8Names, Scratch scratch) {
    List<Label> out = in;
    if (!rules.isEmpty()) {
      scratch.prepare(this, utf8Names);
      LabelsBuilder lb = scratch.builder;
      lb.clear();
      for (int i = 0; i < in.size(); i++) {
        lb.set(in.get(i));
      }
      lb.set(TENANT_LABEL, tenant);
      for (int i = 0; i < rules.size(); i++) {
        if (!rules.get(i).apply(lb, utf8Names, scratch.memos[i])) {
          return null;
        }
      }
      lb.del(TENANT_LABEL);
      out = lb.labels();
    }
    if (!dropLabels.isEmpty()) {
      if (out == in) {
        scratch.copy.clear();
        scratch.copy.addAll(in);
        out = scratch.copy;
      }
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

  /**
   * What {@link #apply} reuses from series to series and request to request: the builder, and per
   * rule the outcomes it computed for the strings it saw (label names and values repeat from series
   * to series, and a rule's outcome depends on nothing else), kept while the rules are the same.
   * Not thread-safe: one per thread.
   */
  public static final class Scratch {
    private static final int MAX_MEMO = 4_096; // per rule; past it, forgotten and started again

    private final LabelsBuilder builder = new LabelsBuilder();
    private final ArrayList<Label> copy = new ArrayList<>();
    private SeriesRelabeling owner;
    private boolean ownerUtf8;
    private Map<String, Object>[] memos;

    @SuppressWarnings("unchecked")
    void prepare(SeriesRelabeling r, boolean utf8Names) {
      if (owner != r || ownerUtf8 != utf8Names) {
        owner = r;
        ownerUtf8 = utf8Names;
        memos = new Map[r.rules.size()];
        for (int i = 0; i < memos.length; i++) {
          memos[i] = new HashMap<>();
        }
      } else {
        for (Map<String, Object> m : memos) {
          if (m.size() > MAX_MEMO) {
            m.clear();
          }
        }
      }
    }
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
