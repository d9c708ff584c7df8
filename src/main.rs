//! The `tmkit` binary: parse the command line, run it, print the error chain, map the exit code.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
