//! Container image references and registries.conf scopes.
