//! `keyhound rules list` and `keyhound rules check`.
use std::io::Write;

use anyhow::{Context, Result};
use keyhound_engine::{check_rule, Scanner};
use keyhound_rules::RuleSet;

use crate::args::{CheckArgs, ImportArgs, ListArgs, ListFormat, RuleSource};

/// Loads the built-in rules (unless disabled) and every `--rules` path; prints load warnings on stderr.
pub fn load_rules(source: &RuleSource) -> Result<RuleSet> {
    let mut set = if source.no_builtin_rules { RuleSet::default() } else { RuleSet::builtin()? };
    for path in &source.rules {
        set.add_path(path)?;
    }
    for warning in &set.warnings {
        eprintln!("keyhound: warning: {warning}");
    }
    Ok(set)
}

pub fn list(args: &ListArgs) -> Result<u8> {
    let set = load_rules(&args.source)?;
    match write_list(&set, args.format, &mut std::io::stdout().lock()) {
        // `keyhound rules list | head`: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
        result => result.context("writing the rule list")?,
    }
    if args.format == ListFormat::Text {
        eprintln!("{} rules", set.rules.len());
    }
    Ok(0)
}

fn write_list(set: &RuleSet, format: ListFormat, out: &mut impl Write) -> std::io::Result<()> {
    match format {
        ListFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&set.rules)?),
        ListFormat::Text => set.rules.iter().try_for_each(|rule| {
            writeln!(
                out,
                "{:<48} {:<14} {:<20} {:<7} {}",
                rule.id,
                rule.provider,
                rule.kind,
                rule.confidence.as_str(),
                rule.name
            )
        }),
    }
}

pub fn check(args: &CheckArgs) -> Result<u8> {
    // With FILEs: only the rules of those files (and any --rules) are loaded and checked.
    let set = if args.files.is_empty() {
        load_rules(&args.source)?
    } else {
        let mut set = RuleSet::default();
        for path in args.source.rules.iter().chain(&args.files) {
            set.add_path(path)?;
        }
        set
    };
    let scanner = Scanner::new(set.rules);
    let mut failed = 0;
    for (index, rule) in scanner.rules().iter().enumerate() {
        let mut problems = check_rule(&scanner, index);
        if rule.examples.len() < 2 {
            problems.push(format!("has {} examples (want at least 2)", rule.examples.len()));
        }
        if rule.negative_examples.is_empty() {
            problems.push("has no negative_examples (want at least 1)".into());
        }
        if !problems.is_empty() {
            failed += 1;
            for problem in problems {
                println!("FAIL {}:{}: {}: {}", rule.origin.file, rule.origin.line, rule.id, problem);
            }
        }
    }
    let checked = scanner.rules().len();
    println!("{checked} rules checked, {} passed, {failed} failed", checked - failed);
    Ok(if failed == 0 { 0 } else { crate::EXIT_ERROR })
}

pub fn import(args: &ImportArgs) -> Result<u8> {
    let name = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {name}"))?;
    let (yaml, warnings) = keyhound_rules::import_gitleaks(&name, &text)?;
    // The translation must load as keyhound rules before it is handed out.
    let mut check = RuleSet::default();
    check.add_yaml(&name, &yaml, false)?;
    for warning in warnings.iter().chain(&check.warnings) {
        eprintln!("keyhound: warning: {warning}");
    }
    match &args.output {
        Some(path) => std::fs::write(path, &yaml).with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{yaml}"),
    }
    eprintln!("keyhound: imported {} rules from {name}", check.rules.len());
    Ok(0)
}
