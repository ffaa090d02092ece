package io.mimiredge.helm.support;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.edgectl.config.EdgectlConfig;
import io.mimiredge.edgectl.render.NginxRenderer;
import io.mimiredge.edgectl.render.RenderSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the NGINX chart's {@code files/<phase>.conf.gotmpl} from edgectl's own rendering of {@code
 * templates/nginx}: edgectl renders the phase with sentinel settings, and each sentinel becomes the
 * Helm expression for that setting. So the templates stay the one source; the chart's files are
 * derived, and {@code NginxConfigTest} fails when they are stale.
 */
public final class NginxChartFiles {
  public static final List<String> PHASES = List.of("direct", "mirror");

  private static final String LISTEN = "SENTINELLISTEN";
  private static final String HEADER = "X-Sentinel-Tenant";
  private static final long MAX_BYTES = 987654321L;
  private static final String WORKERS = "SENTINELWORKERS";
  private static final String ACCESS_LOG = "/SENTINEL/ACCESSLOG";
  private static final String TEMP = "/SENTINEL/TEMP";
  private static final String DISTRIBUTOR = "sentinel-distributor:1";
  private static final String SHADOW = "sentinel-shadow:2";
  private static final int KEEPALIVE = 7777;
  private static final Duration CONNECT = Duration.ofMillis(1234);
  private static final Duration TIMEOUT = Duration.ofMillis(2345);
  private static final String RLS_TLS_DIR = "/SENTINEL/RLSTLS";
  private static final String RLS_TLS_NAME = "sentinel-rls-name";
  private static final String TLS_BLOCK_START = "            # To the RLS over TLS";
  private static final String TLS_BLOCK_END =
      "proxy_ssl_certificate_key " + RLS_TLS_DIR + "/tls.key;\n";

  private NginxChartFiles() {}

  /**
   * Wraps each block of TLS directives edgectl's {@code _rls_tls.conf.mustache} rendered in {@code
   * {{ if .Values.upstreams.rlsTls.enabled }}}: off, the lines vanish and the config is edgectl's
   * plaintext rendering.
   */
  private static String conditionalTls(String text) {
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int start = text.indexOf(TLS_BLOCK_START); start >= 0; ) {
      int end = text.indexOf(TLS_BLOCK_END, start);
      if (end < 0) {
        throw new IllegalStateException("a TLS block without its client key line:\n" + text);
      }
      end += TLS_BLOCK_END.length();
      if (text.startsWith("\n", end)) {
        end++; // the blank line edgectl writes after the block goes with it
      }
      // The tags at the start of the block's first line and of the line after it, no trimming:
      // off, the config is edgectl's plaintext rendering to the byte.
      out.append(text, from, start)
          .append("{{ if .Values.upstreams.rlsTls.enabled }}")
          .append(text, start, end)
          .append("{{ end }}");
      from = end;
      start = text.indexOf(TLS_BLOCK_START, end);
    }
    return out.append(text.substring(from)).toString();
  }

  /** The chart file for a phase, exactly as it should be on disk. */
  public static String generate(String phase) {
    RenderSettings s =
        RenderSettings.builder()
            .listen(LISTEN)
            .tenantHeader(HEADER)
            .maxRequestBytes(MAX_BYTES)
            .workerProcesses(WORKERS)
            .accessLog(ACCESS_LOG)
            .tempDir(TEMP)
            .distributor(List.of(DISTRIBUTOR))
            .shadow(List.of(SHADOW))
            .keepalive(KEEPALIVE)
            .mirrorConnectTimeout(CONNECT)
            .mirrorTimeout(TIMEOUT)
            // The chart's upstreams.rlsTls: its Secret's files under mountPath. The TLS lines
            // become one block the chart renders only when it is enabled.
            .rlsTls(
                new EdgectlConfig.RlsTls(
                    RLS_TLS_DIR + "/ca.crt",
                    RLS_TLS_NAME,
                    RLS_TLS_DIR + "/tls.crt",
                    RLS_TLS_DIR + "/tls.key"))
            .build();
    String text = NginxRenderer.packaged().render(Phase.parse(phase), s);
    if (text.contains("{{") || text.contains("}}")) {
      throw new IllegalStateException("edgectl's " + phase + " config contains {{ or }}");
    }
    text = conditionalTls(text);
    Map<String, String> to = new LinkedHashMap<>();
    to.put(
        "        server " + DISTRIBUTOR + ";\n",
        "{{- range .Values.upstreams.distributor }}\n        server {{ tpl . $ }};\n{{- end }}\n");
    to.put(
        "        server " + SHADOW + ";\n",
        "{{- range .Values.upstreams.rlsShadow }}\n        server {{ tpl . $ }};\n{{- end }}\n");
    to.put(ACCESS_LOG + " edge", "{{ include \"nginx.accessLog\" . }}");
    to.put(LISTEN, "{{ int .Values.listenPort }}");
    to.put(HEADER, "{{ .Values.tenantHeader }}");
    to.put("x_sentinel_tenant", "{{ include \"nginx.tenantHeaderVar\" . }}");
    to.put(Long.toString(MAX_BYTES), "{{ include \"nginx.maxRequestBytes\" . }}");
    to.put(WORKERS, "{{ .Values.workerProcesses }}");
    to.put(TEMP, "{{ .Values.tempDir }}");
    to.put("keepalive " + KEEPALIVE + ";", "keepalive {{ int .Values.keepalive }};");
    to.put(" 1234ms;", " {{ .Values.mirror.connectTimeout }};");
    to.put(" 2345ms;", " {{ .Values.mirror.timeout }};");
    to.put("https://rls_shadow", "{{ include \"nginx.rlsScheme\" . }}://rls_shadow");
    to.put(RLS_TLS_DIR, "{{ .Values.upstreams.rlsTls.mountPath }}");
    to.put(RLS_TLS_NAME, "{{ tpl .Values.upstreams.rlsTls.serverName $ }}");
    for (Map.Entry<String, String> e : to.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    if (text.toUpperCase(java.util.Locale.ROOT).contains("SENTINEL")) {
      throw new IllegalStateException(
          "a setting of edgectl's " + phase + " config has no Helm expression:\n" + text);
    }
    return "{{- /* Generated from templates/nginx by edgectl's renderer (NginxChartFiles);"
        + " do not edit. Regenerate: mvn -pl helm -am verify -Dhelm.nginx.update=true */ -}}\n"
        + text;
  }
}
