#!/usr/bin/env bash
# Provisions what the lab needs on a Debian machine, once, and caches it:
#  - kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kube-proxy 1.20.2, built
#    from Debian bookworm's `kubernetes` source package (no prebuilt binary can be downloaded here),
#    cached in $SECUREMAIL_CACHE/kubernetes/1.20.2/ (by default under ~/.cache/securemail);
#  - the node's container engine and networking (docker.io, containerd, runc, the CNI plugins,
#    conntrack, iptables) and mmdebstrap, which makes the images' Debian base from Debian's packages;
#  - etcd (Debian's etcd-server) and kubectl linked beside them;
#  - the Debian packages of the DNS lab (Knot, Unbound, BIND, kdig/dig);
#  - Postfix (the lab's MX hosts and MTA, and posttls-finger) and the independent probes ldns-dane and swaks
#    (with Net::SSLeay, which its STARTTLS needs);
#  - nginx (the lab's MTA-STS policy servers, run with the operator's own configuration) and
#    testssl.sh (an independent TLS probe of them);
#  - what the MTA image runs besides Postfix: mta-sts-daemon (postfix-mta-sts-resolver), the
#    policy daemon's dnspython, and inotify-tools for the entrypoint's reloader.
# Re-running is cheap: every step is skipped when its result is already there.
# Without root it installs nothing and names exactly what is missing.
set -euo pipefail

KUBE_VERSION=1.20.2
CACHE="${SECUREMAIL_CACHE:-$HOME/.cache/securemail}"
KUBE_DIR="$CACHE/kubernetes/$KUBE_VERSION"
# Earlier versions of this script kept the binaries where a test library looked for them.
OLD_KUBE_DIR="$HOME/.kubeapitest/k8s/${KUBE_VERSION}-linux-amd64"
if [[ ! -d "$KUBE_DIR" && -d "$OLD_KUBE_DIR" ]]; then
  mkdir -p "$(dirname "$KUBE_DIR")" && mv "$OLD_KUBE_DIR" "$KUBE_DIR"
fi
SRC="$CACHE/src"
APT_DIR="$CACHE/apt"
STAMP="$CACHE/provisioned-v4"

PACKAGES=(etcd-server knot knot-dnsutils unbound bind9 bind9-dnsutils postfix ldnsutils swaks libnet-ssleay-perl nginx
          testssl.sh postfix-mta-sts-resolver python3-dnspython inotify-tools
          docker.io containernetworking-plugins conntrack iptables mmdebstrap)
KUBE_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)
BUILD_PACKAGES=(golang-go rsync dpkg-dev make golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev)

log() { printf '[provision] %s\n' "$*" >&2; }

have_built() {
  local b
  for b in "${KUBE_BINARIES[@]}"; do [[ -x "$KUBE_DIR/$b" ]] || return 1; done
}

have_binaries() {
  have_built && [[ -x "$KUBE_DIR/etcd" && -x "$KUBE_DIR/kubectl" ]]
}

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

if [[ -f "$STAMP" ]] && have_binaries && [[ -z "$(missing_packages "${PACKAGES[@]}")" ]]; then
  exit 0
fi

need=( $(missing_packages "${PACKAGES[@]}") )
if ! have_binaries; then
  need+=( $(missing_packages "${BUILD_PACKAGES[@]}") )
fi

if [[ ${#need[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    log "cannot install as a non-root user. Missing Debian packages: ${need[*]}"
    log "install them with: sudo apt-get install -y ${need[*]}"
    have_binaries || log "and the control plane binaries are missing from $KUBE_DIR (run this script as root once)"
    exit 1
  fi
  log "installing Debian packages: ${need[*]}"
  # Keep package installs from starting system services (etcd, knot, unbound, named, postfix, nginx,
  # dockerd, containerd):
  # the lab starts its own instances on loopback with private configuration. nginx's postinst would
  # otherwise start the default site on port 80 of every address; with the policy its start is
  # refused (invoke-rc.d reports the refusal and succeeds) and no listener is left behind.
  policy=/usr/sbin/policy-rc.d
  created_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy && created_policy=true
  fi
  trap '[[ $created_policy == true ]] && rm -f '"$policy" EXIT
  # Postfix asks how to configure the machine's own mail system; "No configuration" writes no
  # /etc/postfix/main.cf and sets nothing up. The lab runs its own instance from a private directory.
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  if [[ ! -f "$CACHE/apt-updated" ]]; then
    apt-get update -q >&2
    mkdir -p "$CACHE" && touch "$CACHE/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

mkdir -p "$KUBE_DIR"
if ! have_built; then
  log "building ${KUBE_BINARIES[*]} $KUBE_VERSION from Debian's source (takes several minutes, once)"
  mkdir -p "$SRC" "$APT_DIR/sources.list.d" "$APT_DIR/lists/partial"
  # A private deb-src list derived from the machine's own apt sources, so the system's
  # configuration is left untouched and whatever mirror it uses is used.
  if [[ -f /etc/apt/sources.list ]]; then
    sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list > "$APT_DIR/sources.list"
  else
    : > "$APT_DIR/sources.list"
  fi
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    case $f in
      *.sources) sed 's/^Types:.*/Types: deb-src/' "$f" > "$APT_DIR/sources.list.d/$(basename "$f")" ;;
      *.list) sed -n 's/^deb \(.*\)/deb-src \1/p' "$f" > "$APT_DIR/sources.list.d/$(basename "$f")" ;;
    esac
  done
  APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
            -o "Dir::State::Lists=$APT_DIR/lists")
  apt-get "${APT_OPTS[@]}" update -q >&2
  cd "$SRC"
  if ! ls kubernetes_*.dsc >/dev/null 2>&1; then
    apt-get "${APT_OPTS[@]}" source --download-only kubernetes >&2
  fi
  tree=$(find "$SRC" -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
  if [[ -z "$tree" ]]; then
    orig=$(ls kubernetes_*.orig.tar.* | head -n1)
    mkdir -p "$SRC/tree" && tar -xf "$orig" -C "$SRC/tree"
    tree=$(find "$SRC/tree" -mindepth 1 -maxdepth 1 -type d | head -n1)
    mv "$tree" "$SRC/kubernetes-$KUBE_VERSION" && rmdir "$SRC/tree"
    tree="$SRC/kubernetes-$KUBE_VERSION"
  fi
  # The vendored reflect2 1.0.1 / json-iterator crash under Go >= 1.18 the first time a custom
  # resource is written; Debian's packaged copies are compatible.
  for lib in github.com/modern-go/reflect2 github.com/json-iterator/go; do
    rm -rf "${tree:?}/vendor/$lib"
    mkdir -p "$tree/vendor/$lib"
    cp -r "/usr/share/gocode/src/$lib/." "$tree/vendor/$lib/"
  done
  cd "$tree"
  export GOFLAGS=-mod=vendor GO111MODULE=on GOPATH="$CACHE/gopath" GOCACHE="$CACHE/gocache"
  # Debian's reflect2 may be newer than vendor/modules.txt says; the Go toolchain checks that list.
  for b in "${KUBE_BINARIES[@]}"; do
    make WHAT="cmd/$b" >&2
    install -m 0755 "_output/bin/$b" "$KUBE_DIR/"
  done
  # The source tree and Go caches take about 2 GB; only the binaries are needed from now on.
  cd / && rm -rf "$SRC" "$CACHE/gopath" "$CACHE/gocache"
fi
ln -sf /usr/bin/etcd "$KUBE_DIR/etcd"
ln -sf "$(command -v kubectl || echo /usr/bin/kubectl)" "$KUBE_DIR/kubectl"
if [[ ! -x "$KUBE_DIR/kubectl" ]]; then
  log "kubectl is missing (expected on PATH); install it and re-run"
  exit 1
fi
touch "$STAMP"
log "ready: $KUBE_DIR"
