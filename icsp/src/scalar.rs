//! Plain scalars as go-yaml v2 resolves them, which is what the API server sees: `kubectl` and `oc` turn YAML
//! into JSON with sigs.k8s.io/yaml, which reads YAML 1.1 through go-yaml v2 (`yes`, `on`, `y` are booleans,
//! `0777` is octal, `1_000` is a thousand; timestamps and base-60 numbers stay strings).

use crate::tree::Tree;

/// Resolves a plain (unquoted, untagged) scalar as go-yaml v2's `resolve` does: the null, boolean or number it
/// is, or `None` for a string (the caller makes the [`Tree::Str`] from the text as it holds it, borrowed or owned).
pub(crate) fn resolve_plain(text: &str) -> Option<Tree<'static>> {
    let Some(&first) = text.as_bytes().first() else {
        return Some(Tree::Null);
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => word(text),
        b'.' => word(text).or_else(|| {
            if is_dot_float(text) {
                text.parse::<f64>().ok().map(Tree::Float)
            } else {
                None
            }
        }),
        b'0'..=b'9' | b'+' | b'-' => number(text).or_else(|| word(text)),
        _ => None,
    }
}

/// go-yaml v2's table of words (booleans, nulls, infinities and not-a-number).
fn word(text: &str) -> Option<Tree<'static>> {
    let bool_word = |value: bool| Tree::Bool { value, word: true };
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => bool_word(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => bool_word(false),
        "true" | "True" | "TRUE" => Tree::Bool {
            value: true,
            word: text != "true",
        },
        "false" | "False" | "FALSE" => Tree::Bool {
            value: false,
            word: text != "false",
        },
        "~" | "null" | "Null" | "NULL" => Tree::Null,
        ".nan" | ".NaN" | ".NAN" => Tree::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Tree::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Tree::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// `.5`, `.5e3`: what Go's `strconv.ParseFloat` accepts after a leading dot.
fn is_dot_float(text: &str) -> bool {
    let rest = &text[1..];
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit())
        && exponent.is_none_or(is_exponent_digits)
}

fn is_exponent_digits(e: &str) -> bool {
    let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Integers as `strconv.ParseInt(s, 0, 64)` then `ParseUint` read them once underscores are removed, then
/// floats matching go-yaml v2's `yamlStyleFloat`.
fn number(text: &str) -> Option<Tree<'static>> {
    let plain: std::borrow::Cow<'_, str> = if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    };
    if let Some(v) = parse_go_int(&plain) {
        return Some(v);
    }
    if is_yaml_style_float(&plain) {
        // Go's ParseFloat fails on out-of-range values, and go-yaml v2 then keeps the text as a string.
        return match plain.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(Tree::Float(v)),
            _ => None,
        };
    }
    None
}

/// `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)` for values above `i64::MAX`.
fn parse_go_int(s: &str) -> Option<Tree<'static>> {
    let (negative, unsigned) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(d) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        (16, d)
    } else if let Some(d) = unsigned
        .strip_prefix("0b")
        .or_else(|| unsigned.strip_prefix("0B"))
    {
        (2, d)
    } else if let Some(d) = unsigned
        .strip_prefix("0o")
        .or_else(|| unsigned.strip_prefix("0O"))
    {
        (8, d)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (8, &unsigned[1..])
    } else {
        (10, unsigned)
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 {
            Some(Tree::Int(-(magnitude as i64)))
        } else if magnitude == i64::MAX as u64 + 1 {
            Some(Tree::Int(i64::MIN))
        } else {
            None
        }
    } else if let Ok(v) = i64::try_from(magnitude) {
        Some(Tree::Int(v))
    } else if s.starts_with('+') {
        // ParseUint takes no sign.
        None
    } else {
        Some(Tree::UInt(magnitude))
    }
}

/// go-yaml v2's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()),
        Some((int, frac)) => {
            !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    mantissa_ok && exponent.is_none_or(is_exponent_digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_words_and_numbers() {
        let b = |value, word| Some(Tree::Bool { value, word });
        for (text, want) in [
            ("yes", b(true, true)),
            ("On", b(true, true)),
            ("y", b(true, true)),
            ("N", b(false, true)),
            ("off", b(false, true)),
            ("true", b(true, false)),
            ("TRUE", b(true, true)),
            ("~", Some(Tree::Null)),
            ("", Some(Tree::Null)),
            ("Null", Some(Tree::Null)),
            ("0777", Some(Tree::Int(511))),
            ("0o17", Some(Tree::Int(15))),
            ("0x1F", Some(Tree::Int(31))),
            ("0b101", Some(Tree::Int(5))),
            ("-0b101", Some(Tree::Int(-5))),
            ("1_000", Some(Tree::Int(1000))),
            ("+12", Some(Tree::Int(12))),
            ("08", Some(Tree::Float(8.0))),
            ("1e3", Some(Tree::Float(1000.0))),
            (".5", Some(Tree::Float(0.5))),
            ("1.", Some(Tree::Float(1.0))),
            ("18446744073709551615", Some(Tree::UInt(u64::MAX))),
            ("1:30", None),
            ("2001-12-14", None),
            ("1e400", None),
            ("yes please", None),
            ("nan", None),
            (".", None),
            ("-", None),
            ("0x", None),
            ("quay.io", None),
        ] {
            match (resolve_plain(text), &want) {
                (Some(Tree::Float(a)), Some(Tree::Float(b))) => assert_eq!(a, *b, "{text}"),
                (got, _) => assert_eq!(got, want, "{text}"),
            }
        }
        assert!(matches!(resolve_plain(".nan"), Some(Tree::Float(v)) if v.is_nan()));
    }
}
