//! Integration tests of node-root.
