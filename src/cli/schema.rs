//! `feedsmith schema`: the JSON Schema of `config.toml`, generated from the config's serde
//! types, for editors (Taplo, Even Better TOML) to complete and check a config as it is typed.

use super::Exit;

/// The schema as pretty JSON with a final newline: what `config.schema.json` holds.
pub fn render() -> String {
    let mut text =
        serde_json::to_string_pretty(&crate::config::json_schema()).expect("a schema serialises");
    text.push('\n');
    text
}

pub fn schema() -> anyhow::Result<Exit> {
    print!("{}", render());
    Ok(Exit::Ok)
}
