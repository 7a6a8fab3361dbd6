//! The cluster semantics behind `mirror-cli`: which object feeds which node file.
