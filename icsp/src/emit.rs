//! A small deterministic YAML writer that produces what Go's YAML libraries produce for JSON-like
//! data: mapping keys in go-yaml's order, block style, strings quoted only when needed.

use std::cmp::Ordering;

use serde_json::Value;

use crate::model::Object;

/// Which Go library's layout to reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum YamlStyle {
    /// go-yaml v3 `Marshal` (4-space indent, sequences indented under their key): what
    /// `oc adm migrate icsp` writes today (it marshals with `sigs.k8s.io/yaml/goyaml.v3`).
    #[default]
    GoYamlV3,
    /// `sigs.k8s.io/yaml` / go-yaml v2 (2-space indent, sequences at their key's indent): what
    /// `oc get -o yaml` and most manifests look like.
    SigsYaml,
}

impl YamlStyle {
    fn indent(self) -> usize {
        match self {
            Self::GoYamlV3 => 4,
            Self::SigsYaml => 2,
        }
    }

    /// Indent of a block collection nested under a mapping key at `parent`.
    fn child(self, parent: usize) -> usize {
        let w = self.indent();
        match self {
            // go-yaml v3 rounds up to the next multiple of the indent.
            Self::GoYamlV3 => w * ((parent + w) / w),
            Self::SigsYaml => parent + w,
        }
    }
}

/// Writes one object as a YAML document (no `---`). `None` for [`Object::Other`].
pub fn to_yaml(object: &Object, style: YamlStyle) -> Option<String> {
    object.to_value().map(|v| value_to_yaml(&v, style))
}

/// Writes objects as one stream, documents separated by `---` lines, for `oc apply -f -`.
/// [`Object::Other`] values are skipped since their content is not kept.
pub fn to_yaml_stream<'a>(
    objects: impl IntoIterator<Item = &'a Object>,
    style: YamlStyle,
) -> String {
    objects
        .into_iter()
        .filter_map(|o| to_yaml(o, style))
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Writes any JSON value as a YAML document, with mapping keys sorted as go-yaml sorts them.
pub fn value_to_yaml(value: &Value, style: YamlStyle) -> String {
    let mut w = Writer {
        out: String::new(),
        style,
    };
    w.node(value, 0, Place::Top);
    w.out
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Top,
    /// After `key:` (nothing written yet after the colon).
    MapValue,
    /// After `- `.
    SeqItem,
}

struct Writer {
    out: String,
    style: YamlStyle,
}

impl Writer {
    fn pad(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Writes `value` whose block content would sit at `indent`.
    fn node(&mut self, value: &Value, indent: usize, place: Place) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by(|a, b| go_yaml_key_order(a, b));
                let (indent, mut first_inline) = match place {
                    Place::Top => (0, false),
                    Place::MapValue => {
                        self.out.push('\n');
                        (self.style.child(indent), false)
                    }
                    Place::SeqItem => (indent, true),
                };
                for key in keys {
                    if !first_inline {
                        self.pad(indent);
                    }
                    first_inline = false;
                    self.key(key);
                    self.out.push(':');
                    self.node(&map[key], indent, Place::MapValue);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                let (indent, mut first_inline) = match place {
                    Place::Top => (0, false),
                    Place::MapValue => {
                        self.out.push('\n');
                        let i = match self.style {
                            YamlStyle::GoYamlV3 => self.style.child(indent),
                            // go-yaml v2 writes sequences under a key without indenting them.
                            YamlStyle::SigsYaml => indent,
                        };
                        (i, false)
                    }
                    Place::SeqItem => (indent, true),
                };
                for item in items {
                    if !first_inline {
                        self.pad(indent);
                    }
                    first_inline = false;
                    self.out.push_str("- ");
                    self.node(item, indent + 2, Place::SeqItem);
                }
            }
            scalar => {
                if place == Place::MapValue {
                    self.out.push(' ');
                }
                self.scalar(scalar, indent, place);
                self.out.push('\n');
            }
        }
    }

    fn key(&mut self, key: &str) {
        match string_style(key, true) {
            Style::Plain => self.out.push_str(key),
            Style::Single => single_quoted(&mut self.out, key),
            Style::Double | Style::Literal => double_quoted(&mut self.out, key),
        }
    }

    fn scalar(&mut self, value: &Value, indent: usize, place: Place) {
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => self.out.push_str(&n.to_string()),
            Value::String(s) => match string_style(s, false) {
                Style::Plain => self.out.push_str(s),
                Style::Single => single_quoted(&mut self.out, s),
                Style::Double => double_quoted(&mut self.out, s),
                Style::Literal => {
                    // (indent of the parent node, indent of the block's lines)
                    let (parent, content) = match place {
                        Place::MapValue => (indent, self.style.child(indent)),
                        Place::SeqItem => (indent - 2, indent),
                        Place::Top => (0, self.style.indent()),
                    };
                    self.literal(s, parent, content);
                }
            },
            Value::Object(_) => self.out.push_str("{}"),
            Value::Array(_) => self.out.push_str("[]"),
        }
    }

    /// A `|` block scalar; the trailing newline is written by the caller.
    fn literal(&mut self, s: &str, parent: usize, indent: usize) {
        self.out.push('|');
        if s.starts_with(' ') || s.starts_with('\n') {
            // The indentation indicator counts from the parent node's indent.
            self.out.push_str(&(indent - parent).to_string());
        }
        let body = if let Some(b) = s.strip_suffix('\n') {
            if b.ends_with('\n') || b.is_empty() {
                self.out.push('+');
            }
            b
        } else {
            self.out.push('-');
            s
        };
        for line in body.split('\n') {
            self.out.push('\n');
            if !line.is_empty() {
                self.pad(indent);
                self.out.push_str(line);
            }
        }
    }
}

enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// go-yaml's choice of scalar style for a string (encoder `stringv` + emitter analysis).
fn string_style(s: &str, is_key: bool) -> Style {
    // Other YAML line breaks would be normalised to `\n` by a reader: escape them.
    if s.contains(['\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        return Style::Double;
    }
    if s.contains('\n') {
        // Keys are simple keys: no block scalars there.
        return if !is_key && block_allowed(s) {
            Style::Literal
        } else {
            Style::Double
        };
    }
    if resolves_to_non_string(s) {
        return Style::Double;
    }
    let a = analyze(s);
    if a.plain_allowed {
        Style::Plain
    } else if a.single_allowed {
        Style::Single
    } else {
        Style::Double
    }
}

struct Analysis {
    plain_allowed: bool,
    single_allowed: bool,
}

fn is_printable(c: char) -> bool {
    matches!(c, '\u{0A}' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
        && c != '\u{FEFF}'
}

/// libyaml's `yaml_emitter_analyze_scalar`, for block context, single-line strings.
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        // An empty plain scalar would read back as null; simple keys need quotes too.
        return Analysis {
            plain_allowed: false,
            single_allowed: true,
        };
    }
    let mut indicators = s.starts_with("---") || s.starts_with("...");
    let mut special = false;
    let chars: Vec<char> = s.chars().collect();
    let mut preceded_by_ws = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = chars.get(i + 1).is_none_or(|n| *n == ' ' || *n == '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => indicators = true,
                '?' | ':' | '-' if followed_by_ws => indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => indicators = true,
                '#' if preceded_by_ws => indicators = true,
                _ => {}
            }
        }
        if c == '\t' || !is_printable(c) {
            special = true;
        }
        preceded_by_ws = c == ' ' || c == '\t';
    }
    let edge_space = s.starts_with(' ') || s.ends_with(' ');
    Analysis {
        plain_allowed: !(indicators || special || edge_space),
        single_allowed: !special,
    }
}

/// Whether a `|` block can hold `s` (libyaml refuses trailing spaces, space before a break,
/// and non-printable characters).
fn block_allowed(s: &str) -> bool {
    !(s.ends_with(' ')
        || s.contains(" \n")
        || s.chars()
            .any(|c| c == '\t' || (c != '\n' && !is_printable(c))))
}

/// Whether a plain scalar `s` would read back as something other than a string in go-yaml
/// (null, bool, int, float, timestamp, YAML 1.1 booleans, base-60 floats, merge key).
fn resolves_to_non_string(s: &str) -> bool {
    match s {
        "" | "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False"
        | "FALSE" | ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf"
        | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | "<<" | "y" | "Y" | "yes" | "Yes" | "YES"
        | "on" | "On" | "ON" | "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return true;
        }
        _ => {}
    }
    let first = s.as_bytes()[0];
    match first {
        b'.' => s.parse::<f64>().is_ok() || looks_like_float(s),
        b'+' | b'-' | b'0'..=b'9' => {
            looks_like_timestamp(s)
                || looks_like_int(&s.replace('_', ""))
                || looks_like_float(&s.replace('_', ""))
                || is_base60_float(s)
        }
        _ => false,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` syntax (and ParseUint): sign, then 0x/0o/0b/leading-0 octal or decimal.
fn looks_like_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (digits, radix) = if let Some(r) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (r, 16)
    } else if let Some(r) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (r, 8)
    } else if let Some(r) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (r, 2)
    } else if body.len() > 1 && body.starts_with('0') {
        (&body[1..], 8)
    } else {
        (body, 10)
    };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) && digits.len() <= 64
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn looks_like_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let all_digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => all_digits(frac),
        Some((int, frac)) => all_digits(int) && (frac.is_empty() || all_digits(frac)),
        None => all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| all_digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// go-yaml's timestamp check: 4 digits, `-`, then a date (optionally followed by a time).
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let date_end = rest.find(['T', 't', ' ']).unwrap_or(rest.len());
    let mut parts = rest[..date_end].split('-');
    let (Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let num = |x: &str| {
        (1..=2).contains(&x.len())
            && x.bytes().all(|c| c.is_ascii_digit())
            && x.parse::<u32>().is_ok()
    };
    if !num(m) || !num(d) {
        return false;
    }
    let (m, d): (u32, u32) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
    (1..=12).contains(&m)
        && (1..=31).contains(&d)
        && (date_end == rest.len() || rest[date_end + 1..].contains(':'))
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match b.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (b, None),
    };
    if frac.is_some_and(|f| !f.bytes().all(|c| c.is_ascii_digit() || c == b'_')) {
        return false;
    }
    let mut parts = main.split(':');
    let Some(head) = parts.next() else {
        return false;
    };
    let head_ok = head.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && head.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    let mut sexagesimal = 0;
    for p in parts {
        let ok = match p.as_bytes() {
            [d] => d.is_ascii_digit(),
            [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        sexagesimal += 1;
    }
    head_ok && sexagesimal > 0
}

fn single_quoted(out: &mut String, s: &str) {
    out.push('\'');
    out.push_str(&s.replace('\'', "''"));
    out.push('\'');
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0B}' => out.push_str("\\v"),
            '\u{0C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1B}' => out.push_str("\\e"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{85}' => out.push_str("\\N"),
            '\u{A0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
}

/// go-yaml's mapping key order (`sorter.go`): letters compare as characters, runs of digits
/// compare as numbers, and a letter sorts after a non-letter unless digits came just before.
pub(crate) fn go_yaml_key_order(a: &str, b: &str) -> Ordering {
    if go_yaml_less(a, b) {
        Ordering::Less
    } else if go_yaml_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// go-yaml's `keyList.Less` number reading: the digits of `r` from `from` on, accumulated onto `n` with Go's
/// wrapping `int` arithmetic; the number and the index after its digits.
fn go_yaml_digits(r: &[char], from: usize, mut n: i64) -> (i64, usize) {
    let mut i = from;
    while i < r.len() && r[i].is_ascii_digit() {
        n = n
            .wrapping_mul(10)
            .wrapping_add(i64::from(r[i] as u8 - b'0'));
        i += 1;
    }
    (n, i)
}

fn go_yaml_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            digits = ar[i].is_ascii_digit();
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return if digits { al } else { bl };
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let (an, ai) = go_yaml_digits(&ar, i, an);
        let (bn, bi) = go_yaml_digits(&br, i, bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}
