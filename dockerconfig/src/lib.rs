//! Docker config JSON (pull secrets): lossless parsing, merging and credential lookup.
