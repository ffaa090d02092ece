package io.mimiredge.rls.relabel;

import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus' {@code labels.Builder} as Mimir's relabeling uses it ({@code
 * model/labels/labels_common.go}): reset to no labels, then each label of the series set in turn
 * ({@code mimirpb.FromLabelAdaptersToBuilder}), so that the labels are all "added" ones: {@code
 * Get} finds what was set, {@code Set} with an empty value deletes, {@code Range} walks a copy in
 * the order they were set. Reused from series to series; not thread-safe.
 */
final class LabelsBuilder {
  private final ArrayList<Label> add = new ArrayList<>();
  private final ArrayList<Label> snapshot = new ArrayList<>();

  void clear() {
    add.clear();
  }

  /** {@code Get}: the value set, "" when none. */
  String get(String name) {
    for (int i = 0; i < add.size(); i++) {
      Label a = add.get(i);
      if (a.name().equals(name)) {
        return a.value();
      }
    }
    return "";
  }

  /** {@code Set}: an empty value deletes. */
  void set(String name, String value) {
    set(Label.made(name, value));
  }

  /** {@code Set} of a label that keeps its origin. */
  void set(Label l) {
    if (l.value().isEmpty()) {
      del(l.name());
      return;
    }
    for (int i = 0; i < add.size(); i++) {
      if (add.get(i).name().equals(l.name())) {
        add.set(i, l);
        return;
      }
    }
    add.add(l);
  }

  /** {@code Del}. */
  void del(String name) {
    for (int i = 0; i < add.size(); i++) {
      if (add.get(i).name().equals(name)) {
        add.remove(i);
        return; // a name is set once at most
      }
    }
  }

  /** {@code Range}: the labels as they are when it starts, for a caller that changes them. */
  List<Label> range() {
    snapshot.clear();
    snapshot.addAll(add);
    return snapshot;
  }

  /** The labels, in the order set; a live view, valid until the builder changes. */
  List<Label> labels() {
    return add;
  }
}
