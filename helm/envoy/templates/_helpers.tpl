{{- define "envoy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "envoy.fullname" -}}
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

{{- define "envoy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "envoy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "envoy.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "envoy.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mimir-edge-enforcement
{{- end -}}

{{/* A Certificate's issuer: the chart's own, else global.tls.issuerRef; one is required. */}}
{{- define "envoy.issuerRef" -}}
{{- $own := index . 0 | default dict -}}
{{- $root := index . 1 -}}
{{- $global := (($root.Values.global).tls).issuerRef | default dict -}}
{{- $ref := ternary $own $global (not (empty $own.name)) -}}
name: {{ required "rls.tls.certManager.issuerRef.name (or global.tls.issuerRef.name) is required with rls.tls.certManager.enabled" $ref.name }}
kind: {{ $ref.kind | default "ClusterIssuer" }}
group: cert-manager.io
{{- end -}}
