//! The `feedsmith` binary: all the work is in the library; see `feedsmith::cli`.

// A run builds and drops a DOM per page on every core; with glibc's allocator a cold run over
// saved pages spent about a tenth of its time faulting freed pages back in. mimalloc keeps them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    feedsmith::cli::main()
}
