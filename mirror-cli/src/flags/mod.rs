//! The command line, in two layers as in ripgrep: [`args`] is what the user typed (clap), [`requests`] is what the
//! commands take (files read, values typed).

pub mod args;
pub mod docs;
pub mod requests;
