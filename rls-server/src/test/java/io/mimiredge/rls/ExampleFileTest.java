package io.mimiredge.rls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import io.dropwizard.jackson.Jackson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code rls.example.yml} is the one reference for every setting: each property Dropwizard's
 * ObjectMapper reads into {@link RlsConfiguration} and the beans below it must appear in the file,
 * at its place in the tree, set ({@code key: value}) or commented out ({@code # key: value}), as
 * the file's header says. Dropwizard's own settings (server, logging, health, its admin tasks) are
 * Dropwizard's to document.
 */
class ExampleFileTest {
  private static final Path EXAMPLE = Path.of("rls.example.yml");

  /** {@code key:}, or {@code # key:} with the key's indentation after {@code "# "}. */
  private static final Pattern KEY =
      Pattern.compile("^( *)(?:# ?( *))?([A-Za-z_][A-Za-z0-9_]*):(?:\\s.*)?$");

  @Test
  void namesEverySetting() throws IOException {
    Set<String> documented = keysOf(Files.readAllLines(EXAMPLE));
    List<String> settings = settings();

    assertThat(settings).contains("tenantHeader", "limits.kubernetes.configMap", "redis.uri");
    List<String> missing = settings.stream().filter(s -> !documented.contains(s)).toList();
    assertThat(missing)
        .as("settings missing from %s (add each as `key:` or `# key:`)", EXAMPLE)
        .isEmpty();
  }

  @Test
  void keysAreReadByIndentationAsTheHeaderSays() {
    Set<String> keys =
        keysOf(
            List.of(
                "# A comment: not a setting line, all prose.",
                "top: 1",
                "block:",
                "  set: 2 # trailing: comment",
                "  # unset: 3",
                "  # nested:",
                "  #   deep: 4",
                "  #   - listed: item",
                "# optional:",
                "#   inner: 5",
                "last: 6"));

    assertThat(keys)
        .contains(
            "top",
            "block",
            "block.set",
            "block.unset",
            "block.nested",
            "block.nested.deep",
            "optional",
            "optional.inner",
            "last")
        .doesNotContain("block.nested.listed", "optional.inner.last");
  }

  /** Every key of the file by its path, commented out or not. */
  static Set<String> keysOf(List<String> lines) {
    Set<String> keys = new TreeSet<>();
    Deque<int[]> indents = new ArrayDeque<>(); // parallel to path
    Deque<String> path = new ArrayDeque<>();
    for (String line : lines) {
      Matcher m = KEY.matcher(line);
      if (!m.matches()) {
        continue;
      }
      int indent = m.group(1).length() + (m.group(2) == null ? 0 : m.group(2).length());
      while (!indents.isEmpty() && indents.peekLast()[0] >= indent) {
        indents.removeLast();
        path.removeLast();
      }
      path.addLast(m.group(3));
      indents.addLast(new int[] {indent});
      keys.add(String.join(".", path));
    }
    return keys;
  }

  /** Every setting's path, as Dropwizard's ObjectMapper deserializes the configuration. */
  static List<String> settings() throws IOException {
    ObjectMapper mapper = Jackson.newObjectMapper();
    DeserializationConfig config = mapper.getDeserializationConfig();
    DefaultDeserializationContext context =
        ((DefaultDeserializationContext) mapper.getDeserializationContext())
            .createInstance(config, null, null);
    List<String> out = new ArrayList<>();
    walk(
        "",
        context.findRootValueDeserializer(mapper.constructType(RlsConfiguration.class)),
        new HashSet<>(),
        out);
    return out;
  }

  private static void walk(
      String prefix, JsonDeserializer<?> deserializer, Set<Class<?>> seen, List<String> out) {
    if (!(deserializer instanceof BeanDeserializerBase bean) || !seen.add(bean.handledType())) {
      return;
    }
    for (Iterator<SettableBeanProperty> it = bean.properties(); it.hasNext(); ) {
      SettableBeanProperty p = it.next();
      if (p.getMember() != null
          && p.getMember().getDeclaringClass().getName().startsWith("io.dropwizard.")) {
        continue; // Dropwizard's own: server, logging, health, the admin's tasks and checks
      }
      String path = prefix + p.getName();
      out.add(path);
      JsonDeserializer<?> value = p.getValueDeserializer();
      if (value != null && value.handledType().getName().startsWith("io.mimiredge.")) {
        walk(path + ".", value, seen, out);
      }
    }
    seen.remove(bean.handledType()); // a bean type used twice (tls) is documented at each place
  }
}
