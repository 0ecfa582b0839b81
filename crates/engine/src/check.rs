//! `rules check`: every rule's examples must produce a finding of that rule, and its negative examples not.
use keyhound_rules::Target;

use crate::Scanner;

/// Runs rule `index`'s examples through `scanner` (holding all rules) and returns what is wrong with them.
pub fn check_rule(scanner: &Scanner, index: usize) -> Vec<String> {
    let rule = scanner.rule(index);
    let mut problems = Vec::new();
    if let Err(e) = scanner.compile(index) {
        problems.push(format!("pattern does not compile: {e}"));
        return problems;
    }
    let fires = |example: &str| match &rule.target {
        Target::Content(_) => scanner.scan(example.as_bytes()).iter().any(|m| m.rule == index),
        Target::Path { .. } => scanner.match_path(example).contains(&index),
    };
    for example in &rule.examples {
        if !fires(example) {
            problems.push(format!("example does not match: {}", example.trim_end()));
        } else if matches!(rule.target, Target::Content(_))
            && !fires(&format!("x = 1\n{}\ny = 2\n", example.trim_end()))
        {
            // A file has lines around the secret: `^`/`$` without `(?m)` would only match at its ends.
            problems.push(format!("example does not match between other lines: {}", example.trim_end()));
        }
    }
    for example in &rule.negative_examples {
        if fires(example) {
            problems.push(format!("negative example matches: {}", example.trim_end()));
        }
    }
    problems
}
