//! Per-registry CA bundles: ConfigMap keys to `certs.d` folders, and PEM / X.509 checks.
