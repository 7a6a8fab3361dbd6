#!/usr/bin/env python3
"""Writes the inputs of the whole-process benchmark for N mirrored sources into a folder.

Shapes are those of a real disconnected cluster: sources `quay.io/org-<o>/repo-<r>` (o = i / 50), each with one or
two mirrors on a handful of mirror hosts, packed into ImageDigestMirrorSet objects of SOURCES_PER_OBJECT sources
(under the reader's 1024-document budget at 100 000 sources), plus the pull secret, the CA ConfigMap and the
Image config that points at it. Deterministic: the same N gives the same bytes.

Files written:
  idms.yaml        the IDMS objects as many YAML documents (`oc get -o yaml` per object, `---` between)
  idms-list.yaml   the same objects as one `kind: List` document (`oc get idms -o yaml`)
  idms.json        the same objects as `oc get idms -o json` prints them (a List, indented)
  idms-compact.json the same List without whitespace (`jq -c`; under the 16 MiB input budget at 100 000)
  icsp.yaml        the same rules as ImageContentSourcePolicy objects, many documents
  cluster.yaml     the pull secret Secret, the CA ConfigMap and image.config/cluster
  pull-secret.json the bare .dockerconfigjson
  refs.txt         image references for `resolve --batch`, one a line (each source by tag and by digest)
  ref.txt          the one reference `resolve` is asked about
"""

import base64
import json
import os
import sys

SOURCES_PER_OBJECT = 100
REPOS_PER_ORG = 50
MIRROR_HOSTS = [f"mirror-{k}.example.com:5000" for k in range(4)]
# A public demo CA certificate (the example of mirror-cli; its private key was thrown away).
CA_PEM = """-----BEGIN CERTIFICATE-----
MIIBtDCCAVmgAwIBAgIUWyLi+LnR5OGR9pKg1s1Qv6jcAFswCgYIKoZIzj0EAwIw
JjEkMCIGA1UEAwwbbWlycm9yLnJlZ2lzdHJ5LmNvbSBkZW1vIENBMCAXDTI2MTEy
NjAzMDMwMFoYDzIxMjYxMTAyMDMwMzAwWjAmMSQwIgYDVQQDDBttaXJyb3IucmVn
aXN0cnkuY29tIGRlbW8gQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASv65eV
wgkPXnYjCKq8DVApnxk496OV+2lb0G5J9YiVzDWMytBW6J+kZ2tYUiF36foGhqhv
t4mlGxQEPvKI4v/Xo2MwYTAdBgNVHQ4EFgQUBl9c31+De77Qd4l0oAVsMkYsAUUw
HwYDVR0jBBgwFoAUBl9c31+De77Qd4l0oAVsMkYsAUUwDwYDVR0TAQH/BAUwAwEB
/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDSQAwRgIhANWJYJK9HQa1Ru95
WZnYnmleoTobJUPPJxNH3ak1ixp6AiEAqp6MQyCBiJUSHkgvLNAxTusIcaFMyeWp
52kXLfEzc9A=
-----END CERTIFICATE-----
"""
DIGEST = "sha256:" + "ab" * 32


def source(i):
    return f"quay.io/org-{i // REPOS_PER_ORG}/repo-{i % REPOS_PER_ORG}"


def mirrors(i):
    path = source(i).split("/", 1)[1]
    first = MIRROR_HOSTS[i % len(MIRROR_HOSTS)]
    out = [f"{first}/{path}"]
    if i % 3 == 0:  # a third of the sources have a second mirror
        second = MIRROR_HOSTS[(i + 1) % len(MIRROR_HOSTS)]
        out.append(f"{second}/{path}")
    return out


def objects(n, kind):
    """The rules as objects of `kind` (ImageDigestMirrorSet or ImageContentSourcePolicy), as dicts."""
    out = []
    for start in range(0, n, SOURCES_PER_OBJECT):
        rules = [
            {"mirrors": mirrors(i), "source": source(i)}
            for i in range(start, min(n, start + SOURCES_PER_OBJECT))
        ]
        name = f"mirror-{start // SOURCES_PER_OBJECT:05d}"
        if kind == "ImageDigestMirrorSet":
            out.append({
                "apiVersion": "config.openshift.io/v1",
                "kind": kind,
                "metadata": {"name": name},
                "spec": {"imageDigestMirrors": rules},
            })
        else:
            out.append({
                "apiVersion": "operator.openshift.io/v1alpha1",
                "kind": kind,
                "metadata": {"name": name},
                "spec": {"repositoryDigestMirrors": rules},
            })
    return out


def yaml_scalar(s):
    # Every generated string is plain-safe except ones with ": " or a leading special; quote those.
    if s == "" or s[0] in "!&*-:?{}[],#|>@`\"'%" or ": " in s or " #" in s:
        return json.dumps(s)
    return s


def yaml_lines(value, indent, out):
    """`value` as `oc get -o yaml` prints it (block style, sequences not indented under their key)."""
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict):
                out.append(f"{pad}{k}:")
                yaml_lines(v, indent + 2, out)
            elif isinstance(v, list):
                out.append(f"{pad}{k}:")
                yaml_lines(v, indent, out)
            else:
                out.append(f"{pad}{k}: {yaml_scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                inner = []
                yaml_lines(item, indent + 2, inner)
                inner[0] = f"{pad}- " + inner[0][indent + 2:]
                out.extend(inner)
            elif isinstance(item, list):
                raise ValueError("no nested lists in these objects")
            else:
                out.append(f"{pad}- {yaml_scalar(item)}")
    else:
        raise ValueError(value)


def to_yaml(value):
    out = []
    yaml_lines(value, 0, out)
    return "\n".join(out) + "\n"


def write(folder, name, text):
    with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen.py N FOLDER")
    n = int(sys.argv[1])
    folder = sys.argv[2]
    os.makedirs(folder, exist_ok=True)

    idms = objects(n, "ImageDigestMirrorSet")
    write(folder, "idms.yaml", "---\n".join(to_yaml(o) for o in idms))
    the_list = {"apiVersion": "v1", "kind": "List", "items": idms, "metadata": {"resourceVersion": ""}}
    write(folder, "idms-list.yaml", to_yaml(the_list))
    write(folder, "idms.json", json.dumps(the_list, indent=4) + "\n")
    write(folder, "idms-compact.json", json.dumps(the_list, separators=(",", ":")) + "\n")
    icsp = objects(n, "ImageContentSourcePolicy")
    write(folder, "icsp.yaml", "---\n".join(to_yaml(o) for o in icsp))

    auths = {"quay.io": {"auth": base64.b64encode(b"bench-user:bench-password").decode(), "email": "bench@example.com"}}
    for k, host in enumerate(MIRROR_HOSTS):
        auths[host] = {"auth": base64.b64encode(f"mirror{k}:bench-password-{k}".encode()).decode()}
    dockerconfig = json.dumps({"auths": auths}, separators=(",", ":"))
    write(folder, "pull-secret.json", dockerconfig + "\n")
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "pull-secret", "namespace": "openshift-config"},
        "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": base64.b64encode(dockerconfig.encode()).decode()},
    }
    configmap_lines = [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: registry-config",
        "  namespace: openshift-config",
        "data:",
    ]
    for host in MIRROR_HOSTS:
        configmap_lines.append(f"  {host.replace(':', '..')}: |")
        configmap_lines.extend("    " + line for line in CA_PEM.splitlines())
    image = {
        "apiVersion": "config.openshift.io/v1",
        "kind": "Image",
        "metadata": {"name": "cluster"},
        "spec": {"additionalTrustedCA": {"name": "registry-config"}},
    }
    write(folder, "cluster.yaml", "---\n".join([to_yaml(secret), "\n".join(configmap_lines) + "\n", to_yaml(image)]))

    refs = []
    for i in range(n):
        refs.append(f"{source(i)}:v{i % 7}")
        refs.append(f"{source(i)}@{DIGEST}")
    write(folder, "refs.txt", "\n".join(refs) + "\n")
    write(folder, "ref.txt", f"{source(n - 1)}@{DIGEST}\n")


if __name__ == "__main__":
    main()
