{{/*
The chart's name, shortened to fit a label value.
*/}}
{{- define "securemail-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The name of the release's objects: the release name when it already says securemail-operator.
*/}}
{{- define "securemail-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "securemail-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "securemail-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "securemail-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "securemail-operator.labels" -}}
helm.sh/chart: {{ include "securemail-operator.chart" . }}
{{ include "securemail-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The labels of the operator's own objects (its Deployment and Pods, ServiceAccount, RBAC, policies
and monitoring objects). The metrics Service is component metrics, the helm test Pod test.
*/}}
{{- define "securemail-operator.operatorLabels" -}}
{{ include "securemail-operator.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "securemail-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "securemail-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The tag of the project's images: image.tag, or the chart's appVersion (the project version).
*/}}
{{- define "securemail-operator.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/*
One of the project's images, <image.registry>/<name>:<tag>. Call with (list . "name").
*/}}
{{- define "securemail-operator.projectImage" -}}
{{- $root := index . 0 }}
{{- printf "%s/%s:%s" $root.Values.image.registry (index . 1) (include "securemail-operator.imageTag" $root) }}
{{- end }}

{{/*
The operator image: <repository>@<image.digest> when a digest is set (the tag is then not used),
else <repository>:<tag>; the repository is image.repository or <image.registry>/securemail-operator.
*/}}
{{- define "securemail-operator.image" -}}
{{- $repository := .Values.image.repository | default (printf "%s/securemail-operator" .Values.image.registry) }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (include "securemail-operator.imageTag" .) }}
{{- end }}
{{- end }}

{{- define "securemail-operator.mtaImage" -}}
{{- .Values.operator.mta.image | default (include "securemail-operator.projectImage" (list . "securemail-mta")) }}
{{- end }}

{{- define "securemail-operator.policyServerImage" -}}
{{- .Values.operator.mtaSts.image | default (include "securemail-operator.projectImage" (list . "securemail-policy-server")) }}
{{- end }}

{{- define "securemail-operator.leaseName" -}}
{{- default (include "securemail-operator.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{/*
What the operator does in the namespaces it watches. In the default mode these rules are part of
the ClusterRole; with watchNamespaces they go into a Role in each watched namespace. Nothing here is
wider than the code in operator/src/main/java needs: see helm/README.md for each rule's reason.
*/}}
{{- define "securemail-operator.namespacedRules" -}}
# Every verb below was used by the operator in the lab, where it runs with this chart's RBAC and the
# API server audits its calls (e2e-tests RbacAuditTest fails on a grant nobody uses).
# The primary resource: its informer lists and watches it; the SDK patches it to add and remove
# the finalizer. The operator never writes a user's spec or annotations; it creates and
# server-side applies one SecureMailDomain per MailTransport, the transport's fleet domain (an
# apply that creates an object is authorized as a create too).
- apiGroups: ["securemail.io"]
  resources: ["securemaildomains"]
  verbs: ["list", "watch", "create", "patch"]
# Status is written only through the status subresource, by server-side apply.
- apiGroups: ["securemail.io"]
  resources: ["securemaildomains/status"]
  verbs: ["patch"]
# MailTransports, the mailtransport controller's primary resource: listed and watched, patched by
# the SDK to add and remove the finalizer that holds a transport while domains are attached, and
# their status written by server-side apply. (The fleet domain's owner reference does not block
# its owner's deletion, so mailtransports/finalizers is not needed.)
- apiGroups: ["securemail.io"]
  resources: ["mailtransports"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["securemail.io"]
  resources: ["mailtransports/status"]
  verbs: ["patch"]
# The operator generates the MX key lineage Secrets (kubernetes.io/tls, key only; cert-manager adds
# the certificate), copies the served lineage into the serving Secret the MTA mounts, writes the
# MTA-STS policy server's site Secrets (policy, certificate and key of each domain), and reads the
# TSIG key Secret of an RFC 2136 domain.
# Its Secrets go with the domain through owner references (the garbage collector deletes them);
# a domain that attaches to a MailTransport has its MX key Secrets deleted by the operator (delete
# destroys no more than update already could).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create", "update", "patch", "delete"]
# The manual DNS provider's zone-file snippet (a dependent with its own informer that the SDK
# updates in place, deleted when the provider changes), and the MTA-STS policy server's nginx
# configuration: the owner of the server's other objects, deleted with the namespace's last domain.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Warning and Normal events on a SecureMailDomain (invalid spec, compliance changes, rollover steps).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
# The namespace's MTA-STS policy server: an nginx Deployment and its Services, written by
# server-side apply (the garbage collector removes them with their owner, the configuration). An apply
# that creates an object is authorized as a create too, hence create beside patch.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "create", "patch"]
# Services: the policy server's (above, read before they are applied) and each domain's MTA
# Service, a dependent of the domain: its informer lists and watches (a hand edit is repaired on
# the event), the SDK applies it by server-side apply and deletes it when spec.mta is removed.
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# The Pods of each domain's MTA (spec.mta), read to probe every replica on its own address: a
# connection to the Service reaches one replica, and the old key's TLSA must stay while any serves it.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
# Each domain's MTA (spec.mta): a Postfix StatefulSet with its Service (above) and ConfigMap, as
# dependents (watched, server-side applied); deleted when spec.mta is removed (the queue's volume
# claims are kept).
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# The optional Ingress for the mta-sts host (spec.mtaSts.ingress), a dependent: deleted when no
# longer wanted.
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# cert-manager Certificates for the two MX key lineages and the mta-sts host, dependents watched
# for cert-manager's verdict; deleted when spec.certificates.issuerRef is removed.
- apiGroups: ["cert-manager.io"]
  resources: ["certificates"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# A namespaced Issuer named by spec.certificates.issuerRef: the operator reports whether it is Ready.
- apiGroups: ["cert-manager.io"]
  resources: ["issuers"]
  verbs: ["get"]
# The externalDNS provider's output: one DNSEndpoint per domain, a dependent (watched, server-side
# applied), removed when the provider changes.
- apiGroups: ["externaldns.k8s.io"]
  resources: ["dnsendpoints"]
  verbs: ["list", "watch", "create", "patch", "delete"]
{{- end }}

{{/*
Cluster-scoped reads, needed in both modes.
*/}}
{{- define "securemail-operator.clusterRules" -}}
# At start the SDK checks the SecureMailDomain and MailTransport CRDs; at run time the operator looks whether the
# optional cert-manager and external-dns CRDs are installed before it touches their objects.
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get"]
# A ClusterIssuer named by spec.certificates.issuerRef: the operator reports whether it is Ready.
- apiGroups: ["cert-manager.io"]
  resources: ["clusterissuers"]
  verbs: ["get"]
# A MailTransport's spec.attach.namespaceSelector is decided on the labels of the namespaces its
# domains are in, read by GET (no list or watch): in every namespace, or with watchNamespaces only
# in the watched ones (the operator sees domains nowhere else).
- apiGroups: [""]
  resources: ["namespaces"]
  {{- with .Values.watchNamespaces }}
  resourceNames: {{ toJson . }}
  {{- end }}
  verbs: ["get"]
{{- if not .Values.operator.ownerId }}
# Without operator.ownerId, the owner id in the DNS ownership records is derived from the UID of
# namespace kube-system, which differs from cluster to cluster.
- apiGroups: [""]
  resources: ["namespaces"]
  resourceNames: ["kube-system"]
  verbs: ["get"]
{{- end }}
{{- end }}

{{/*
operator.tenancy.allowedDomains as the operator reads it: NAMESPACE=SUFFIX entries, comma-separated.
*/}}
{{- define "securemail-operator.allowedDomains" -}}
{{- $entries := list -}}
{{- range $namespace, $suffixes := . -}}
{{- range $suffixes -}}
{{- $entries = append $entries (printf "%s=%s" $namespace .) -}}
{{- end -}}
{{- end -}}
{{- join "," $entries -}}
{{- end }}

{{/*
TLS report mail (LMTP): on or off, "true" or "false". operator.tlsReports.mail.enabled, unless the
deprecated operator.tlsRpt.lmtp.enabled is set: it still wins in this release, so an upgrade keeps
what the former key said.
*/}}
{{- define "securemail-operator.tlsReportsMail" -}}
{{- $old := dig "tlsRpt" "lmtp" "enabled" "" .Values.operator -}}
{{- if kindIs "bool" $old }}{{ $old }}{{ else }}{{ dig "tlsReports" "mail" "enabled" true .Values.operator }}{{ end -}}
{{- end }}

{{/*
The LMTP port: operator.tlsReports.mail.port, unless the deprecated operator.tlsRpt.lmtp.port is set.
Read with dig (defaults as in values.yaml): helm upgrade --reuse-values keeps the former chart's
values, which have operator.tlsRpt.lmtp but no operator.tlsReports.mail.
*/}}
{{- define "securemail-operator.tlsReportsMailPort" -}}
{{- dig "tlsRpt" "lmtp" "port" (dig "tlsReports" "mail" "port" 2424 .Values.operator) .Values.operator | int -}}
{{- end }}

{{/*
The report Service's port for POST /tlsrpt (default as in values.yaml, for --reuse-values upgrades).
*/}}
{{- define "securemail-operator.tlsReportsHttpsPort" -}}
{{- dig "tlsReports" "https" "port" 8080 .Values.operator | int -}}
{{- end }}

{{/*
Whether the operator receives TLS reports at all ("true" or "false"): then the report Service exists,
and with leader election the leader labels its Pod for it.
*/}}
{{- define "securemail-operator.tlsReportsReceived" -}}
{{- or (eq (include "securemail-operator.tlsReportsMail" .) "true") .Values.operator.tlsReports.https.enabled -}}
{{- end }}

{{/*
The deprecated keys in use, for NOTES.txt: empty when none is.
*/}}
{{- define "securemail-operator.deprecatedValues" -}}
{{- $used := list -}}
{{- range $key := list "enabled" "port" -}}
{{- if hasKey (dig "tlsRpt" "lmtp" (dict) $.Values.operator) $key -}}
{{- $used = append $used (printf "operator.tlsRpt.lmtp.%s (now operator.tlsReports.mail.%s)" $key $key) -}}
{{- end -}}
{{- end -}}
{{- join ", " $used -}}
{{- end }}
