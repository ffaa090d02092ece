package io.mimiredge.edgectl.render;

import java.util.ArrayList;
import java.util.List;

/** A unified diff of two small texts (NGINX configs), for {@code promote --dry-run}. */
public final class UnifiedDiff {
  private static final int CONTEXT = 3;

  private UnifiedDiff() {}

  public static String diff(String fromName, String from, String toName, String to) {
    List<String> a = from.isEmpty() ? List.of() : List.of(from.split("\n", -1));
    List<String> b = to.isEmpty() ? List.of() : List.of(to.split("\n", -1));
    int n = a.size();
    int m = b.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    // Edit script: ' ' keep, '-' delete, '+' insert, with positions in a and b.
    List<char[]> ops = new ArrayList<>();
    List<int[]> pos = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        ops.add(new char[] {' '});
        pos.add(new int[] {i++, j++});
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.add(new char[] {'-'});
        pos.add(new int[] {i++, j});
      } else {
        ops.add(new char[] {'+'});
        pos.add(new int[] {i, j++});
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(fromName).append('\n').append("+++ ").append(toName).append('\n');
    int k = 0;
    boolean any = false;
    while (k < ops.size()) {
      if (ops.get(k)[0] == ' ') {
        k++;
        continue;
      }
      any = true;
      int start = Math.max(0, k - CONTEXT);
      int end = k;
      // extend the hunk while changes are within 2*CONTEXT of each other
      int lastChange = k;
      while (end < ops.size()) {
        if (ops.get(end)[0] != ' ') {
          lastChange = end;
        } else if (end - lastChange > 2 * CONTEXT) {
          break;
        }
        end++;
      }
      end = Math.min(ops.size(), lastChange + CONTEXT + 1);
      int aStart = pos.get(start)[0];
      int bStart = pos.get(start)[1];
      int aLen = 0;
      int bLen = 0;
      StringBuilder body = new StringBuilder();
      for (int x = start; x < end; x++) {
        char op = ops.get(x)[0];
        int[] p = pos.get(x);
        if (op == ' ') {
          body.append(' ').append(a.get(p[0])).append('\n');
          aLen++;
          bLen++;
        } else if (op == '-') {
          body.append('-').append(a.get(p[0])).append('\n');
          aLen++;
        } else {
          body.append('+').append(b.get(p[1])).append('\n');
          bLen++;
        }
      }
      out.append(String.format("@@ -%d,%d +%d,%d @@%n", aStart + 1, aLen, bStart + 1, bLen));
      out.append(body);
      k = end;
    }
    if (!any) {
      out.append("(no change)\n");
    }
    return out.toString();
  }
}
