//! Integration tests: they drive the real `keyhound` binary against small trees built in temp dirs.
//! Every secret here is a fake of the right shape.

mod support;

mod action;
mod bad_input;
mod confidence;
mod git;
mod labeled;
mod outputs;
mod rules;
mod suppress;
mod walk;
