//! Plain scalars as go-yaml v2 resolves them, which is what the API server sees: `kubectl` and `oc` turn YAML
//! into JSON with sigs.k8s.io/yaml, which reads YAML 1.1 through go-yaml v2 (`yes`, `on`, `y` are booleans,
//! `0777` is octal, `1_000` is a thousand; timestamps and base-60 numbers stay strings).

/// What a plain scalar is after YAML 1.1 resolution.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Plain {
    Null,
    /// `word` is set for the YAML 1.1 spellings a YAML 1.2 reader would take as strings (`yes`, `on`, `y`...).
    Bool {
        value: bool,
        word: bool,
    },
    Int(i64),
    UInt(u64),
    Float(f64),
    Str,
}

/// Resolves a plain (unquoted, untagged) scalar as go-yaml v2's `resolve` does.
pub(crate) fn resolve_plain(text: &str) -> Plain {
    let Some(&first) = text.as_bytes().first() else {
        return Plain::Null;
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            word(text).unwrap_or(Plain::Str)
        }
        b'.' => word(text).unwrap_or_else(|| {
            if is_dot_float(text) {
                text.parse::<f64>().map_or(Plain::Str, Plain::Float)
            } else {
                Plain::Str
            }
        }),
        b'0'..=b'9' | b'+' | b'-' => {
            number(text).unwrap_or_else(|| word(text).unwrap_or(Plain::Str))
        }
        _ => Plain::Str,
    }
}

/// go-yaml v2's table of words (booleans, nulls, infinities and not-a-number).
fn word(text: &str) -> Option<Plain> {
    let bool_word = |value: bool| Plain::Bool { value, word: true };
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => bool_word(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => bool_word(false),
        "true" | "True" | "TRUE" => Plain::Bool {
            value: true,
            word: text != "true",
        },
        "false" | "False" | "FALSE" => Plain::Bool {
            value: false,
            word: text != "false",
        },
        "~" | "null" | "Null" | "NULL" => Plain::Null,
        ".nan" | ".NaN" | ".NAN" => Plain::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Plain::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Plain::Float(f64::NEG_INFINITY),
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
fn number(text: &str) -> Option<Plain> {
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
            Ok(v) if v.is_finite() => Some(Plain::Float(v)),
            _ => None,
        };
    }
    None
}

/// `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint(s, 0, 64)` for values above `i64::MAX`.
fn parse_go_int(s: &str) -> Option<Plain> {
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
            Some(Plain::Int(-(magnitude as i64)))
        } else if magnitude == i64::MAX as u64 + 1 {
            Some(Plain::Int(i64::MIN))
        } else {
            None
        }
    } else if let Ok(v) = i64::try_from(magnitude) {
        Some(Plain::Int(v))
    } else if s.starts_with('+') {
        // ParseUint takes no sign.
        None
    } else {
        Some(Plain::UInt(magnitude))
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
        let b = |value, word| Plain::Bool { value, word };
        for (text, want) in [
            ("yes", b(true, true)),
            ("On", b(true, true)),
            ("y", b(true, true)),
            ("N", b(false, true)),
            ("off", b(false, true)),
            ("true", b(true, false)),
            ("TRUE", b(true, true)),
            ("~", Plain::Null),
            ("", Plain::Null),
            ("Null", Plain::Null),
            ("0777", Plain::Int(511)),
            ("0o17", Plain::Int(15)),
            ("0x1F", Plain::Int(31)),
            ("0b101", Plain::Int(5)),
            ("-0b101", Plain::Int(-5)),
            ("1_000", Plain::Int(1000)),
            ("+12", Plain::Int(12)),
            ("08", Plain::Float(8.0)),
            ("1e3", Plain::Float(1000.0)),
            (".5", Plain::Float(0.5)),
            ("1.", Plain::Float(1.0)),
            ("18446744073709551615", Plain::UInt(u64::MAX)),
            ("1:30", Plain::Str),
            ("2001-12-14", Plain::Str),
            ("1e400", Plain::Str),
            ("yes please", Plain::Str),
            ("nan", Plain::Str),
            (".", Plain::Str),
            ("-", Plain::Str),
            ("0x", Plain::Str),
            ("quay.io", Plain::Str),
        ] {
            match (resolve_plain(text), &want) {
                (Plain::Float(a), Plain::Float(b)) => assert_eq!(a, *b, "{text}"),
                (got, _) => assert_eq!(got, want, "{text}"),
            }
        }
        assert!(matches!(resolve_plain(".nan"), Plain::Float(v) if v.is_nan()));
    }
}
