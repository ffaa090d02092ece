package io.mimiredge.rls.relabel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Relabeling as Prometheus runs it: cases from {@code model/relabel/relabel_test.go} ({@code
 * TestRelabel}) and Go's {@code regexp} rules ({@code ExpandString}, RE2 syntax), run through
 * {@link SeriesRelabeling}.
 */
class RelabelTest {
  private static Map<String, String> run(Map<String, String> in, RelabelRule... rules) {
    List<Label> labels = new ArrayList<>();
    in.forEach((k, v) -> labels.add(new Label(k, v, labels.size())));
    List<Label> out =
        new SeriesRelabeling(List.of(rules), List.of())
            .apply(labels, "t", false, new SeriesRelabeling.Scratch());
    if (out == null) {
      return null;
    }
    Map<String, String> m = new TreeMap<>();
    out.forEach(l -> m.put(l.name(), l.value()));
    return m;
  }

  private static Map<String, String> abc() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("a", "foo");
    m.put("b", "bar");
    m.put("c", "baz");
    return m;
  }

  private static RelabelRule.Builder rule() {
    return RelabelRule.builder();
  }

  @Test
  void replaceWritesTheExpandedTemplate() {
    assertThat(
            run(
                abc(),
                rule()
                    .sourceLabels(List.of("a"))
                    .regex("f(.*)")
                    .targetLabel("d")
                    .replacement("ch${1}-ch${1}")
                    .build()))
        .containsEntry("d", "choo-choo")
        .hasSize(4);
    // several sources joined by the separator; an anchored regex that does not match: nothing
    assertThat(
            run(
                abc(),
                rule()
                    .sourceLabels(List.of("a", "b"))
                    .regex("f(.*);(.*)r")
                    .targetLabel("a")
                    .replacement("b${1}${2}m")
                    .build()))
        .containsEntry("a", "boobam");
    assertThat(run(abc(), rule().sourceLabels(List.of("a")).regex("o+").targetLabel("x").build()))
        .isEqualTo(run(abc()));
  }

  @Test
  void keepDropAndTheirEqualForms() {
    assertThat(
            run(
                abc(),
                rule()
                    .sourceLabels(List.of("a"))
                    .regex(".*o.*")
                    .action(RelabelAction.DROP)
                    .build()))
        .isNull();
    assertThat(
            run(
                abc(),
                rule().sourceLabels(List.of("a")).regex("f.+").action(RelabelAction.KEEP).build()))
        .isEqualTo(new TreeMap<>(abc()));
    assertThat(
            run(
                abc(),
                rule()
                    .sourceLabels(List.of("missing"))
                    .regex("")
                    .action(RelabelAction.DROP)
                    .build()))
        .as("a missing label is the empty string")
        .isNull();
    assertThat(
            run(
                Map.of("a", "x", "b", "x"),
                rule()
                    .sourceLabels(List.of("a"))
                    .targetLabel("b")
                    .action(RelabelAction.DROPEQUAL)
                    .build()))
        .isNull();
    assertThat(
            run(
                Map.of("a", "x", "b", "y"),
                rule()
                    .sourceLabels(List.of("a"))
                    .targetLabel("b")
                    .action(RelabelAction.KEEPEQUAL)
                    .build()))
        .isNull();
  }

  @Test
  void hashmodIsTheMd5sLastEightBytesModuloAsTestRelabel() {
    assertThat(
            run(
                abc(),
                rule()
                    .sourceLabels(List.of("c"))
                    .targetLabel("d")
                    .action(RelabelAction.HASHMOD)
                    .modulus(1000)
                    .build()))
        .containsEntry("d", "976");
    assertThatThrownBy(() -> rule().action(RelabelAction.HASHMOD).targetLabel("d").build())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void invalidUtf8IsHashedAsItsBytesAndCaseMappedToTheReplacementCharacter() {
    // a value holding the bytes a \xff b \xc3, kept as Utf8.decodeEscaped keeps them; Go 1.19:
    // sum64(md5.Sum([]byte("a\xffb\xc3"))) % 1000 == 360, strings.ToUpper gives "A\uFFFDB\uFFFD"
    // (hashing U+FFFD's bytes instead would give 549)
    String raw =
        io.mimiredge.rls.remotewrite.Utf8.decodeEscaped(
            new byte[] {'a', (byte) 0xff, 'b', (byte) 0xc3}, 0, 4);
    Map<String, String> in = Map.of("v", raw);
    assertThat(
            run(
                in,
                rule()
                    .sourceLabels(List.of("v"))
                    .targetLabel("d")
                    .action(RelabelAction.HASHMOD)
                    .modulus(1000)
                    .build()))
        .containsEntry("d", "360");
    assertThat(
            run(
                in,
                rule()
                    .sourceLabels(List.of("v"))
                    .targetLabel("u")
                    .action(RelabelAction.UPPERCASE)
                    .build()))
        .containsEntry("u", "A\uFFFDB\uFFFD");
  }

  @Test
  void labelmapLabeldropAndLabelkeepWorkOnNames() {
    Map<String, String> in = new LinkedHashMap<>();
    in.put("a", "foo");
    in.put("b1", "bar");
    in.put("b2", "baz");
    assertThat(
            run(
                in,
                rule()
                    .action(RelabelAction.LABELMAP)
                    .regex("(b.*)")
                    .replacement("bar_${1}_bar")
                    .build()))
        .containsEntry("bar_b1_bar", "bar")
        .containsEntry("bar_b2_bar", "baz")
        .hasSize(5);
    assertThat(run(in, rule().action(RelabelAction.LABELDROP).regex("b.*").build()))
        .containsOnlyKeys("a");
    assertThat(run(in, rule().action(RelabelAction.LABELKEEP).regex("b.*").build()))
        .containsOnlyKeys("b1", "b2");
  }

  @Test
  void caseMappingIsPerCodePointAsGosStrings() {
    Map<String, String> in = Map.of("a", "Straße");
    assertThat(
            run(
                in,
                rule()
                    .sourceLabels(List.of("a"))
                    .targetLabel("u")
                    .action(RelabelAction.UPPERCASE)
                    .build()))
        .containsEntry("u", "STRAßE"); // Java's toUpperCase says STRASSE
    assertThat(
            run(
                in,
                rule()
                    .sourceLabels(List.of("a"))
                    .targetLabel("l")
                    .action(RelabelAction.LOWERCASE)
                    .build()))
        .containsEntry("l", "straße");
  }

  @Test
  void replaceTakesTheFastPathOnlyWithTheDefaultRegex() {
    // no regex key, empty source: set without checking the name (an invalid one Mimir refuses)
    assertThat(run(abc(), rule().targetLabel("bad-name").replacement("x").build()))
        .containsEntry("bad-name", "x");
    // the same regex written out: matched, the name checked, nothing set
    assertThat(run(abc(), rule().regex("(.*)").targetLabel("bad-name").replacement("x").build()))
        .doesNotContainKey("bad-name");
    // an empty replacement deletes the target
    assertThat(
            run(abc(), rule().sourceLabels(List.of("a")).targetLabel("b").replacement("").build()))
        .doesNotContainKey("b");
  }

  @Test
  void anEmptyValueDeletesAndTheTenantLabelComesAndGoes() {
    List<Label> in = List.of(new Label("a", "", 0), new Label("b", "1", 1));
    RelabelRule copy = rule().sourceLabels(List.of("__meta_tenant_id")).targetLabel("t").build();
    List<Label> out =
        new SeriesRelabeling(List.of(copy), List.of("b"))
            .apply(in, "team-1", false, new SeriesRelabeling.Scratch());
    assertThat(out).extracting(Label::name).containsExactly("t");
    assertThat(out.get(0).value()).isEqualTo("team-1");
    assertThat(out.get(0).origin()).isEqualTo(-1);
  }

  @Test
  void templatesExpandAsGosRegexpExpandString() {
    GoRegex re = GoRegex.compile("(?P<first_part>a+)(b)?");
    Matcher m = re.match("aa");
    assertThat(re.expand("$1x", m)).isEmpty(); // the group named "1x"
    assertThat(re.expand("${1}x", m)).isEqualTo("aax");
    assertThat(re.expand("$first_part-$2-$$-$-${", m)).isEqualTo("aa--$-$-${");
    assertThat(re.expand("$01", m)).isEmpty(); // a leading zero is a name
  }

  @Test
  void re2SyntaxRunsAsGoRunsIt() {
    assertThat(GoRegex.compile("a$").matches("a")).isTrue();
    assertThat(GoRegex.compile("a.b").matches("a\nb")).isTrue(); // (?s) around every regex
    assertThat(GoRegex.compile("a\\sb").matches("a\u000Bb")).isFalse(); // Go's \s has no \v
    assertThat(GoRegex.compile("[[:alpha:]]+").matches("abC")).isTrue();
    assertThat(GoRegex.compile("[[:^digit:]]+").matches("ab")).isTrue();
    assertThat(GoRegex.compile("[[:^digit:]]+").matches("a1")).isFalse();
    assertThat(GoRegex.compile("[[:word:]]+[[:^word:]]").matches("a_1-")).isTrue();
    assertThat(GoRegex.compile("[a&&b]").matches("&")).isTrue();
    assertThat(GoRegex.compile("[[a]").matches("[")).isTrue();
    assertThat(GoRegex.compile("\\101").matches("A")).isTrue(); // octal, not a back reference
    assertThat(GoRegex.compile("\\pL+").matches("é")).isTrue();
    assertThat(GoRegex.compile("(?i)k").matches("\u212A")).isTrue(); // Unicode folding
    assertThat(GoRegex.compile("[\\s-z]+").matches("A")).isFalse(); // '-' after \s: a character
    assertThat(GoRegex.compile("[^\\s-.]+").matches("a,b")).isTrue();
    assertThat(GoRegex.compile("a{01}").matches("a{01}")).isTrue(); // a leading zero: text
    assertThat(GoRegex.compile("a{2}").matches("aa")).isTrue();
    assertThat(GoRegex.compile("\\x{000000041}").matches("A")).isTrue();
    for (String bad : List.of("a(?=b)", "(a)\\1", "a++", "a**", "\\Z", "(?x)a", "a{1001}")) {
      assertThatThrownBy(() -> GoRegex.compile(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("error parsing regexp:");
    }
    for (String unsupported : List.of("(?U)a+", "(?m)^a$", "\\C")) {
      assertThatThrownBy(() -> GoRegex.compile(unsupported))
          .as(unsupported)
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }
}
