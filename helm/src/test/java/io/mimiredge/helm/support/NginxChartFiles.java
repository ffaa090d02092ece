package io.mimiredge.helm.support;

import io.mimiredge.edgectl.render.NginxRenderer;
import io.mimiredge.edgectl.render.RenderSettings;
import io.mimiredge.edgectl.rollout.Phase;
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

  private NginxChartFiles() {}

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
            .build();
    String text = NginxRenderer.packaged().render(Phase.parse(phase), s);
    if (text.contains("{{") || text.contains("}}")) {
      throw new IllegalStateException("edgectl's " + phase + " config contains {{ or }}");
    }
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
