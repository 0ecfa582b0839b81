//! The `keyhound` command line: wires rules, engine, sources and report together.
mod args;
mod config;
mod git_cmd;
mod rules_cmd;
mod scan_cmd;
mod suppress;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, ConfigCommand, RulesCommand};

/// Exit code for errors (bad flags, unreadable rule files, unwritable output).
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Scan(scan) => scan_cmd::run(scan),
        Command::Rules { command: RulesCommand::List(list) } => rules_cmd::list(list),
        Command::Rules { command: RulesCommand::Check(check) } => rules_cmd::check(check),
        Command::Rules { command: RulesCommand::Import(import) } => rules_cmd::import(import),
        Command::Config { command: ConfigCommand::Init(init) } => config::init(init),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("keyhound: error: {}", format_error(&err));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// One line: the error and its causes, outermost first.
fn format_error(err: &anyhow::Error) -> String {
    err.chain().map(|c| c.to_string()).collect::<Vec<_>>().join(": ")
}
