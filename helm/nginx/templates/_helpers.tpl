{{- define "nginx.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "nginx.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "nginx.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nginx.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "nginx.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "nginx.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mimir-edge-enforcement
{{- end -}}


{{/* client_max_body_size: global.maxRequestBytes (the RLS' limit) wins. */}}
{{- define "nginx.maxRequestBytes" -}}
{{- $v := coalesce (.Values.global).maxRequestBytes .Values.maxRequestBytes -}}
{{- if le (int64 $v) 0 -}}{{- fail "maxRequestBytes must be > 0" -}}{{- end -}}
{{- int64 $v -}}
{{- end -}}

{{/* NGINX's variable for the tenant header, as edgectl writes it: $http_x_scope_orgid. */}}
{{- define "nginx.tenantHeaderVar" -}}
{{- .Values.tenantHeader | lower | replace "-" "_" -}}
{{- end -}}

{{- define "nginx.accessLog" -}}
{{- if eq .Values.accessLog "off" -}}off{{- else -}}{{ .Values.accessLog }} edge{{- end -}}
{{- end -}}

{{/* The NGINX config for a phase (direct or mirror): files/<phase>.conf.gotmpl, generated from
     edgectl's templates/nginx by NginxChartFilesTest. */}}
{{- define "nginx.config" -}}
{{- $phase := index . 0 -}}
{{- $root := index . 1 -}}
{{- if not (has $phase (list "direct" "mirror")) -}}
{{- fail (printf "initialPhase must be direct or mirror (edgectl promotes from there), got %q" $phase) -}}
{{- end -}}
{{- tpl ($root.Files.Get (printf "files/%s.conf.gotmpl" $phase)) $root -}}
{{- end -}}

{{/* The RLS' scheme in the rendered config: https with upstreams.rlsTls. */}}
{{- define "nginx.rlsScheme" -}}
{{- if .Values.upstreams.rlsTls.enabled -}}https{{- else -}}http{{- end -}}
{{- end -}}

{{- define "nginx.rlsTlsSecretName" -}}
{{- .Values.upstreams.rlsTls.secretName | default (printf "%s-rls-client-tls" (include "nginx.fullname" .)) -}}
{{- end -}}

{{/* A Certificate's issuer: the chart's own, else global.tls.issuerRef; one is required. */}}
{{- define "nginx.issuerRef" -}}
{{- $own := index . 0 | default dict -}}
{{- $root := index . 1 -}}
{{- $global := (($root.Values.global).tls).issuerRef | default dict -}}
{{- $ref := ternary $own $global (not (empty $own.name)) -}}
name: {{ required "upstreams.rlsTls.certManager.issuerRef.name (or global.tls.issuerRef.name) is required with upstreams.rlsTls.certManager.enabled" $ref.name }}
kind: {{ $ref.kind | default "ClusterIssuer" }}
group: cert-manager.io
{{- end -}}
