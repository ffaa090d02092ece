package io.mimiredge.rls.relabel;

import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus' {@code labels.Builder} over the slice labels Mimir builds on ({@code
 * model/labels/labels_common.go}, {@code labels_slicelabels.go}): a base as received (any order,
 * duplicates and empty values included), the labels set and the names deleted since. Not
 * thread-safe.
 */
final class LabelsBuilder {
  private List<Label> base = List.of();
  private final List<Label> add = new ArrayList<>();
  private final List<String> del = new ArrayList<>();

  void reset(List<Label> base) {
    this.base = base;
    add.clear();
    del.clear();
  }

  /** {@code Get}: what was set, else "" once deleted, else the first base label of the name. */
  String get(String name) {
    for (Label a : add) {
      if (a.name().equals(name)) {
        return a.value();
      }
    }
    if (del.contains(name)) {
      return "";
    }
    for (Label l : base) {
      if (l.name().equals(name)) {
        return l.value();
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

  /** {@code Del}: from what was set, and from the base when the labels are built. */
  void del(String name) {
    add.removeIf(a -> a.name().equals(name));
    del.add(name);
  }

  /**
   * {@code Range}: the base labels neither deleted nor set, in base order, then the set ones, as
   * they were when it started (the caller may set and delete while it runs).
   */
  List<Label> range() {
    List<Label> out = new ArrayList<>(base.size() + add.size());
    for (Label l : base) {
      if (!del.contains(l.name()) && !isSet(l.name())) {
        out.add(l);
      }
    }
    out.addAll(add);
    return out;
  }

  /**
   * {@code Labels}: the base as it is when nothing changed; else the base labels neither deleted
   * nor set, then the set ones. Unsorted: the caller sorts, as Mimir sorts every series before
   * validating it ({@code SortLabelsIfNeeded}).
   */
  List<Label> labels() {
    if (add.isEmpty() && del.isEmpty()) {
      return base;
    }
    return range();
  }

  private boolean isSet(String name) {
    for (Label a : add) {
      if (a.name().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
