#!/usr/bin/env bash
# Validates the manifests in deploy/kubernetes without a cluster:
#   1. every object against the Kubernetes OpenAPI schemas, strictly (an unknown
#      field is an error), for the oldest Kubernetes the manifests support (1.30, for
#      the preStop sleep) and the newest the validator knows;
#   2. the invariants plotbox needs of the values (deploy/check_invariants.py);
#   3. that both checks can fail: deliberately broken copies must be rejected.
# The validator is PyPI's kubernetes-validate, which ships the schemas inside the
# package; it is installed once into target/deploy-venv (ignored by git). Only that
# install needs the network; the checks run without it (in a network namespace of
# their own where the machine allows one). Exits non-zero on any failure.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

VALIDATOR_VERSION=1.37.0
KUBERNETES_VERSIONS=(1.30.0 1.37.0)
MANIFESTS=deploy/kubernetes
VENV=target/deploy-venv

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'validate.sh: %s\n' "$*" >&2; exit 1; }

if [ "$("$VENV/bin/kubernetes-validate" --version 2>/dev/null)" != "$VALIDATOR_VERSION" ]; then
    step "installing kubernetes-validate $VALIDATOR_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "kubernetes-validate==$VALIDATOR_VERSION"
fi

# Runs the checks with no network at all when the machine lets us make a network
# namespace, which proves they fetch nothing.
offline=()
if unshare --net true 2>/dev/null; then
    offline=(unshare --net)
    echo "checks run in a network namespace without interfaces (no network)"
else
    echo "no network namespace available here; checks run with the machine's network"
fi

# Validates FILES against every KUBERNETES_VERSIONS. kubernetes-validate only warns,
# with exit code 0, about an object whose kind or apiVersion it has no schema for (a
# typo, or an API removed from Kubernetes), so anything but an INFO "passed" line is
# a failure here.
schema_check() {
    local output status=0
    local versions=()
    for version in "${KUBERNETES_VERSIONS[@]}"; do versions+=(-k "$version"); done
    output=$("${offline[@]}" "$VENV/bin/kubernetes-validate" --strict "${versions[@]}" "$@" 2>&1) ||
        status=$?
    printf '%s\n' "$output"
    [ "$status" -eq 0 ] && grep -q '^INFO .* passed for resource ' <<<"$output" &&
        ! grep -qv '^INFO .* passed for resource ' <<<"$output"
}

invariant_check() { # DIR
    "${offline[@]}" "$VENV/bin/python" deploy/check_invariants.py "$1" .
}

manifests=()
for file in "$MANIFESTS"/*.yaml; do
    [ "$(basename "$file")" = kustomization.yaml ] || manifests+=("$file")
done
[ "${#manifests[@]}" -gt 0 ] || fail "no manifests in $MANIFESTS"

step "schemas (strict; Kubernetes ${KUBERNETES_VERSIONS[*]})"
schema_check "${manifests[@]}" || fail "the manifests do not match the Kubernetes schemas"

step "invariants"
invariant_check "$MANIFESTS" || fail "an invariant does not hold"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Copies the manifests into a fresh folder and applies one sed edit to FILE there;
# prints the folder. An edit that changes nothing is an error of this script.
copies=0
broken_copy() { # FILE SED-EXPRESSION
    local dir="$scratch/$copies"
    mkdir "$dir"
    cp "$MANIFESTS"/*.yaml "$dir/"
    sed -i -e "$2" "$dir/$1"
    if cmp -s "$MANIFESTS/$1" "$dir/$1"; then fail "the edit '$2' of $1 changed nothing"; fi
    printf '%s\n' "$dir"
}

step "the schema check rejects broken manifests"
schema_broken() { # NAME FILE SED-EXPRESSION
    local dir
    copies=$((copies + 1))
    dir=$(broken_copy "$2" "$3")
    # Rejected means the validator named the object, not that something else broke.
    if schema_check "$dir/$2" >"$dir.log" || ! grep -q "^\(ERROR\|WARN\) $dir/$2 " "$dir.log"; then
        cat "$dir.log"
        fail "the schema check did not reject $1"
    fi
    echo "rejected as it should be: $1: $(grep -v '^INFO' "$dir.log" | head -n 1)"
}
schema_broken "an unknown field" deployment.yaml \
    's/readOnlyRootFilesystem: true/readOnlyRootFilesytem: true/'
schema_broken "a string for a port number" deployment.yaml \
    's/containerPort: 8080/containerPort: eighty/'
schema_broken "a removed API version" hpa.yaml \
    's|^apiVersion: autoscaling/v2$|apiVersion: autoscaling/v2beta2|'

step "the invariant check rejects manifests that break an invariant"
invariant_broken() { # NAME FILE SED-EXPRESSION
    local dir
    copies=$((copies + 1))
    dir=$(broken_copy "$2" "$3")
    if invariant_check "$dir" >"$dir.log" || ! grep -q '^invariant failed: ' "$dir.log"; then
        cat "$dir.log"
        fail "the invariant check did not reject $1"
    fi
    echo "rejected as it should be: $1: $(head -n 1 "$dir.log")"
}
invariant_broken "a writable root file system" deployment.yaml \
    's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/'
invariant_broken "a mounted service account token" deployment.yaml \
    's/automountServiceAccountToken: false/automountServiceAccountToken: true/'
invariant_broken "readiness on /healthz" deployment.yaml 's|path: /readyz|path: /healthz|'
invariant_broken "a command replacing the ENTRYPOINT" deployment.yaml \
    's|args: \["serve"|command: ["/bin/sh", "-c"]\n          args: ["serve"|'
invariant_broken "an --addr port that is not the container port" deployment.yaml \
    's/"0.0.0.0:8080"/"0.0.0.0:9090"/'
invariant_broken "a misspelt PLOTBOX_ variable" deployment.yaml \
    's/name: PLOTBOX_QUEUE$/name: PLOTBOX_QUEUE_LENGTH/'
invariant_broken "more workers than cores" deployment.yaml \
    '/name: PLOTBOX_WORKERS/{n;s/value: "2"/value: "4"/}'
invariant_broken "a memory limit below workers x memory cap" deployment.yaml \
    's/memory: 768Mi/memory: 512Mi/'
invariant_broken "a memory limit without the baseline (1 worker, 1 MiB bodies, 256 MiB)" \
    deployment.yaml '/name: PLOTBOX_WORKERS/{n;s/"2"/"1"/};s/cpu: "2"/cpu: "1"/;s/memory: 768Mi/memory: 256Mi/;/name: PLOTBOX_MAX_BODY/{n;s/"16777216"/"1048576"/}'
invariant_broken "a termination grace shorter than the drain" deployment.yaml \
    's/terminationGracePeriodSeconds: 55/terminationGracePeriodSeconds: 45/'
invariant_broken "a manifest missing from kustomization.yaml" kustomization.yaml '/- pdb.yaml/d'

echo
echo "deploy: manifests valid, invariants hold, and both checks reject broken copies"
