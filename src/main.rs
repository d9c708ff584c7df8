//! The `tmkit` binary: parse the command line, run it, print the error chain, map the exit code.

mod cli;

/// mimalloc: import hands every parsed unit from the reader thread to the database thread, and
/// glibc's allocator spends a seventh of the run on such cross-thread frees.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
