//! The one integration-test binary of mirror-cli: one module per area, shared helpers in `common`.

mod bounds_readers;
mod common;
mod conventions_exit;
mod crash_kill;
mod diff_objects;
mod edge_certs;
mod edge_inputs;
mod edge_size;
mod edge_verify;
mod errors;
mod fleet_verify;
mod icsp_cmd;
mod ignition_config;
mod manifests_stream;
mod mapping_files;
mod microshift_render;
mod pipeline_golden;
mod pull_secret_cmd;
mod pull_secret_no_leak;
mod pull_secret_props;
mod render_cli;
mod resolve_cli;
mod resolve_golden;
mod secrets_every_command;
mod trust_cmd;
mod verify_node;
