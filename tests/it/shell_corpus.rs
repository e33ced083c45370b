//! Differential tests of the shell language: every script in
//! tests/corpus/ runs through /bin/bash and through nsh; stdout, stderr
//! and exit status must be equal.

use crate::common::assert_same_as_bash;

fn corpus(name: &str) {
    let path = format!("{}/tests/corpus/{name}.sh", env!("CARGO_MANIFEST_DIR"));
    let script = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_same_as_bash(&script);
}

macro_rules! corpus_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                corpus(stringify!($name));
            }
        )*
    };
}

corpus_tests!(
    arith,
    background,
    control,
    echo_quotes,
    errexit,
    glob,
    misc,
    notfound,
    nounset,
    params,
    pipefail,
    redirs,
    subst,
    traps,
    tutorial_flow,
);
