{{/*
Template subset: the chart is rendered in the project's tests by test/support/helm-template.ts,
which knows only what is used here - {{ .Values.x }}, .Release/.Chart fields, $, if/else if/else,
with, define/include, and the functions default, required, quote, toYaml, indent, nindent, printf,
trunc, trimSuffix, contains, not, and, or, eq. It fails on anything else: extend it (with a test)
before using a new construct.
*/}}

{{- define "kda.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "kda.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "kda.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "kda.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end }}

{{/* Labels every object carries; app.kubernetes.io/component is added per object. */}}
{{- define "kda.labels" -}}
app.kubernetes.io/name: {{ include "kda.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: kda
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* Selects the gateway's pods only (not the migration Job's). */}}
{{- define "kda.gatewaySelectorLabels" -}}
app.kubernetes.io/name: {{ include "kda.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "kda.gatewayLabels" -}}
{{ include "kda.labels" . }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "kda.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kda.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end }}

{{/* The Secret each value comes from: the existing one, or the chart's. */}}
{{- define "kda.databaseSecret" -}}
{{- default (include "kda.fullname" .) .Values.database.existingSecret -}}
{{- end }}
{{- define "kda.natsSecret" -}}
{{- default (include "kda.fullname" .) .Values.nats.existingSecret -}}
{{- end }}
{{- define "kda.keysSecret" -}}
{{- default (include "kda.fullname" .) .Values.keys.existingSecret -}}
{{- end }}

{{/* True (non-empty) when the chart makes its own Secret for at least one value. */}}
{{- define "kda.ownSecret" -}}
{{- if or (not .Values.database.existingSecret) (not .Values.nats.existingSecret) (not .Values.keys.existingSecret) -}}
true
{{- end -}}
{{- end }}

{{/* DATABASE_URL and KDA_SECRET_KEY: what both the gateway and the migration need. */}}
{{- define "kda.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "kda.databaseSecret" . }}
      key: {{ .Values.database.existingSecretKey }}
- name: KDA_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "kda.keysSecret" . }}
      key: {{ .Values.keys.secretKeyKey }}
{{- end }}
