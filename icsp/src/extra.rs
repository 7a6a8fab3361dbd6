//! The unknown fields of an object, kept to be written back.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::LazyLock;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// What an `Extra` with no fields reads as: `Map::new` is not `const`.
static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

/// The fields of an object that the crate does not model, in input order, written back flattened into the
/// object (the `extra` of every model type).
///
/// It is one pointer wide and allocates only when there is a field. A [`Map`] is 72 bytes inline (serde_json
/// preserves order, so it is an IndexMap), and almost no mirror item has an unknown field: 100 000 `ImageMirrors`
/// took 14.4 MB, more than their 11.5 MB of YAML, half of it empty maps. Otherwise it is the map: it reads as one
/// through `Deref` (an empty map when there are none), writes through `DerefMut` (which allocates the map on first
/// use), and compares, prints (`Debug`) and serializes as the map does, so an empty `Extra` equals one whose map
/// was emptied.
#[derive(Clone, Default)]
pub struct Extra(Option<Box<Map<String, Value>>>);

impl Extra {
    /// No fields.
    pub const fn new() -> Self {
        Self(None)
    }

    /// The fields as a map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

impl Deref for Extra {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Map<String, Value> {
        self.0.as_deref().unwrap_or(&EMPTY)
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<Map<String, Value>> for Extra {
    /// Holds no allocation for an empty map.
    fn from(map: Map<String, Value>) -> Self {
        Self((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.into_map()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        iter.into_iter().collect::<Map<_, _>>().into()
    }
}

impl Extend<(String, Value)> for Extra {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        let mut iter = iter.into_iter().peekable();
        // Nothing to add allocates nothing.
        if iter.peek().is_some() {
            (**self).extend(iter);
        }
    }
}

impl IntoIterator for Extra {
    type Item = (String, Value);
    type IntoIter = serde_json::map::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Extra {}

impl PartialEq<Map<String, Value>> for Extra {
    fn eq(&self, other: &Map<String, Value>) -> bool {
        **self == *other
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one() -> Map<String, Value> {
        [("x".to_owned(), Value::from(1))].into_iter().collect()
    }

    #[test]
    fn one_pointer_wide() {
        // The point of the type: an object with no unknown field pays one pointer, not a 72-byte map.
        assert_eq!(size_of::<Extra>(), size_of::<usize>());
    }

    #[test]
    fn empty_is_the_empty_map() {
        let emptied = {
            let mut e = Extra::from(one());
            e.clear();
            e
        };
        assert_eq!(Extra::new(), emptied);
        assert_eq!(Extra::new(), Map::new());
        assert!(Extra::from(Map::new()).0.is_none());
        assert!(std::iter::empty().collect::<Extra>().0.is_none());
        let mut e = Extra::new();
        e.extend([]);
        assert!(e.0.is_none());
        assert_eq!(format!("{:?}", Extra::new()), format!("{:?}", Map::new()));
        assert_eq!(serde_json::to_string(&Extra::new()).unwrap(), "{}");
    }

    #[test]
    fn reads_and_writes_as_the_map() {
        let mut e = Extra::new();
        e.insert("x".into(), 1.into());
        assert_eq!(e, one());
        assert_eq!(e["x"], 1);
        assert_eq!(format!("{e:?}"), format!("{:?}", one()));
        assert_eq!(Map::from(e.clone()), one());
        assert_eq!((&e).into_iter().count(), 1);
        assert_eq!(e.into_iter().collect::<Map<_, _>>(), one());
    }
}
