{{- define "rls.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rls.fullname" -}}
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

{{- define "rls.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rls.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "rls.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "rls.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mimir-edge-enforcement
{{- end -}}

{{- define "rls.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "rls.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* One request-size limit for the RLS, Envoy and NGINX: global.maxRequestBytes wins. */}}
{{- define "rls.maxRequestBytes" -}}
{{- $v := coalesce (.Values.global).maxRequestBytes .Values.maxRequestBytes -}}
{{- if le (int64 $v) 0 -}}{{- fail "maxRequestBytes must be > 0" -}}{{- end -}}
{{- int64 $v -}}
{{- end -}}

{{- define "rls.adminSecretName" -}}
{{- default (printf "%s-admin" (include "rls.fullname" .)) .Values.admin.existingSecret -}}
{{- end -}}

{{/* Replicas the service divides each tenant's rate by until it discovers them itself. */}}
{{- define "rls.replicas" -}}
{{- if .Values.autoscaling.enabled -}}{{ int .Values.autoscaling.minReplicas }}{{- else -}}{{ int .Values.replicaCount }}{{- end -}}
{{- end -}}

{{- define "rls.redisUrl" -}}
{{- if .Values.redis.url -}}
{{- .Values.redis.url -}}
{{- else if .Values.redis.deploy.enabled -}}
{{- printf "redis://%s-redis:6379" (include "rls.fullname" .) -}}
{{- else -}}
{{- fail "redis.enabled needs redis.url (an existing Redis) or redis.deploy.enabled" -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the RLS' certificate, key and client CA (tls.crt, tls.key, ca.crt). */}}
{{- define "rls.tlsSecretName" -}}
{{- .Values.tls.existingSecret | default (printf "%s-tls" (include "rls.fullname" .)) -}}
{{- end -}}

{{/* A Certificate's issuer: the chart's own, else global.tls.issuerRef; one is required. */}}
{{- define "rls.issuerRef" -}}
{{- $own := index . 0 | default dict -}}
{{- $root := index . 1 -}}
{{- $global := (($root.Values.global).tls).issuerRef | default dict -}}
{{- $ref := ternary $own $global (not (empty $own.name)) -}}
name: {{ required "tls.certManager.issuerRef.name (or global.tls.issuerRef.name) is required with tls.certManager.enabled" $ref.name }}
kind: {{ $ref.kind | default "ClusterIssuer" }}
group: cert-manager.io
{{- end -}}
