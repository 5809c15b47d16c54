//! The `feedsmith` binary: all the work is in the library; see `feedsmith::cli`.

fn main() -> std::process::ExitCode {
    feedsmith::cli::main()
}
