use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let unit = args.get(1).map(String::as_str).unwrap_or("a & b ");
    for mb in args[2..].iter().map(|s| s.parse::<usize>().unwrap()) {
        let n = mb * 1_000_000 / unit.len();
        let html = format!("<p>{}</p>", unit.repeat(n));
        let t = Instant::now();
        let out = feedsmith::normalize::sanitize::clean_html(&html, None);
        eprintln!("{mb} MB: clean_html {:?} ({} bytes)", t.elapsed(), out.len());
    }
}
