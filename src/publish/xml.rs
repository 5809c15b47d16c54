//! The few pieces of XML the RSS and Atom writers are made of: escaped text, elements on
//! their own line, attributes and CDATA sections, appended to a byte buffer.

/// Text or an attribute value with the five characters XML reserves escaped.
pub(super) fn escape(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut from = 0;
    for (i, b) in bytes.iter().enumerate() {
        let with: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&apos;",
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        out.extend_from_slice(with);
        from = i + 1;
    }
    out.extend_from_slice(&bytes[from..]);
}

/// `<name>text</name>` on a line of its own at `indent`.
pub(super) fn element(out: &mut Vec<u8>, indent: &str, name: &str, text: &str) {
    for part in [indent, "<", name, ">"] {
        out.extend_from_slice(part.as_bytes());
    }
    escape(out, text);
    for part in ["</", name, ">\n"] {
        out.extend_from_slice(part.as_bytes());
    }
}

/// ` name="value"`.
pub(super) fn attr(out: &mut Vec<u8>, name: &str, value: &str) {
    for part in [" ", name, "=\""] {
        out.extend_from_slice(part.as_bytes());
    }
    escape(out, value);
    out.push(b'"');
}

/// `text` in a CDATA section; a `]]>` inside it is split across two sections.
pub(super) fn cdata(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(b"<![CDATA[");
    let mut rest = text;
    while let Some(at) = rest.find("]]>") {
        out.extend_from_slice(&rest.as_bytes()[..at + 2]);
        out.extend_from_slice(b"]]><![CDATA[");
        rest = &rest[at + 2..];
    }
    out.extend_from_slice(rest.as_bytes());
    out.extend_from_slice(b"]]>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_attributes_and_cdata_are_escaped() {
        let mut out = Vec::new();
        element(&mut out, "  ", "t", "a<b & \"c\" 'd'>");
        attr(&mut out, "k", "x&y\"");
        cdata(&mut out, "1 ]]> 2 ]]>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  <t>a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;</t>\n k=\"x&amp;y&quot;\"\
             <![CDATA[1 ]]]]><![CDATA[> 2 ]]]]><![CDATA[>]]>"
        );
    }
}
