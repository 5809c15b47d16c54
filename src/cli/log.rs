//! What the program says on stderr, in one of two shapes (`--log-format`): lines for people,
//! or one JSON object a line for journald and Loki. Report lines (`error: …`, `warning: …`,
//! per-feed summaries) and tracing's diagnostics share the shape, so a log shipper never meets
//! a line it cannot parse.

use std::io::IsTerminal;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Plain lines (`error: …`), coloured on a terminal.
    #[default]
    Human,
    /// One JSON object a line, with `timestamp`, `level`, `message` and `target`.
    Json,
}

static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Report lines are printed whatever the verbosity (callers decide which to print), so their
/// target is always enabled.
const REPORT_TARGET: &str = "feedsmith::report";

pub fn format() -> LogFormat {
    FORMAT.get().copied().unwrap_or_default()
}

pub fn init(verbose: u8, format: LogFormat) {
    let _ = FORMAT.set(format);
    let level = match verbose {
        0 => "error",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("FEEDSMITH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("feedsmith={level}")))
        .add_directive(
            format!("{REPORT_TARGET}=info")
                .parse()
                .expect("a valid directive"),
        );
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Human => builder
            .with_ansi(std::io::stderr().is_terminal())
            .without_time()
            .init(),
        // Flattened: `message` and the event's fields at the top level, where Loki's `json`
        // stage and journald's forwarders look first.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
}

/// One report line on stderr: `error: MESSAGE`, `warning: MESSAGE` or `MESSAGE` for people, a
/// JSON record of that level otherwise.
pub fn emit(level: Level, message: std::fmt::Arguments) {
    match format() {
        LogFormat::Human => match level {
            Level::Error => eprintln!("error: {message}"),
            Level::Warning => eprintln!("warning: {message}"),
            Level::Info => eprintln!("{message}"),
        },
        LogFormat::Json => match level {
            Level::Error => tracing::error!(target: REPORT_TARGET, "{message}"),
            Level::Warning => tracing::warn!(target: REPORT_TARGET, "{message}"),
            Level::Info => tracing::info!(target: REPORT_TARGET, "{message}"),
        },
    }
}

/// `report!(Error, "feed {}: …", name)`: [`emit`] with `format!` arguments.
macro_rules! report {
    ($level:ident, $($arg:tt)*) => {
        $crate::cli::log::emit($crate::cli::log::Level::$level, format_args!($($arg)*))
    };
}
pub(crate) use report;
