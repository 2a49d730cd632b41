{{/*
Names. Kubernetes names are at most 63 characters; suffixed names below stay
within that because fullname is cut to 50.
*/}}
{{- define "vllm-to-sglang.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vllm-to-sglang.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "vllm-to-sglang.webhookName" -}}
{{- printf "%s-webhook" (include "vllm-to-sglang.fullname" .) }}
{{- end }}

{{- define "vllm-to-sglang.serviceAccountName" -}}
{{- default (include "vllm-to-sglang.webhookName" .) .Values.serviceAccount.name }}
{{- end }}

{{/* The Secret holding the webhook's serving certificate (tls.crt, tls.key, ca.crt). */}}
{{- define "vllm-to-sglang.tlsSecretName" -}}
{{- printf "%s-webhook-tls" (include "vllm-to-sglang.fullname" .) }}
{{- end }}

{{- define "vllm-to-sglang.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vllm-to-sglang.labels" -}}
helm.sh/chart: {{ include "vllm-to-sglang.chart" . }}
app.kubernetes.io/name: {{ include "vllm-to-sglang.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: vllm-to-sglang
{{- end }}

{{/* Selector labels of the webhook pods; never change them (Deployment selectors are immutable). */}}
{{- define "vllm-to-sglang.webhookSelectorLabels" -}}
app.kubernetes.io/name: {{ include "vllm-to-sglang.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end }}

{{/* The one image: repository@digest, or repository:tag (tag defaults to appVersion). */}}
{{- define "vllm-to-sglang.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
In-cluster mode: the chart runs the webhook (Deployment, Service, certificate).
URL mode (webhook.url set): the webhook runs elsewhere.
*/}}
{{- define "vllm-to-sglang.inCluster" -}}
{{- if not .Values.webhook.url }}true{{ end }}
{{- end }}

{{/* Where the webhook server serves the SGLangProfile validator (webhook.ValidateProfilePath). */}}
{{- define "vllm-to-sglang.validateProfilePath" -}}
/validate-shim-vllm-to-sglang-io-v1alpha1-sglangprofile
{{- end }}

{{/*
A URL-mode webhook URL derived from webhook.url: the override when set, else
webhook.url with its /mutate--v1-pod path replaced by path (the same server
serves every webhook; a webhook URL has no query nor fragment). Called with
a dict: override, path, what (the webhook, for the error), unset (how to do
without it), and Values.
*/}}
{{- define "vllm-to-sglang.derivedURL" -}}
{{- $mutate := "/mutate--v1-pod" }}
{{- if .override }}
{{- .override }}
{{- else if hasSuffix $mutate .Values.webhook.url }}
{{- printf "%s%s" (trimSuffix $mutate .Values.webhook.url) .path }}
{{- else }}
{{- fail (printf "webhook.url %q does not end with %s, so %s URL cannot be derived from it: %s" .Values.webhook.url $mutate .what .unset) }}
{{- end }}
{{- end }}

{{/*
The audit webhooks' URL in URL mode: audit.url, else webhook.url with its
/mutate--v1-pod path replaced by /audit--v1-pod (webhook.AuditPodPath).
*/}}
{{- define "vllm-to-sglang.auditURL" -}}
{{- include "vllm-to-sglang.derivedURL" (dict "override" .Values.audit.url "path" "/audit--v1-pod" "what" "the audit webhooks'" "unset" "set audit.url, or audit.enabled=false" "Values" .Values) }}
{{- end }}

{{/*
The SGLangProfile validator's URL in URL mode: profileValidation.url, else
webhook.url with its /mutate--v1-pod path replaced by the validator's.
*/}}
{{- define "vllm-to-sglang.profileValidationURL" -}}
{{- include "vllm-to-sglang.derivedURL" (dict "override" .Values.profileValidation.url "path" (include "vllm-to-sglang.validateProfilePath" .) "what" "the SGLangProfile validator's" "unset" "set profileValidation.url, or profileValidation.enabled=false" "Values" .Values) }}
{{- end }}

{{- define "vllm-to-sglang.useCertManager" -}}
{{- if and (include "vllm-to-sglang.inCluster" .) .Values.certManager.enabled }}true{{ end }}
{{- end }}

{{/* The cert-manager Certificate of the serving certificate. */}}
{{- define "vllm-to-sglang.certificateName" -}}
{{- include "vllm-to-sglang.webhookName" . }}
{{- end }}

{{/* DNS names of the webhook Service, as the API server dials it. */}}
{{- define "vllm-to-sglang.serviceDNSNames" -}}
{{- $svc := include "vllm-to-sglang.webhookName" . }}
{{- list (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) | toJson }}
{{- end }}

{{/*
Whether the chart can see the cluster. `lookup` returns an empty map in
`helm template` and client-side dry runs, and kube-system exists on every
cluster, so an empty answer means "no cluster" rather than "not there".
*/}}
{{- define "vllm-to-sglang.clusterVisible" -}}
{{- if lookup "v1" "Namespace" "" "kube-system" }}true{{ end }}
{{- end }}

{{/*
Helm-generated certificates (certManager.enabled=false), as a dict with
caCert, tlsCert and tlsKey (PEM). The existing Secret is reused so the CA
stays the same across upgrades; otherwise a new CA and serving certificate
are generated. The result is memoised in .Values because two templates (the
Secret and the webhook configuration) must agree, and every genCA call
returns a different CA.
*/}}
{{- define "vllm-to-sglang.generatedCerts" -}}
{{- if not (hasKey .Values "_generatedCerts") }}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "vllm-to-sglang.tlsSecretName" .) }}
{{- $data := dig "data" dict $secret }}
{{- $certs := dict }}
{{- if and (hasKey $data "ca.crt") (hasKey $data "tls.crt") (hasKey $data "tls.key") }}
{{- $certs = dict "caCert" (index $data "ca.crt" | b64dec) "tlsCert" (index $data "tls.crt" | b64dec) "tlsKey" (index $data "tls.key" | b64dec) }}
{{- else }}
{{- $days := int .Values.generatedCerts.validityDays }}
{{- $ca := genCA (printf "%s-ca" (include "vllm-to-sglang.fullname" .)) $days }}
{{- $dns := include "vllm-to-sglang.serviceDNSNames" . | fromJsonArray }}
{{- $cert := genSignedCert (first $dns) nil $dns $days $ca }}
{{- $certs = dict "caCert" $ca.Cert "tlsCert" $cert.Cert "tlsKey" $cert.Key }}
{{- end }}
{{- $_ := set .Values "_generatedCerts" $certs }}
{{- end }}
{{- .Values._generatedCerts | toJson }}
{{- end }}

{{/* The caBundle of the webhook configuration (base64 PEM), or "" when cert-manager injects it. */}}
{{- define "vllm-to-sglang.caBundle" -}}
{{- if not (include "vllm-to-sglang.inCluster" .) }}
{{- required "webhook.caBundle is required when webhook.url is set" .Values.webhook.caBundle }}
{{- else if not .Values.certManager.enabled }}
{{- (include "vllm-to-sglang.generatedCerts" . | fromJson).caCert | b64enc }}
{{- end }}
{{- end }}

{{/*
The compatibility RuntimeClass decision: "create", or why not. With
create=auto it is created when the cluster has no class of that name, or
when the existing one belongs to this release (so upgrades keep managing it);
a class someone else made is never touched.
*/}}
{{- define "vllm-to-sglang.compatRuntimeClass" -}}
{{- $c := .Values.compatRuntimeClass }}
{{- if eq $c.create "never" }}disabled
{{- else if eq $c.create "always" }}create
{{- else if not (include "vllm-to-sglang.clusterVisible" .) }}no-cluster
{{- else }}
{{- $existing := lookup "node.k8s.io/v1" "RuntimeClass" "" $c.name }}
{{- if not $existing }}create
{{- else }}
{{- $ann := dig "metadata" "annotations" dict $existing }}
{{- if and (eq (get $ann "meta.helm.sh/release-name") .Release.Name) (eq (get $ann "meta.helm.sh/release-namespace") .Release.Namespace) }}create
{{- else }}exists
{{- end }}
{{- end }}
{{- end }}
{{- end }}
