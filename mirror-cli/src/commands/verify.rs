//! `mirror-cli verify` (in progress).
